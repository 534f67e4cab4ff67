package provider

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
)

// variable is Java's ConfigTransformer.DEFAULT_PATTERN,
// ${provider:[path:]key}. Its lazy groups make the provider the text up to
// the first colon and the path the text up to the second, so in
// ${p:a:b:c} the path is "a" and the key "b:c". RE2 honours the same
// preferences as Java's backtracking matcher for this pattern.
var variable = regexp.MustCompile(`\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}`)

// ref is one ${provider:path:key} reference.
type ref struct{ provider, path, key string }

func refAt(value string, m []int) ref {
	r := ref{provider: value[m[2]:m[3]], key: value[m[8]:m[9]]}
	if m[6] >= 0 {
		r.path = value[m[6]:m[7]]
	}
	return r
}

// HasVariables reports whether value holds a ${provider:[path:]key}
// reference, known provider or not.
func HasVariables(value string) bool { return variable.MatchString(value) }

// Transformer replaces ${provider:[path:]key} references in configs with
// values from config providers, as Kafka's ConfigTransformer does:
//
//   - references to a provider it does not know are left as they are;
//   - a key the provider does not return is left as it is;
//   - each provider is asked once per path, for all keys referenced there;
//   - replaced text is not scanned again (no nested or recursive references);
//   - a provider's error fails the whole transformation.
//
// A Transformer is safe for concurrent use when its providers are.
type Transformer struct {
	providers map[string]connector.ConfigProvider
}

// NewTransformer uses the given providers, by the names references use.
// A nil provider is skipped, as Java skips a provider it could not build.
func NewTransformer(providers map[string]connector.ConfigProvider) *Transformer {
	m := make(map[string]connector.ConfigProvider, len(providers))
	for name, p := range providers {
		if p != nil {
			m[name] = p
		}
	}
	return &Transformer{providers: m}
}

// Names returns the provider names, sorted.
func (t *Transformer) Names() []string {
	names := make([]string, 0, len(t.providers))
	for n := range t.providers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Transform returns a copy of configs with every resolvable reference
// replaced. configs is not changed.
func (t *Transformer) Transform(configs map[string]string) (map[string]string, error) {
	// Collect the keys wanted per provider and path.
	wanted := map[string]map[string]map[string]bool{}
	for _, v := range configs {
		for _, m := range variable.FindAllStringSubmatchIndex(v, -1) {
			r := refAt(v, m)
			if t.providers[r.provider] == nil {
				continue
			}
			byPath := wanted[r.provider]
			if byPath == nil {
				byPath = map[string]map[string]bool{}
				wanted[r.provider] = byPath
			}
			if byPath[r.path] == nil {
				byPath[r.path] = map[string]bool{}
			}
			byPath[r.path][r.key] = true
		}
	}
	// Ask each provider once per path, in a stable order.
	lookups := map[string]map[string]map[string]string{}
	for _, name := range sortedKeys(wanted) {
		lookups[name] = map[string]map[string]string{}
		for _, path := range sortedKeys(wanted[name]) {
			keys := sortedKeys(wanted[name][path])
			data, err := t.providers[name].Get(path, keys...)
			if err != nil {
				return nil, fmt.Errorf("config provider %q, path %q: %w", name, path, err)
			}
			lookups[name][path] = data
		}
	}
	out := make(map[string]string, len(configs))
	for k, v := range configs {
		out[k] = replace(v, lookups)
	}
	return out, nil
}

func replace(value string, lookups map[string]map[string]map[string]string) string {
	matches := variable.FindAllStringSubmatchIndex(value, -1)
	if len(matches) == 0 {
		return value
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		r := refAt(value, m)
		byPath, ok := lookups[r.provider]
		if !ok {
			continue // unknown provider: the text stays
		}
		b.WriteString(value[last:m[0]])
		if repl, ok := byPath[r.path][r.key]; ok {
			b.WriteString(repl)
		} else {
			b.WriteString(value[m[0]:m[1]])
		}
		last = m[1]
	}
	b.WriteString(value[last:])
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ReverseTransform puts references back: for every key of resolved whose
// value in raw holds a reference, the raw value replaces the resolved one.
// The runtime stores task configs this way so that secrets resolved for a
// connector never reach the config topic (Java's
// AbstractHerder.reverseTransform).
func ReverseTransform(raw, resolved map[string]string) map[string]string {
	out := make(map[string]string, len(resolved))
	for k, v := range resolved {
		out[k] = v
		if r, ok := raw[k]; ok && HasVariables(r) {
			out[k] = r
		}
	}
	return out
}

// Close closes every provider, returning their errors joined.
func (t *Transformer) Close() error {
	var errs []error
	for _, name := range t.Names() {
		if err := t.providers[name].Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing config provider %q: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// The keys that configure providers in a worker config.
const (
	// ProvidersConfig lists the provider names.
	ProvidersConfig = "config.providers"
	// ProvidersPrefix starts config.providers.<name>.class and
	// config.providers.<name>.param.<setting>.
	ProvidersPrefix = "config.providers."
)

// ClassKey is the key naming a provider's class.
func ClassKey(name string) string { return ProvidersPrefix + name + ".class" }

// ParamPrefix starts the keys holding a provider's own settings.
func ParamPrefix(name string) string { return ProvidersPrefix + name + ".param." }

// Factory makes an unconfigured provider from a class name or alias (in the
// worker, a plugin registry lookup). It returns an error for an unknown class.
type Factory func(class string) (connector.ConfigProvider, error)

// FromConfig builds and configures the providers listed in
// config.providers of props: the class from config.providers.<name>.class,
// the settings from config.providers.<name>.param.* (prefix stripped). A
// listed name without a class is skipped with a warning, its references
// left unresolved, as in Java. Errors name the key at fault; providers
// already built are closed before returning one.
func FromConfig(props map[string]string, factory Factory, logger *slog.Logger) (*Transformer, error) {
	logger = orDiscard(logger)
	providers := map[string]connector.ConfigProvider{}
	closeAll := func() { _ = NewTransformer(providers).Close() } // the build error is the one to report
	for _, name := range configdef.ParseList(props[ProvidersConfig]) {
		if name == "" {
			continue
		}
		class, ok := props[ClassKey(name)]
		if !ok {
			logger.Warn("config provider has no class; its references stay unresolved", "provider", name, "missing_key", ClassKey(name))
			continue
		}
		class = strings.TrimSpace(class)
		if factory == nil {
			closeAll()
			return nil, fmt.Errorf("%s=%q: no config provider factory was given", ClassKey(name), class)
		}
		p, err := factory(class)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("%s=%q: %w", ClassKey(name), class, err)
		}
		if err := p.Configure(configdef.WithPrefix(props, ParamPrefix(name))); err != nil {
			closeAll()
			_ = p.Close() // the configure error is the one to report
			return nil, fmt.Errorf("config provider %q (%s*): %w", name, ParamPrefix(name), err)
		}
		providers[name] = p
	}
	return NewTransformer(providers), nil
}
