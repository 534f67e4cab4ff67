// Package predicates holds the predicates that ship with Kafka Connect,
// under their Java class names: TopicNameMatches, HasHeaderKey and
// RecordIsTombstone. A transformation configured with
// transforms.<alias>.predicate runs only on the records its predicate
// accepts (or, with negate, rejects).
//
// Each predicate parses its settings with Kafka's ConfigDef (keys,
// validators, messages). Predicates only read records.
package predicates

import (
	"errors"
	"regexp"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
)

// Package is the Java package of the built-in predicates.
const Package = "org.apache.kafka.connect.transforms.predicates."

// Class describes one predicate class for the plugin registry.
type Class struct {
	// Name is the Java class name users write in predicates.<alias>.type.
	Name string
	// Doc says what the predicate tests.
	Doc string
	// Config returns the predicate's ConfigDef.
	Config func() *configdef.ConfigDef
	// New returns an unconfigured instance.
	New func() connector.Predicate
}

// Classes returns every built-in predicate, in class name order.
func Classes() []Class {
	return []Class{
		{Name: Package + "HasHeaderKey", Doc: "True for records with at least one header of the configured name.",
			Config: hasHeaderKeyConfigDef, New: func() connector.Predicate { return NewHasHeaderKey() }},
		{Name: Package + "RecordIsTombstone", Doc: "True for tombstones: records whose value is null.",
			Config: configdef.New, New: func() connector.Predicate { return NewRecordIsTombstone() }},
		{Name: Package + "TopicNameMatches", Doc: "True for records whose whole topic name matches a regular expression.",
			Config: topicNameMatchesConfigDef, New: func() connector.Predicate { return NewTopicNameMatches() }},
	}
}

// parseConfig parses props as Java's SimpleConfig does: the first problem,
// in declaration order, is the error.
func parseConfig(def *configdef.ConfigDef, props map[string]string) (*configdef.Values, error) {
	v, err := def.Parse(props)
	if err != nil {
		var joined interface{ Unwrap() []error }
		if errors.As(err, &joined) && len(joined.Unwrap()) > 0 {
			return nil, joined.Unwrap()[0]
		}
		return nil, err
	}
	return v, nil
}

func hasHeaderKeyConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(configdef.Key{Name: "name", Type: configdef.TypeString, Default: configdef.NoDefault,
		Validator: configdef.NonEmptyString(), Importance: configdef.Medium, Doc: "The header name."})
}

// HasHeaderKey is Kafka's HasHeaderKey predicate.
type HasHeaderKey struct{ name string }

// NewHasHeaderKey returns an unconfigured HasHeaderKey.
func NewHasHeaderKey() *HasHeaderKey { return &HasHeaderKey{} }

// Configure reads name.
func (p *HasHeaderKey) Configure(props map[string]string) error {
	v, err := parseConfig(hasHeaderKeyConfigDef(), props)
	if err != nil {
		return err
	}
	p.name = v.String("name")
	return nil
}

// Test reports whether a header has exactly the configured name.
func (p *HasHeaderKey) Test(r *connector.Record) (bool, error) {
	for _, h := range r.Headers {
		if h.Key == p.name {
			return true, nil
		}
	}
	return false, nil
}

// Close does nothing.
func (p *HasHeaderKey) Close() error { return nil }

// RecordIsTombstone is Kafka's RecordIsTombstone predicate.
type RecordIsTombstone struct{}

// NewRecordIsTombstone returns a RecordIsTombstone.
func NewRecordIsTombstone() *RecordIsTombstone { return &RecordIsTombstone{} }

// Configure accepts any settings; the predicate has none.
func (RecordIsTombstone) Configure(map[string]string) error { return nil }

// Test reports whether the value is null, whatever the key and schemas.
func (RecordIsTombstone) Test(r *connector.Record) (bool, error) { return r.Value == nil, nil }

// Close does nothing.
func (RecordIsTombstone) Close() error { return nil }

func topicNameMatchesConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(configdef.Key{Name: "pattern", Type: configdef.TypeString, Default: configdef.NoDefault,
		Validator: configdef.All(configdef.NonEmptyString(), regexValidator()), Importance: configdef.Medium,
		Doc: "A regular expression the whole topic name must match. It is read with Go's RE2 syntax, which is " +
			"Java's for everything but look-around, back-references and possessive quantifiers; those are refused."})
}

// regexValidator is Kafka's RegexValidator: the value must compile. A
// missing value gets the message Kafka gives, a NullPointerException's
// text, so that validation reports the same problems as the Java worker.
func regexValidator() configdef.Validator {
	return configdef.ValidatorFunc(func(name string, v any) error {
		s, ok := v.(string)
		if !ok {
			return configdef.Invalid(name, nil, `Invalid regex: Cannot invoke "String.isEmpty()" because "this.pattern" is null`)
		}
		if _, err := regexp.Compile(s); err != nil {
			return configdef.Invalid(name, s, "Invalid regex: "+err.Error())
		}
		return nil
	})
}

// TopicNameMatches is Kafka's TopicNameMatches predicate.
type TopicNameMatches struct{ re *regexp.Regexp }

// NewTopicNameMatches returns an unconfigured TopicNameMatches.
func NewTopicNameMatches() *TopicNameMatches { return &TopicNameMatches{} }

// Configure reads pattern.
func (p *TopicNameMatches) Configure(props map[string]string) error {
	v, err := parseConfig(topicNameMatchesConfigDef(), props)
	if err != nil {
		return err
	}
	s := v.String("pattern")
	re, err := regexp.Compile(`\A(?:` + s + `)\z`)
	if err != nil {
		return configdef.Invalid("pattern", s, "entry must be a Java-compatible regular expression: "+err.Error())
	}
	p.re = re
	return nil
}

// Test reports whether the whole topic matches.
func (p *TopicNameMatches) Test(r *connector.Record) (bool, error) {
	return p.re.MatchString(r.Topic), nil
}

// Close does nothing.
func (p *TopicNameMatches) Close() error { return nil }
