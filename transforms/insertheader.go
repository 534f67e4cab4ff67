package transforms

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const insertHeaderDoc = "Appends a header with a fixed value to each record."

func insertHeaderConfigDef() *configdef.ConfigDef {
	return configdef.New().
		Define(configdef.Key{Name: "header", Type: configdef.TypeString, Default: configdef.NoDefault,
			Validator: configdef.NonNull(), Importance: configdef.High, Doc: "Name of the header."}).
		Define(configdef.Key{Name: "value.literal", Type: configdef.TypeString, Default: configdef.NoDefault,
			Validator: configdef.NonNull(), Importance: configdef.High,
			Doc: "Value of the header on every record. Its type is inferred as for headers read by " +
				"SimpleHeaderConverter: 1 is an int8, true a boolean, [1,2] an array, null a null value."})
}

// InsertHeader is Kafka's InsertHeader.
type InsertHeader struct {
	header string
	schema *data.Schema
	value  any
}

// NewInsertHeader returns an unconfigured InsertHeader.
func NewInsertHeader() *InsertHeader { return &InsertHeader{} }

// Configure reads header and value.literal, whose type is inferred once.
func (t *InsertHeader) Configure(props map[string]string) error {
	v, err := parseConfig(insertHeaderConfigDef(), props)
	if err != nil {
		return err
	}
	t.header = v.String("header")
	t.schema, t.value = data.ParseString(v.String("value.literal"))
	return nil
}

// Apply appends the header.
func (t *InsertHeader) Apply(r *connector.Record) (*connector.Record, error) {
	out := *r
	out.Headers = r.Headers.With(t.header, t.schema, t.value)
	return &out, nil
}

// Close does nothing.
func (t *InsertHeader) Close() error { return nil }
