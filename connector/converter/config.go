package converter

import (
	"fmt"

	"github.com/kafka-connect-go/connect/connector/configdef"
)

// ConverterTypeConfig is the key through which the runtime tells a converter
// what it converts. Configure(config, isKey) sets it to "key" or "value" and
// the header converters' Configure sets it to "header" when it is absent, as
// the Java runtime does.
const ConverterTypeConfig = "converter.type"

// The values of ConverterTypeConfig.
const (
	typeKey    = "key"
	typeValue  = "value"
	typeHeader = "header"
)

// defineConverterType declares converter.type as Java's
// ConverterConfig.newConfigDef does.
func defineConverterType(d *configdef.ConfigDef) *configdef.ConfigDef {
	return d.Define(configdef.Key{
		Name:       ConverterTypeConfig,
		Type:       configdef.TypeString,
		Default:    configdef.NoDefault,
		Validator:  configdef.OneOf(typeKey, typeValue, typeHeader),
		Importance: configdef.Low,
		Doc:        "How this converter will be used.",
	})
}

// withType copies config and sets converter.type, as Java's
// configure(configs, isKey) does (overriding any value given).
func withType(config map[string]string, typ string) map[string]string {
	out := make(map[string]string, len(config)+1)
	for k, v := range config {
		out[k] = v
	}
	out[ConverterTypeConfig] = typ
	return out
}

// headerType returns config with converter.type defaulted to "header".
func headerType(config map[string]string) map[string]string {
	if _, ok := config[ConverterTypeConfig]; ok {
		return config
	}
	return withType(config, typeHeader)
}

func keyOrValue(isKey bool) string {
	if isKey {
		return typeKey
	}
	return typeValue
}

// parseConfig parses a converter's config with its ConfigDef, naming the
// converter in the error.
func parseConfig(class string, def *configdef.ConfigDef, config map[string]string) (*configdef.Values, error) {
	v, err := def.Parse(config)
	if err != nil {
		return nil, fmt.Errorf("configure %s: %w", class, err)
	}
	return v, nil
}
