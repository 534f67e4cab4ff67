# The targets a newcomer needs: quickstart, test, lint, build, bench.
GO ?= go
BIN := bin

.PHONY: all build test lint quickstart bench clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/... ./examples/quickstart

test:
	$(GO) test -race -count=1 -timeout 20m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	./.ci/lint-imports.sh

# Flags for the quickstart, e.g. make quickstart QUICKSTART_FLAGS=-file
QUICKSTART_FLAGS ?=

quickstart: build
	$(BIN)/quickstart $(QUICKSTART_FLAGS)

# About a minute and a half: an embedded broker, 1M events, a bare consumer and
# the worker in four configurations; results in docs/benchmarks.{md,json,png}.
bench: build
	$(BIN)/bench -worker $(BIN)/connect-standalone -out docs

clean:
	rm -rf $(BIN) quickstart-data
