package transforms

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
)

const filterDoc = "Drops every record it is applied to, so later transforms and the connector never see it. " +
	"Meant to be used with a predicate (transforms.<alias>.predicate, optionally negate) to drop only some records."

func filterConfigDef() *configdef.ConfigDef { return configdef.New() }

// Filter is Kafka's Filter: it drops every record.
type Filter struct{}

// NewFilter returns a Filter.
func NewFilter() *Filter { return &Filter{} }

// Configure accepts any settings; Filter has none.
func (Filter) Configure(map[string]string) error { return nil }

// Apply drops the record.
func (Filter) Apply(*connector.Record) (*connector.Record, error) { return nil, nil }

// Close does nothing.
func (Filter) Close() error { return nil }
