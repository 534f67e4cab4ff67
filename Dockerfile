# The worker as a container image, in place of confluentinc/cp-kafka-connect:
#   docker build -t connect .
#   docker run -v $PWD/worker.properties:/etc/kafka-connect/worker.properties -p 8083:8083 connect
# It runs connect-distributed with /etc/kafka-connect/worker.properties;
# pass another command or file as arguments (connect-standalone is in
# /usr/bin too). The binaries are static: the final image holds nothing else.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/ ./cmd/connect-standalone ./cmd/connect-distributed

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ /usr/bin/
EXPOSE 8083
ENTRYPOINT ["/usr/bin/connect-distributed"]
CMD ["/etc/kafka-connect/worker.properties"]
