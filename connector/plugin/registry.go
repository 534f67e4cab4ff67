// Package plugin is the registry of plugins: connectors, converters,
// transformations, predicates and config providers, each under its Java class
// name and the aliases Kafka Connect derives from it.
//
// A Registry is a plain value. The built-in set is assembled in one function
// (cmd/internal/builtin.Registry) and handed to the worker; tests build their
// own registries with only the plugins they need. Nothing registers itself.
package plugin

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
)

// Kind is the type of a plugin, named as the REST API names it.
type Kind uint8

// The plugin kinds, in the order /connector-plugins lists them.
const (
	Sink Kind = iota + 1
	Source
	Transformation
	Predicate
	Converter
	HeaderConverter
	ConfigProvider
)

var kindNames = [...]string{
	Sink: "sink", Source: "source", Transformation: "transformation", Predicate: "predicate",
	Converter: "converter", HeaderConverter: "header_converter", ConfigProvider: "configprovider",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// suffix is the type suffix Kafka removes to make a plugin's pruned alias.
func (k Kind) suffix() string {
	switch k {
	case Sink, Source:
		return "Connector"
	case Transformation:
		return "Transformation"
	case Predicate:
		return "Predicate"
	case Converter:
		return "Converter"
	case HeaderConverter:
		return "HeaderConverter"
	case ConfigProvider:
		return "ConfigProvider"
	}
	return ""
}

// Plugin describes one plugin.
type Plugin struct {
	Kind Kind
	// Class is the Java class name users write in configs, e.g.
	// org.apache.kafka.connect.file.FileStreamSinkConnector.
	Class   string
	Version string
	// Config declares the plugin's own keys.
	Config *configdef.ConfigDef
	// New returns a fresh instance: a connector.SinkConnector,
	// connector.SourceConnector, connector.Converter,
	// connector.HeaderConverter, connector.Transformation,
	// connector.Predicate or connector.ConfigProvider, by Kind.
	New func() any
}

// SimpleName is the class name without its package and outer classes
// (Java's getSimpleName: "Value" for "...Cast$Value").
func SimpleName(class string) string {
	if i := strings.LastIndexByte(class, '.'); i >= 0 {
		class = class[i+1:]
	}
	if i := strings.LastIndexByte(class, '$'); i >= 0 {
		class = class[i+1:]
	}
	return class
}

// UnknownPluginError reports a class name or alias no plugin has.
type UnknownPluginError struct {
	Kinds []Kind
	Name  string
	// Similar lists registered classes whose simple name resembles Name.
	Similar []string
}

func (e *UnknownPluginError) Error() string {
	kinds := make([]string, len(e.Kinds))
	for i, k := range e.Kinds {
		kinds[i] = k.String()
	}
	msg := fmt.Sprintf("Class %s could not be found: no %s plugin has that class name or alias", e.Name, strings.Join(kinds, " or "))
	if len(e.Similar) > 0 {
		msg += "; did you mean " + strings.Join(e.Similar, ", ") + "?"
	}
	return msg
}

// ErrDuplicate is returned by Register for a class registered twice under one kind.
var ErrDuplicate = errors.New("plugin already registered")

type key struct {
	kind Kind
	name string
}

// Registry maps class names and aliases to plugins. Fill it with Register at
// start-up; afterwards it is read-only and safe for concurrent use.
type Registry struct {
	byClass map[key]*Plugin
	// aliasCount counts, per kind group, how many classes claim an alias;
	// an alias claimed twice is ambiguous and unusable, as in Kafka.
	aliases map[key][]*Plugin
	all     []*Plugin
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byClass: map[key]*Plugin{}, aliases: map[key][]*Plugin{}}
}

// aliasGroup makes sink and source connectors share one alias space, since a
// connector.class alias must be unambiguous across both.
func aliasGroup(k Kind) Kind {
	if k == Source {
		return Sink
	}
	return k
}

// Register adds a plugin. It refuses an empty class, a missing factory and a
// class already registered for the same kind.
func (r *Registry) Register(p Plugin) error {
	if p.Class == "" {
		return errors.New("plugin: empty class name")
	}
	if p.New == nil {
		return fmt.Errorf("plugin %s: no factory", p.Class)
	}
	if p.Kind < Sink || p.Kind > ConfigProvider {
		return fmt.Errorf("plugin %s: unknown kind %d", p.Class, p.Kind)
	}
	if p.Config == nil {
		p.Config = configdef.New()
	}
	k := key{p.Kind, p.Class}
	if _, dup := r.byClass[k]; dup {
		return fmt.Errorf("plugin %s (%s): %w", p.Class, p.Kind, ErrDuplicate)
	}
	pp := &p
	r.byClass[k] = pp
	r.all = append(r.all, pp)
	simple := SimpleName(p.Class)
	names := []string{simple}
	if pruned := strings.TrimSuffix(simple, p.Kind.suffix()); pruned != simple && pruned != "" {
		names = append(names, pruned)
	}
	for _, n := range names {
		ak := key{aliasGroup(p.Kind), n}
		r.aliases[ak] = append(r.aliases[ak], pp)
	}
	return nil
}

// MustRegister is Register for the built-in set, where a failure is a
// programming error.
func (r *Registry) MustRegister(ps ...Plugin) *Registry {
	for _, p := range ps {
		if err := r.Register(p); err != nil {
			panic(err)
		}
	}
	return r
}

// Lookup finds a plugin of one of kinds by class name or unambiguous alias.
func (r *Registry) Lookup(name string, kinds ...Kind) (*Plugin, error) {
	name = strings.TrimSpace(name)
	for _, k := range kinds {
		if p, ok := r.byClass[key{k, name}]; ok {
			return p, nil
		}
	}
	for _, k := range kinds {
		cands := r.aliases[key{aliasGroup(k), name}]
		var match []*Plugin
		for _, c := range cands {
			if containsKind(kinds, c.Kind) {
				match = append(match, c)
			}
		}
		if len(cands) == 1 && len(match) == 1 {
			return match[0], nil
		}
	}
	return nil, &UnknownPluginError{Kinds: kinds, Name: name, Similar: r.similar(name, kinds)}
}

// Connector looks up a sink or source connector class.
func (r *Registry) Connector(name string) (*Plugin, error) { return r.Lookup(name, Sink, Source) }

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func (r *Registry) similar(name string, kinds []Kind) []string {
	lname := strings.ToLower(SimpleName(name))
	var out []string
	for _, p := range r.all {
		if !containsKind(kinds, p.Kind) {
			continue
		}
		s := strings.ToLower(SimpleName(p.Class))
		if lname != "" && (strings.Contains(s, lname) || strings.Contains(lname, strings.TrimSuffix(s, strings.ToLower(p.Kind.suffix())))) {
			out = append(out, p.Class)
		}
	}
	sort.Strings(out)
	return out
}

// List returns the plugins of the given kinds, ordered by kind (in the order
// of the Kind constants) and then by class name.
func (r *Registry) List(kinds ...Kind) []*Plugin {
	var out []*Plugin
	for _, p := range r.all {
		if containsKind(kinds, p.Kind) {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Class < out[j].Class
	})
	return out
}

// NewSinkConnector instantiates a sink connector.
func (p *Plugin) NewSinkConnector() (connector.SinkConnector, bool) {
	c, ok := p.New().(connector.SinkConnector)
	return c, ok
}

// NewSourceConnector instantiates a source connector.
func (p *Plugin) NewSourceConnector() (connector.SourceConnector, bool) {
	c, ok := p.New().(connector.SourceConnector)
	return c, ok
}

// NewConverter instantiates a converter.
func (p *Plugin) NewConverter() (connector.Converter, bool) {
	c, ok := p.New().(connector.Converter)
	return c, ok
}

// NewHeaderConverter instantiates a header converter.
func (p *Plugin) NewHeaderConverter() (connector.HeaderConverter, bool) {
	c, ok := p.New().(connector.HeaderConverter)
	return c, ok
}

// NewTransformation instantiates a transformation.
func (p *Plugin) NewTransformation() (connector.Transformation, bool) {
	c, ok := p.New().(connector.Transformation)
	return c, ok
}

// NewPredicate instantiates a predicate.
func (p *Plugin) NewPredicate() (connector.Predicate, bool) {
	c, ok := p.New().(connector.Predicate)
	return c, ok
}

// NewConfigProvider instantiates a config provider.
func (p *Plugin) NewConfigProvider() (connector.ConfigProvider, bool) {
	c, ok := p.New().(connector.ConfigProvider)
	return c, ok
}
