package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// converters is a task's key, value and header converter with the class
// names error reports use.
type converters struct {
	key, value           connector.Converter
	header               connector.HeaderConverter
	keyClass, valueClass string
	headerClass          string
	valueProps           map[string]string // the value converter's settings, for the raw JSON decision
}

// JSONConverterClass is the converter whose schemaless output sink tasks
// may take as raw JSON.
const JSONConverterClass = "org.apache.kafka.connect.json.JsonConverter"

// buildConverters instantiates the converters of a task (Java's
// Plugins.newConverter): a converter the connector names is configured with
// only the connector's key.converter.* keys, otherwise the worker's
// converter with the worker's keys; converter.type says which one it is.
func (w *Worker) buildConverters(cc *connectorConfig) (*converters, error) {
	reg := w.cfg.Registry
	out := &converters{}
	pick := func(connClass, workerClass, key string, workerProps map[string]string) (string, map[string]string, error) {
		if connClass != "" {
			return connClass, configdef.WithPrefix(cc.props, key+"."), nil
		}
		if workerClass == "" {
			return "", nil, fmt.Errorf("%s is not set in the connector or the worker config", key)
		}
		props := make(map[string]string, len(workerProps)+1)
		for k, v := range workerProps {
			props[k] = v
		}
		return workerClass, props, nil
	}
	for _, c := range []struct {
		key         string
		connClass   string
		workerClass string
		workerProps map[string]string
		isKey       bool
	}{
		{KeyConverterConfig, cc.keyConverter, w.cfg.KeyConverter, w.cfg.KeyConverterProps, true},
		{ValueConverterConfig, cc.valueConverter, w.cfg.ValueConverter, w.cfg.ValueConverterProps, false},
	} {
		class, props, err := pick(c.connClass, c.workerClass, c.key, c.workerProps)
		if err != nil {
			return nil, err
		}
		p, err := reg.Lookup(class, plugin.Converter)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.key, err)
		}
		conv, ok := p.NewConverter()
		if !ok {
			return nil, fmt.Errorf("%s: %s is not a converter", c.key, p.Class)
		}
		typ := "value"
		if c.isKey {
			typ = "key"
		}
		props["converter.type"] = typ
		if err := conv.Configure(props, c.isKey); err != nil {
			return nil, fmt.Errorf("%s %s: configure: %w", c.key, p.Class, err)
		}
		if c.isKey {
			out.key, out.keyClass = conv, p.Class
		} else {
			out.value, out.valueClass, out.valueProps = conv, p.Class, props
		}
	}
	class, props, err := pick(cc.headerConverter, w.cfg.HeaderConverter, HeaderConverterConfig, w.cfg.HeaderConverterProps)
	if err != nil {
		return nil, err
	}
	p, err := reg.Lookup(class, plugin.HeaderConverter)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", HeaderConverterConfig, err)
	}
	hc, ok := p.NewHeaderConverter()
	if !ok {
		return nil, fmt.Errorf("%s: %s is not a header converter", HeaderConverterConfig, p.Class)
	}
	props["converter.type"] = "header"
	if err := hc.Configure(props); err != nil {
		return nil, fmt.Errorf("%s %s: configure: %w", HeaderConverterConfig, p.Class, err)
	}
	out.header, out.headerClass = hc, p.Class
	return out, nil
}

// close releases converters that hold resources.
func (c *converters) close() error {
	var errs []error
	for _, x := range []any{c.key, c.value, c.header} {
		if cl, ok := x.(io.Closer); ok {
			errs = append(errs, cl.Close())
		}
	}
	return errors.Join(errs...)
}

// schemalessJSON reports whether the value converter is JsonConverter with
// schemas.enable=false, the condition for raw JSON delivery.
func (c *converters) schemalessJSON() bool {
	if c.valueClass != JSONConverterClass {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(c.valueProps["schemas.enable"]), "false")
}

// stage is one transformation, applied when its predicate (if any) says so.
type stage struct {
	alias     string
	class     string
	transform connector.Transformation
	predicate connector.Predicate
	negate    bool
}

// chain is a task's transformation chain (Java's TransformationChain). It
// implements sink.Transformer and source.Transformer.
type chain struct {
	stages []stage
	op     *tolerance.Operator
}

// buildChain instantiates and configures the transformations and the
// predicates they use, in the order of transforms (smt-converters §1.3): a
// transformation gets its prefixed keys without predicate and negate; its
// predicate gets the predicate's prefixed keys; negate is true only when it
// reads "true" in any case.
func (w *Worker) buildChain(cc *connectorConfig, op *tolerance.Operator) (*chain, error) {
	reg := w.cfg.Registry
	c := &chain{op: op}
	for _, alias := range cc.transforms {
		prefix := TransformsConfig + "." + alias + "."
		p, err := reg.Lookup(cc.props[prefix+"type"], plugin.Transformation)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("%stype: %w", prefix, err)
		}
		tr, ok := p.NewTransformation()
		if !ok {
			c.close()
			return nil, fmt.Errorf("%stype: %s is not a transformation", prefix, p.Class)
		}
		props := configdef.WithPrefix(cc.props, prefix)
		predAlias, hasPred := props["predicate"]
		negate := props["negate"]
		delete(props, "predicate")
		delete(props, "negate")
		if err := tr.Configure(props); err != nil {
			c.close()
			return nil, fmt.Errorf("transformation %s (%s): %w", alias, p.Class, err)
		}
		st := stage{alias: alias, class: p.Class, transform: tr}
		if hasPred {
			ppfx := PredicatesConfig + "." + predAlias + "."
			ptype, ok := cc.props[ppfx+"type"]
			if !ok {
				_ = tr.Close()
				c.close()
				return nil, fmt.Errorf("transformation %s: unknown configuration '%stype' (is %q listed in predicates?)", alias, ppfx, predAlias)
			}
			pp, err := reg.Lookup(ptype, plugin.Predicate)
			if err != nil {
				_ = tr.Close()
				c.close()
				return nil, fmt.Errorf("%stype: %w", ppfx, err)
			}
			pred, ok := pp.NewPredicate()
			if !ok {
				_ = tr.Close()
				c.close()
				return nil, fmt.Errorf("%stype: %s is not a predicate", ppfx, pp.Class)
			}
			if err := pred.Configure(configdef.WithPrefix(cc.props, ppfx)); err != nil {
				_ = tr.Close()
				c.close()
				return nil, fmt.Errorf("predicate %s (%s): %w", predAlias, pp.Class, err)
			}
			st.predicate = pred
			st.negate = strings.EqualFold(negate, "true")
		}
		c.stages = append(c.stages, st)
	}
	return c, nil
}

// Transform applies the stages in order. A stage returning nil drops the
// record; a failure goes through the error handling operator (stage
// TRANSFORMATION, class of the transformation): tolerated, it drops the
// record too.
func (c *chain) Transform(ctx context.Context, rec *connector.Record, w tolerance.Where) (*connector.Record, error) {
	for i := range c.stages {
		s := &c.stages[i]
		w.Stage, w.Class = tolerance.StageTransformation, s.class
		in := rec
		var out *connector.Record
		err := c.op.Execute(ctx, w, func() error {
			if s.predicate != nil {
				match, err := s.predicate.Test(in)
				if err != nil {
					return err
				}
				if match == s.negate {
					out = in // not applied
					return nil
				}
			}
			var err error
			out, err = s.transform.Apply(in)
			return err
		})
		if err != nil {
			if errors.Is(err, tolerance.ErrSkipped) {
				return nil, nil
			}
			return nil, err
		}
		if out == nil {
			return nil, nil
		}
		rec = out
	}
	return rec, nil
}

// close closes every transformation and predicate.
func (c *chain) close() error {
	var errs []error
	for _, s := range c.stages {
		if err := s.transform.Close(); err != nil {
			errs = append(errs, fmt.Errorf("transformation %s: %w", s.alias, err))
		}
		if s.predicate != nil {
			if err := s.predicate.Close(); err != nil {
				errs = append(errs, fmt.Errorf("predicate of %s: %w", s.alias, err))
			}
		}
	}
	return errors.Join(errs...)
}
