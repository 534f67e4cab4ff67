# The targets a newcomer needs: quickstart, test, lint, build, bench.
GO ?= go
BIN := bin

.PHONY: all build test lint quickstart bench image interop clean

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

# The container image (Dockerfile), where docker or podman is installed.
IMAGE ?= kafka-connect-go/connect:latest
image:
	@engine=$$(command -v docker || command -v podman) || { echo "make image: neither docker nor podman is installed"; exit 1; }; \
	$$engine build -t $(IMAGE) .

# Rolling-migration scenarios against Apache Kafka's own Java worker (not part
# of make test or CI). JW_OUT names a built ../shared/javaworker; without it,
# KAFKA_GITDIR (a git dir of apache/kafka) is built into .interop/jw first.
JW_BUILD ?= $(abspath ../shared/javaworker/build.sh)
interop: build
	@if [ -z "$(JW_OUT)" ] && [ -z "$(KAFKA_GITDIR)" ]; then \
	  echo "make interop: skipped: set JW_OUT (a built javaworker) or KAFKA_GITDIR (a git dir of apache/kafka)"; exit 0; fi; \
	jw="$(JW_OUT)"; \
	if [ -z "$$jw" ]; then jw=$(CURDIR)/.interop/jw; [ -x "$$jw/run" ] || $(JW_BUILD) "$(KAFKA_GITDIR)" "$$jw" || exit 1; fi; \
	mkdir -p .interop; \
	{ JW_OUT=$$jw $(GO) test -count=1 -v -timeout 60m -run 'TestInterop' ./cmd/internal/interop/ 2>&1; echo $$? >.interop/rc; } | tee .interop/interop.log; \
	echo "== make interop: figures (full log: .interop/interop.log)"; \
	grep -E 'FIGURES|^(---|ok|FAIL)' .interop/interop.log | sed -E 's/^ +[a-z_]+_test\.go:[0-9]+: \[ *[0-9.]+s\] FIGURES /  /'; \
	exit $$(cat .interop/rc)

clean:
	rm -rf $(BIN) quickstart-data
