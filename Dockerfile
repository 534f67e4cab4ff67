# The worker as a container image, in place of confluentinc/cp-kafka-connect.
#
#   make image     # docker or podman build -t kafka-connect-go/connect:latest .
#   docker run -p 8083:8083 \
#     -e CONNECT_BOOTSTRAP_SERVERS=kafka:9092 -e CONNECT_GROUP_ID=connect \
#     -e CONNECT_CONFIG_STORAGE_TOPIC=connect-configs -e CONNECT_OFFSET_STORAGE_TOPIC=connect-offsets \
#     -e CONNECT_STATUS_STORAGE_TOPIC=connect-status \
#     -e CONNECT_KEY_CONVERTER=org.apache.kafka.connect.json.JsonConverter \
#     -e CONNECT_VALUE_CONVERTER=org.apache.kafka.connect.json.JsonConverter \
#     -e CONNECT_REST_ADVERTISED_HOST_NAME=connect kafka-connect-go/connect
#
# With no arguments, connect-distributed configures itself from the
# CONNECT_* environment as the cp-kafka-connect image does, and writes the
# rendered properties to /etc/kafka-connect/kafka-connect.properties.
# Arguments are passed on: a properties file (mounted) is used instead, with
# CONNECT_* variables overriding its keys. examples/docker-compose.yml runs
# it next to Kafka; README, "Replacing cp-kafka-connect", says what carries
# over. connect-standalone is in /usr/bin too (--entrypoint).

# Build: static binaries (no cgo), so the final image needs no libc.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/bin/ ./cmd/connect-standalone ./cmd/connect-distributed
# /etc/kafka-connect exists in the image and belongs to the worker's user,
# as in cp-kafka-connect: the rendered properties go there, and secrets or
# a properties file can be mounted below it.
RUN mkdir -p /out/etc/kafka-connect/secrets

# Run: distroless static, as the non-root user 65532 ("nonroot").
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bin/ /usr/bin/
COPY --from=build --chown=65532:65532 /out/etc/kafka-connect /etc/kafka-connect
USER 65532:65532
EXPOSE 8083
ENTRYPOINT ["/usr/bin/connect-distributed"]
