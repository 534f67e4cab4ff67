package worker

import (
	"strings"

	"github.com/IBM/sarama"
)

// KafkaClientConfig builds the sarama config of one of the worker's own
// Kafka clients (the internal topics' logs, the group member) from Java
// client keys: the worker's security settings (security.protocol, sasl.*,
// ssl.*) and whatever else is given (client.id, request.timeout.ms...),
// mapped as for connectors' clients. A value that does not parse is an
// error naming its key.
func KafkaClientConfig(brokers []string, props map[string]string) (*sarama.Config, error) {
	p := clientProps{}
	p.set("bootstrap.servers", strings.Join(brokers, ","))
	for k, v := range props {
		p[k] = clientProp{origin: k, value: v}
	}
	s, err := buildClient(0, p)
	if err != nil {
		return nil, err
	}
	return s.sarama, nil
}
