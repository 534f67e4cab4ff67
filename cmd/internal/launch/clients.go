package launch

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/config"
)

// KafkaClients is the base configuration of the worker's own Kafka
// clients (the internal topics, the group member): the worker's security
// settings and request timeouts, as Java hands its un-prefixed worker
// config to them.
type KafkaClients struct {
	base *sarama.Config
}

// InternalClients builds the worker's own clients' configuration from
// worker.properties.
func InternalClients(wc *config.WorkerConfig) (*KafkaClients, error) {
	props := clientProps(wc, "")
	for _, k := range []string{"request.timeout.ms", "retry.backoff.ms", "metadata.max.age.ms", "socket.connection.setup.timeout.ms", "client.rack"} {
		if v, ok := wc.Originals()[k]; ok {
			props[k] = v
		}
	}
	c, err := worker.KafkaClientConfig(wc.BootstrapServers, props)
	if err != nil {
		return nil, fmt.Errorf("%s: kafka client settings: %w", wc.File, err)
	}
	return &KafkaClients{base: c}, nil
}

// invalidClientID matches what Kafka refuses in a client id.
var invalidClientID = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// Clone returns a copy of the base configuration with a client id (made
// of the characters Kafka accepts).
func (k *KafkaClients) Clone(clientID string) *sarama.Config {
	c := *k.base
	c.ClientID = invalidClientID.ReplaceAllString(strings.TrimSpace(clientID), "-")
	return &c
}
