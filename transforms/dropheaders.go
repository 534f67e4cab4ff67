package transforms

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
)

const dropHeadersDoc = "Removes the named headers (every occurrence) from each record."

func dropHeadersConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(configdef.Key{Name: "headers", Type: configdef.TypeList, Default: configdef.NoDefault,
		Validator: nonEmptyList(), Importance: configdef.High,
		Doc: "Names of the headers to remove."})
}

// DropHeaders is Kafka's DropHeaders.
type DropHeaders struct {
	names map[string]struct{}
}

// NewDropHeaders returns an unconfigured DropHeaders.
func NewDropHeaders() *DropHeaders { return &DropHeaders{} }

// Configure reads headers.
func (t *DropHeaders) Configure(props map[string]string) error {
	v, err := parseConfig(dropHeadersConfigDef(), props)
	if err != nil {
		return err
	}
	t.names = map[string]struct{}{}
	for _, h := range v.List("headers") {
		t.names[h] = struct{}{}
	}
	return nil
}

// Apply returns the record without the configured headers, the others in
// their order.
func (t *DropHeaders) Apply(r *connector.Record) (*connector.Record, error) {
	out := *r
	out.Headers = make(connector.Headers, 0, len(r.Headers))
	for _, h := range r.Headers {
		if _, drop := t.names[h.Key]; !drop {
			out.Headers = append(out.Headers, h)
		}
	}
	return &out, nil
}

// Close does nothing.
func (t *DropHeaders) Close() error { return nil }
