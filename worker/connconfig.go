package worker

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/plugin"
)

// Connector-level keys the framework reads (Java's ConnectorConfig,
// SinkConnectorConfig, SourceConnectorConfig). A connector's own keys sit
// beside them in the same flat config.
const (
	NameConfig             = "name"
	ConnectorClassConfig   = "connector.class"
	TasksMaxConfig         = "tasks.max"
	TasksMaxEnforceConfig  = "tasks.max.enforce"
	KeyConverterConfig     = "key.converter"
	ValueConverterConfig   = "value.converter"
	HeaderConverterConfig  = "header.converter"
	TransformsConfig       = "transforms"
	PredicatesConfig       = "predicates"
	ConfigReloadConfig     = "config.action.reload"
	ErrorsRetryTimeout     = "errors.retry.timeout"
	ErrorsRetryMaxDelay    = "errors.retry.delay.max.ms"
	ErrorsTolerance        = "errors.tolerance"
	ErrorsLogEnable        = "errors.log.enable"
	ErrorsLogIncludeMsgs   = "errors.log.include.messages"
	TopicsConfig           = "topics"
	TopicsRegexConfig      = "topics.regex"
	DLQTopicConfig         = "errors.deadletterqueue.topic.name"
	DLQReplicationConfig   = "errors.deadletterqueue.topic.replication.factor"
	DLQContextHeaders      = "errors.deadletterqueue.context.headers.enable"
	TopicCreationGroups    = "topic.creation.groups"
	ExactlyOnceSupport     = "exactly.once.support"
	TransactionBoundary    = "transaction.boundary"
	TransactionIntervalMs  = "transaction.boundary.interval.ms"
	OffsetsStorageTopic    = "offsets.storage.topic"
	TaskClassConfig        = "task.class"
	ProducerOverridePrefix = "producer.override."
	ConsumerOverridePrefix = "consumer.override."
	AdminOverridePrefix    = "admin.override."
	// TopicCreationPrefix starts every topic creation key.
	TopicCreationPrefix = "topic.creation."
)

// The groups of the connector config, as the REST API lists them.
const (
	groupCommon        = "Common"
	groupTransforms    = "Transforms"
	groupPredicates    = "Predicates"
	groupErrors        = "Error Handling"
	groupTopicCreation = "Topic Creation"
	groupExactlyOnce   = "Exactly Once Support"
	groupOffsetsTopic  = "offsets.topic"
)

// commonConfigDef declares the keys every connector has. The converter
// keys are checked against reg.
func commonConfigDef(reg *plugin.Registry) *configdef.ConfigDef {
	d := configdef.New()
	order := 0
	next := func() int { order++; return order }
	d.Define(configdef.Key{Name: NameConfig, Type: configdef.TypeString, Default: configdef.NoDefault,
		Validator: configdef.NonEmptyStringWithoutControlChars(), Importance: configdef.High,
		Doc:   "Globally unique name to use for this connector.",
		Group: groupCommon, OrderInGroup: next(), Width: configdef.WidthMedium, DisplayName: "Connector name"})
	d.Define(configdef.Key{Name: ConnectorClassConfig, Type: configdef.TypeString, Default: configdef.NoDefault, Importance: configdef.High,
		Doc: "The connector's class: its full Java class name, or an alias (the simple class name, or that name without " +
			"\"Connector\"), e.g. FileStreamSink for org.apache.kafka.connect.file.FileStreamSinkConnector.",
		Group: groupCommon, OrderInGroup: next(), Width: configdef.WidthLong, DisplayName: "Connector class"})
	d.Define(configdef.Key{Name: TasksMaxConfig, Type: configdef.TypeInt, Default: 1, Validator: configdef.AtLeast(1),
		Importance: configdef.High, Doc: "The most tasks this connector may run.",
		Group: groupCommon, OrderInGroup: next(), Width: configdef.WidthShort, DisplayName: "Tasks max"})
	d.Define(configdef.Key{Name: TasksMaxEnforceConfig, Type: configdef.TypeBoolean, Default: true, Importance: configdef.Low,
		Doc:   "(Deprecated) Whether a connector that generates more tasks than tasks.max fails (true) or is only warned about (false).",
		Group: groupCommon, OrderInGroup: next(), Width: configdef.WidthShort, DisplayName: "Enforce tasks max"})
	d.Define(configdef.Key{Name: KeyConverterConfig, Type: configdef.TypeClass, Default: nil,
		Validator:  classValidator(reg, plugin.Converter),
		Importance: configdef.Low, Doc: "Converter for record keys, overriding the worker's; its settings are the keys under key.converter.",
		Group: groupCommon, OrderInGroup: next(), Width: configdef.WidthShort, DisplayName: "Key converter class"})
	d.Define(configdef.Key{Name: ValueConverterConfig, Type: configdef.TypeClass, Default: nil,
		Validator:  classValidator(reg, plugin.Converter),
		Importance: configdef.Low, Doc: "Converter for record values, overriding the worker's; its settings are the keys under value.converter.",
		Group: groupCommon, OrderInGroup: next(), Width: configdef.WidthShort, DisplayName: "Value converter class"})
	d.Define(configdef.Key{Name: HeaderConverterConfig, Type: configdef.TypeClass, Default: nil,
		Validator:  classValidator(reg, plugin.HeaderConverter),
		Importance: configdef.Low, Doc: "Converter for record header values, overriding the worker's; its settings are the keys under header.converter.",
		Group: groupCommon, OrderInGroup: next(), Width: configdef.WidthShort, DisplayName: "Header converter class"})
	d.Define(configdef.Key{Name: TransformsConfig, Type: configdef.TypeList, Default: []string{},
		Validator:  aliasValidator(),
		Importance: configdef.Low, Doc: "Aliases of the transformations applied to records, in order.",
		Group: groupTransforms, OrderInGroup: next(), Width: configdef.WidthLong, DisplayName: "Transforms"})
	d.Define(configdef.Key{Name: PredicatesConfig, Type: configdef.TypeList, Default: []string{},
		Validator:  aliasValidator(),
		Importance: configdef.Low, Doc: "Aliases of the predicates transformations may refer to.",
		Group: groupPredicates, OrderInGroup: next(), Width: configdef.WidthLong, DisplayName: "Predicates"})
	d.Define(configdef.Key{Name: ConfigReloadConfig, Type: configdef.TypeString, Default: "restart",
		Validator:  configdef.OneOf("none", "restart"),
		Importance: configdef.Low, Doc: "What to do when values from configuration providers change: 'none' does nothing, 'restart' restarts the connector with the new values.",
		Group: groupCommon, OrderInGroup: next(), Width: configdef.WidthMedium, DisplayName: "Reload Action"})
	eo := 0
	nextErr := func() int { eo++; return eo }
	d.Define(configdef.Key{Name: ErrorsRetryTimeout, Type: configdef.TypeLong, Default: int64(0), Importance: configdef.Medium,
		Doc:   "How long, in milliseconds, a failed operation is retried. 0 (the default) means no retries, -1 retries forever.",
		Group: groupErrors, OrderInGroup: nextErr(), Width: configdef.WidthMedium, DisplayName: "Retry Timeout for Errors"})
	d.Define(configdef.Key{Name: ErrorsRetryMaxDelay, Type: configdef.TypeLong, Default: int64(60000), Importance: configdef.Medium,
		Doc:   "The longest wait, in milliseconds, between retries; beyond it the delay is randomized to spread retries out.",
		Group: groupErrors, OrderInGroup: nextErr(), Width: configdef.WidthMedium, DisplayName: "Maximum Delay Between Retries for Errors"})
	d.Define(configdef.Key{Name: ErrorsTolerance, Type: configdef.TypeString, Default: "none", Validator: configdef.OneOf("none", "all"),
		Importance: configdef.Medium,
		Doc:        "How errors are tolerated: 'none' (the default) fails the task at the first error; 'all' skips problem records.",
		Group:      groupErrors, OrderInGroup: nextErr(), Width: configdef.WidthShort, DisplayName: "Error Tolerance"})
	d.Define(configdef.Key{Name: ErrorsLogEnable, Type: configdef.TypeBoolean, Default: false, Importance: configdef.Medium,
		Doc:   "Whether each error and the operation that failed are written to the log; by default only errors that are not tolerated are.",
		Group: groupErrors, OrderInGroup: nextErr(), Width: configdef.WidthShort, DisplayName: "Log Errors"})
	d.Define(configdef.Key{Name: ErrorsLogIncludeMsgs, Type: configdef.TypeBoolean, Default: false, Importance: configdef.Medium,
		Doc: "Whether the log line of an error describes the record: topic, partition, offset and timestamp for sink records; " +
			"the whole record for source records. Off by default, so keys, values and headers stay out of the log.",
		Group: groupErrors, OrderInGroup: nextErr(), Width: configdef.WidthShort, DisplayName: "Log Error Details"})
	return d
}

// SinkConfigDef returns the framework keys of a sink connector.
func SinkConfigDef(reg *plugin.Registry) *configdef.ConfigDef {
	d := commonConfigDef(reg)
	d.Define(configdef.Key{Name: TopicsConfig, Type: configdef.TypeList, Default: "", Importance: configdef.High,
		Doc:   "The topics to consume, comma-separated.",
		Group: groupCommon, OrderInGroup: 4, Width: configdef.WidthLong, DisplayName: "Topics"})
	d.Define(configdef.Key{Name: TopicsRegexConfig, Type: configdef.TypeString, Default: "", Validator: configdef.Regex(),
		Importance: configdef.High,
		Doc:        "A regular expression matching the topics to consume (in full). Set either topics or topics.regex.",
		Group:      groupCommon, OrderInGroup: 4, Width: configdef.WidthLong, DisplayName: "Topics regex"})
	d.Define(configdef.Key{Name: DLQTopicConfig, Type: configdef.TypeString, Default: "", Importance: configdef.Medium,
		Doc:   "The dead letter queue topic: where records that failed in this connector, its converters or transformations are written. Blank (the default) means none.",
		Group: groupErrors, OrderInGroup: 6, Width: configdef.WidthMedium, DisplayName: "Dead Letter Queue Topic Name"})
	d.Define(configdef.Key{Name: DLQReplicationConfig, Type: configdef.TypeShort, Default: int16(3), Importance: configdef.Medium,
		Doc:   "Replication factor of the dead letter queue topic when the worker creates it.",
		Group: groupErrors, OrderInGroup: 7, Width: configdef.WidthMedium, DisplayName: "Dead Letter Queue Topic Replication Factor"})
	d.Define(configdef.Key{Name: DLQContextHeaders, Type: configdef.TypeBoolean, Default: false, Importance: configdef.Medium,
		Doc:   "Whether records written to the dead letter queue carry headers describing the error; their keys start with __connect.errors.",
		Group: groupErrors, OrderInGroup: 8, Width: configdef.WidthMedium, DisplayName: "Enable Error Context Headers"})
	return d
}

// SourceConfigDef returns the framework keys of a source connector.
func SourceConfigDef(reg *plugin.Registry) *configdef.ConfigDef {
	d := commonConfigDef(reg)
	order := 0
	next := func() int { order++; return order }
	d.Define(configdef.Key{Name: TopicCreationGroups, Type: configdef.TypeList, Default: []string{}, Validator: aliasValidator(),
		Importance: configdef.Low, Doc: "Groups of settings for the topics source connectors create.",
		Group: groupTopicCreation, OrderInGroup: next(), Width: configdef.WidthLong, DisplayName: "Topic Creation Groups"})
	d.Define(configdef.Key{Name: ExactlyOnceSupport, Type: configdef.TypeString, Default: "requested",
		Validator: configdef.OneOfFold("requested", "required"), Importance: configdef.Medium,
		Doc:   "Permitted values are requested, required. With required, validation checks that the connector can provide exactly-once semantics.",
		Group: groupExactlyOnce, OrderInGroup: next(), Width: configdef.WidthShort, DisplayName: "Exactly once support"})
	d.Define(configdef.Key{Name: TransactionBoundary, Type: configdef.TypeString, Default: "poll",
		Validator: configdef.OneOfFold("poll", "interval", "connector"), Importance: configdef.Medium,
		Doc:   "Permitted values are: poll, interval, connector. Where exactly-once source tasks commit their producer transactions.",
		Group: groupExactlyOnce, OrderInGroup: next(), Width: configdef.WidthShort, DisplayName: "Transaction Boundary"})
	d.Define(configdef.Key{Name: TransactionIntervalMs, Type: configdef.TypeLong, Default: nil,
		Validator: configdef.ValidatorFunc(func(name string, v any) error {
			if v == nil {
				return nil
			}
			return configdef.AtLeast(0).Validate(name, v)
		}),
		Importance: configdef.Low,
		Doc:        "With transaction.boundary=interval, how often transactions are committed; unset means the worker's offset.flush.interval.ms.",
		Group:      groupExactlyOnce, OrderInGroup: next(), Width: configdef.WidthShort, DisplayName: "Transaction boundary interval"})
	d.Define(configdef.Key{Name: OffsetsStorageTopic, Type: configdef.TypeString, Default: nil,
		Validator: configdef.ValidatorFunc(func(name string, v any) error {
			if v == nil {
				return nil
			}
			return configdef.NonEmptyString().Validate(name, v)
		}),
		Importance: configdef.Low,
		Doc:        "A separate offsets topic for this connector (distributed mode only); unset means the worker's.",
		Group:      groupOffsetsTopic, OrderInGroup: 1, Width: configdef.WidthLong, DisplayName: "Offsets topic"})
	return d
}

// classValidator accepts nil (inherit the worker's) or a class or alias of
// one of kinds in reg, with Java's CLASS parse message otherwise.
func classValidator(reg *plugin.Registry, kinds ...plugin.Kind) configdef.Validator {
	return configdef.ValidatorFunc(func(name string, v any) error {
		s, _ := v.(string)
		if v == nil {
			return nil
		}
		if _, err := reg.Lookup(s, kinds...); err != nil {
			return configdef.Invalid(name, s, "Class "+s+" could not be found.")
		}
		return nil
	})
}

// aliasValidator refuses a null list and repeated aliases.
func aliasValidator() configdef.Validator {
	return configdef.ValidatorFunc(func(name string, v any) error {
		list, ok := v.([]string)
		if v == nil || !ok {
			return configdef.Invalid(name, nil, "entry must be non null")
		}
		seen := make(map[string]bool, len(list))
		for _, a := range list {
			if seen[a] {
				return configdef.Invalid(name, list, "Duplicate alias provided.")
			}
			seen[a] = true
		}
		return nil
	})
}

// enrich returns base with the keys of the configured transformations and
// predicates (Java's ConnectorConfig.enrich): for each alias its type key
// and, when the class is known, the plugin's own keys under the alias
// prefix. With requireFull, a transformation whose class is unknown is an
// error; otherwise its keys are left out and its type key reports it.
func enrich(reg *plugin.Registry, base *configdef.ConfigDef, props map[string]string, requireFull bool) (*configdef.ConfigDef, error) {
	d := cloneDef(base)
	if err := enrichPlugins(reg, d, props, TransformsConfig, groupTransforms, "Transformation", plugin.Transformation, requireFull); err != nil {
		return nil, err
	}
	if err := enrichPlugins(reg, d, props, PredicatesConfig, groupPredicates, "Predicate", plugin.Predicate, requireFull); err != nil {
		return nil, err
	}
	return d, nil
}

func cloneDef(base *configdef.ConfigDef) *configdef.ConfigDef {
	d := configdef.New()
	for _, k := range base.Keys() {
		d.Define(*k)
	}
	return d
}

func enrichPlugins(reg *plugin.Registry, d *configdef.ConfigDef, props map[string]string, listKey, group, kindName string, kind plugin.Kind, requireFull bool) error {
	raw, ok := props[listKey]
	if !ok {
		return nil
	}
	var uniq []string
	for _, a := range configdef.ParseList(raw) {
		if !slices.Contains(uniq, a) {
			uniq = append(uniq, a)
		}
	}
	lower := strings.ToLower(kindName)
	for _, alias := range uniq {
		prefix := listKey + "." + alias + "."
		typeKey := prefix + "type"
		aliasGroup := group + ": " + alias
		d.Define(configdef.Key{
			Name: typeKey, Type: configdef.TypeClass, Default: configdef.NoDefault,
			Validator: configdef.ValidatorFunc(func(name string, v any) error {
				if kind == plugin.Transformation {
					if _, neg := props[prefix+"negate"]; neg {
						if _, pred := props[prefix+"predicate"]; !pred {
							return configdef.Errorf("Config '%snegate' was provided but there is no config '%spredicate' defining a predicate to be negated.", prefix, prefix)
						}
					}
				}
				s, _ := v.(string)
				if v == nil {
					return nil
				}
				if _, err := reg.Lookup(s, kind); err != nil {
					return typeError(reg, name, s, kind, kindName)
				}
				return nil
			}),
			Importance: configdef.High, Doc: "Class for the '" + alias + "' " + lower + ".",
			Group: aliasGroup, OrderInGroup: 0, Width: configdef.WidthLong,
			DisplayName: kindName + " type for " + alias,
			Recommender: classRecommender{reg: reg, kind: kind},
		})
		p, err := reg.Lookup(props[typeKey], kind)
		if err != nil {
			if requireFull {
				if _, given := props[typeKey]; !given {
					return configdef.Invalid(typeKey, nil, "Not a "+kindName)
				}
				return typeError(reg, typeKey, props[typeKey], kind, kindName)
			}
			continue
		}
		own := configdef.New()
		if kind == plugin.Transformation {
			own.Define(configdef.Key{Name: "predicate", Type: configdef.TypeString, Default: nil, Importance: configdef.Medium,
				Doc: "The alias of a predicate deciding whether this transformation applies."})
			own.Define(configdef.Key{Name: "negate", Type: configdef.TypeBoolean, Default: false, Importance: configdef.Medium,
				Doc: "Whether the predicate's answer is inverted."})
		}
		for _, k := range p.Config.Keys() {
			if kind == plugin.Transformation && (k.Name == "predicate" || k.Name == "negate") {
				continue // masked by the implicit keys, as in Java
			}
			own.Define(*k)
		}
		d.Embed(prefix, aliasGroup, 1, own)
	}
	return nil
}

// typeError says why class, the value of key (transforms.<alias>.type or
// predicates.<alias>.type), names no plugin of kind, with the messages of
// Java's ConnectorConfig and Utils.ensureConcreteSubclass:
//
//   - the abstract outer class of $Key/$Value variants (the bare
//     org.apache.kafka.connect.transforms.Cast): "This class is abstract and
//     cannot be created. Did you mean ...Cast$Key, ...Cast$Value?"
//   - a plugin of another kind (a predicate as a transformation, a
//     converter, a connector): "Class class <class> does not implement the
//     Transformation interface" (Java's Class.toString doubles "class")
//   - anything else: "Class <class> could not be found."
func typeError(reg *plugin.Registry, key, class string, kind plugin.Kind, kindName string) *configdef.Error {
	class = strings.TrimSpace(class)
	var nested []string
	for _, p := range reg.List(kind) {
		if rest, ok := strings.CutPrefix(p.Class, class+"$"); ok && class != "" && !strings.Contains(rest, "$") {
			nested = append(nested, p.Class)
		}
	}
	if len(nested) > 0 {
		slices.Sort(nested)
		return configdef.Errorf("This class is abstract and cannot be created. Did you mean %s?", strings.Join(nested, ", "))
	}
	if p, err := reg.Lookup(class, plugin.Sink, plugin.Source, plugin.Transformation, plugin.Predicate,
		plugin.Converter, plugin.HeaderConverter, plugin.ConfigProvider); err == nil {
		return configdef.Errorf("Class class %s does not implement the %s interface", p.Class, kindName)
	}
	return configdef.Invalid(key, class, "Class "+class+" could not be found.")
}

// classRecommender lists the registered classes of a kind.
type classRecommender struct {
	reg  *plugin.Registry
	kind plugin.Kind
}

func (r classRecommender) ValidValues(string, map[string]any) []any {
	var out []any
	for _, p := range r.reg.List(r.kind) {
		out = append(out, p.Class)
	}
	return out
}

func (r classRecommender) Visible(string, map[string]any) bool { return true }

// connectorConfig is a parsed connector config: the framework keys a worker
// acts on.
type connectorConfig struct {
	props           map[string]string // resolved originals
	plugin          *plugin.Plugin
	name            string
	tasksMax        int
	tasksMaxEnforce bool
	keyConverter    string // "" inherits the worker's
	valueConverter  string
	headerConverter string
	transforms      []string

	retryTimeout  time.Duration
	retryMaxDelay time.Duration
	tolerateAll   bool
	logErrors     bool
	logMessages   bool

	// sinks
	topics            []string
	topicsRegex       *regexp.Regexp
	dlqTopic          string
	dlqReplication    int16
	dlqContextHeaders bool
}

// parseConnectorConfig parses props (already resolved) against the
// framework keys of the connector's kind, transformations included.
func parseConnectorConfig(reg *plugin.Registry, props map[string]string) (*connectorConfig, error) {
	class := strings.TrimSpace(props[ConnectorClassConfig])
	if class == "" {
		return nil, configdef.Errorf("Connector config contains no connector type (%s)", ConnectorClassConfig)
	}
	p, err := reg.Connector(class)
	if err != nil {
		return nil, err
	}
	base := SourceConfigDef(reg)
	if p.Kind == plugin.Sink {
		base = SinkConfigDef(reg)
		if err := validateSinkTopics(props); err != nil {
			return nil, err
		}
	}
	def, err := enrich(reg, base, props, true)
	if err != nil {
		return nil, err
	}
	v, err := def.Parse(props)
	if err != nil {
		return nil, err
	}
	c := &connectorConfig{
		props:           props,
		plugin:          p,
		name:            v.String(NameConfig),
		tasksMax:        int(v.Int(TasksMaxConfig)),
		tasksMaxEnforce: v.Bool(TasksMaxEnforceConfig),
		keyConverter:    v.String(KeyConverterConfig),
		valueConverter:  v.String(ValueConverterConfig),
		headerConverter: v.String(HeaderConverterConfig),
		transforms:      v.List(TransformsConfig),
		retryTimeout:    time.Duration(v.Long(ErrorsRetryTimeout)) * time.Millisecond,
		retryMaxDelay:   time.Duration(v.Long(ErrorsRetryMaxDelay)) * time.Millisecond,
		tolerateAll:     v.String(ErrorsTolerance) == "all",
		logErrors:       v.Bool(ErrorsLogEnable),
		logMessages:     v.Bool(ErrorsLogIncludeMsgs),
	}
	if c.retryTimeout < 0 {
		c.retryTimeout = -1
	}
	if p.Kind == plugin.Sink {
		for _, t := range v.List(TopicsConfig) {
			if t != "" && !slices.Contains(c.topics, t) {
				c.topics = append(c.topics, t)
			}
		}
		if re := v.String(TopicsRegexConfig); re != "" {
			c.topicsRegex, err = regexp.Compile(re)
			if err != nil {
				return nil, configdef.Invalid(TopicsRegexConfig, re, "Invalid regex: "+err.Error())
			}
		}
		c.dlqTopic = strings.TrimSpace(v.String(DLQTopicConfig))
		c.dlqReplication = v.Short(DLQReplicationConfig)
		c.dlqContextHeaders = v.Bool(DLQContextHeaders)
	}
	return c, nil
}

// sinkTopicErrors applies SinkConnectorConfig.validate: exactly one of
// topics and topics.regex, and the dead letter queue not among them. It
// returns the messages per key.
func sinkTopicErrors(props map[string]string) map[string][]string {
	out := map[string][]string{}
	topicsRaw, regexRaw := props[TopicsConfig], props[TopicsRegexConfig]
	dlq := strings.TrimSpace(props[DLQTopicConfig])
	hasTopics, hasRegex := strings.TrimSpace(topicsRaw) != "", strings.TrimSpace(regexRaw) != ""
	if hasTopics && hasRegex {
		msg := "topics and topics.regex are mutually exclusive options, but both are set."
		out[TopicsConfig] = append(out[TopicsConfig], msg)
		out[TopicsRegexConfig] = append(out[TopicsRegexConfig], msg)
	}
	if !hasTopics && !hasRegex {
		msg := "Must configure one of topics or topics.regex"
		out[TopicsConfig] = append(out[TopicsConfig], msg)
		out[TopicsRegexConfig] = append(out[TopicsRegexConfig], msg)
	}
	if dlq != "" {
		if hasTopics {
			var topics []string
			for _, t := range configdef.ParseList(topicsRaw) {
				if t != "" && !slices.Contains(topics, t) {
					topics = append(topics, t)
				}
			}
			if slices.Contains(topics, dlq) {
				out[TopicsConfig] = append(out[TopicsConfig], fmt.Sprintf(
					"The DLQ topic '%s' may not be included in the list of topics ('%s=[%s]') consumed by the connector",
					dlq, TopicsConfig, strings.Join(topics, ", ")))
			}
		}
		if hasRegex {
			if re, err := regexp.Compile("^(?:" + regexRaw + ")$"); err == nil && re.MatchString(dlq) {
				out[TopicsRegexConfig] = append(out[TopicsRegexConfig], fmt.Sprintf(
					"The DLQ topic '%s' may not be matched by the regex for the topics ('%s=%s') consumed by the connector",
					dlq, TopicsRegexConfig, regexRaw))
			}
		}
	}
	return out
}

// validateSinkTopics returns the first sink topic problem as an error.
func validateSinkTopics(props map[string]string) error {
	errs := sinkTopicErrors(props)
	for _, k := range []string{TopicsConfig, TopicsRegexConfig} {
		if msgs := errs[k]; len(msgs) > 0 {
			return configdef.Invalid(k, props[k], msgs[0])
		}
	}
	return nil
}
