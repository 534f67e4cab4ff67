package provider

import (
	"log/slog"
	"os"
	"regexp"
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
)

// EnvVarClass is the class name of EnvVar in worker and connector configs.
const EnvVarClass = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"

// AllowlistPatternConfig is the regular expression an environment variable's
// whole name must match for EnvVar to reveal it (Kafka's allowlist.pattern;
// default: every variable).
const AllowlistPatternConfig = "allowlist.pattern"

// EnvVarConfigDef declares EnvVar's settings.
func EnvVarConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(configdef.Key{
		Name: AllowlistPatternConfig, Type: configdef.TypeString, Default: nil,
		Validator:  configdef.ValidatorFunc(validAllowlist),
		Importance: configdef.Medium,
		Doc: "A regular expression the whole name of an environment variable must match " +
			"for this provider to return it. If not set, every variable may be read.",
	})
}

func validAllowlist(name string, v any) error {
	if s, ok := v.(string); ok {
		if _, err := compileAllowlist(s); err != nil {
			return configdef.Invalid(name, v, "Invalid regex: "+err.Error())
		}
	}
	return nil
}

// compileAllowlist anchors the pattern: Java's Matcher.matches needs the
// whole name to match. (Go's RE2 lacks backreferences and lookaround.)
func compileAllowlist(p string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + p + `)$`)
}

// EnvVar reads environment variables: ${env:NAME}, with no path (a path is
// an error, as in Java). The environment is captured when EnvVar is made.
type EnvVar struct {
	logger   *slog.Logger
	env      map[string]string
	filtered map[string]string // nil until configured
}

var _ connector.ConfigProvider = (*EnvVar)(nil)

// NewEnvVar returns an unconfigured EnvVar over this process's environment.
func NewEnvVar(logger *slog.Logger) *EnvVar {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return NewEnvVarFrom(env, logger)
}

// NewEnvVarFrom returns an unconfigured EnvVar over the given variables.
func NewEnvVarFrom(env map[string]string, logger *slog.Logger) *EnvVar {
	return &EnvVar{logger: orDiscard(logger), env: env}
}

// Configure reads allowlist.pattern and keeps the variables it admits.
func (e *EnvVar) Configure(config map[string]string) error {
	v, err := EnvVarConfigDef().Parse(config)
	if err != nil {
		return err
	}
	pattern, set := config[AllowlistPatternConfig]
	if !set {
		pattern = ".*"
		e.logger.Debug("no allowlist.pattern for the env var config provider; every variable may be read")
	} else {
		pattern = v.String(AllowlistPatternConfig)
	}
	re, err := compileAllowlist(pattern)
	if err != nil {
		return configdef.Invalid(AllowlistPatternConfig, pattern, "Invalid regex: "+err.Error())
	}
	e.filtered = map[string]string{}
	for k, val := range e.env {
		if re.MatchString(k) {
			e.filtered[k] = val
		}
	}
	return nil
}

// Get returns the admitted variables named by keys (all of them with no
// keys). path must be empty.
func (e *EnvVar) Get(path string, keys ...string) (map[string]string, error) {
	if path != "" {
		return nil, configdef.Errorf("Path is not supported for EnvVarConfigProvider, invalid value '%s'", path)
	}
	if e.filtered == nil {
		return nil, errNotConfigured
	}
	data := make(map[string]string, len(keys))
	if len(keys) == 0 {
		for k, v := range e.filtered {
			data[k] = v
		}
		return data, nil
	}
	for _, k := range keys {
		if v, ok := e.filtered[k]; ok {
			data[k] = v
		}
	}
	return data, nil
}

// Close does nothing.
func (e *EnvVar) Close() error { return nil }
