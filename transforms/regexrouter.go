package transforms

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const regexRouterDoc = "Renames the record's topic when the whole topic matches a regular expression: the first " +
	"match is replaced by the replacement, in which $1 and ${name} refer to groups of the expression. " +
	"Expressions use Go's RE2 syntax, which is Java's for everything but look-around, back-references and " +
	"possessive quantifiers; those are refused."

func regexRouterConfigDef() *configdef.ConfigDef {
	return configdef.New().
		Define(configdef.Key{Name: "regex", Type: configdef.TypeString, Default: configdef.NoDefault,
			Validator: regexValidator(), Importance: configdef.High,
			Doc: "Regular expression the whole topic must match."}).
		Define(configdef.Key{Name: "replacement", Type: configdef.TypeString, Default: configdef.NoDefault,
			Importance: configdef.High, Doc: "Replacement for the first match; $n and ${name} insert a group, \\ quotes the next character."})
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

// RegexRouter is Kafka's RegexRouter.
type RegexRouter struct {
	whole *regexp.Regexp // the expression anchored at both ends: Java's matches()
	find  *regexp.Regexp // the expression as given: Java's find()
	tmpl  javaReplacement
}

// NewRegexRouter returns an unconfigured RegexRouter.
func NewRegexRouter() *RegexRouter { return &RegexRouter{} }

// Configure reads regex and replacement.
func (t *RegexRouter) Configure(props map[string]string) error {
	v, err := parseConfig(regexRouterConfigDef(), props)
	if err != nil {
		return err
	}
	expr := v.String("regex")
	if t.find, err = regexp.Compile(expr); err != nil {
		return configdef.Invalid("regex", expr, "Invalid regex: "+err.Error())
	}
	t.whole = regexp.MustCompile(`\A(?:` + expr + `)\z`)
	t.tmpl = compileJavaReplacement(v.String("replacement"), t.find)
	return nil
}

// Apply renames the topic when it matches.
func (t *RegexRouter) Apply(r *connector.Record) (*connector.Record, error) {
	if !t.whole.MatchString(r.Topic) {
		return r, nil
	}
	// Java's replaceFirst searches again from the start, so a lazy
	// expression may replace less than the whole topic.
	m := t.find.FindStringSubmatchIndex(r.Topic)
	if m == nil {
		return r, nil
	}
	topic, err := t.tmpl.expand(r.Topic, m)
	if err != nil {
		return nil, err
	}
	out := *r
	out.Topic = topic
	return &out, nil
}

// Close does nothing.
func (t *RegexRouter) Close() error { return nil }

// javaReplacement is a replacement string of Java's Matcher.replaceFirst,
// read once: literal text and group references. Java reports a bad
// reference only when it expands the replacement, so err is kept for then.
type javaReplacement struct {
	parts []replacementPart
	err   error
}

type replacementPart struct {
	literal string
	group   int // -1 for a literal
}

// compileJavaReplacement reads Java's replacement syntax: "\x" is x, "$n"
// takes the longest run of digits naming an existing group (at least one
// digit), "${name}" a named group.
func compileJavaReplacement(s string, re *regexp.Regexp) javaReplacement {
	var out javaReplacement
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out.parts = append(out.parts, replacementPart{literal: lit.String(), group: -1})
			lit.Reset()
		}
	}
	fail := func(msg string) javaReplacement {
		flush()
		out.err = data.Errorf("%s", msg)
		return out
	}
	groups := re.NumSubexp()
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\\':
			i++
			if i == len(s) {
				return fail("character to be escaped is missing")
			}
			lit.WriteByte(s[i])
			i++
		case '$':
			i++
			if i == len(s) {
				return fail("Illegal group reference: group index is missing")
			}
			var ref int
			if s[i] == '{' {
				i++
				j := i
				for j < len(s) && isASCIIAlnum(s[j]) {
					j++
				}
				name := s[i:j]
				switch {
				case name == "":
					return fail("named capturing group has 0 length name")
				case j == len(s) || s[j] != '}':
					return fail("named capturing group is missing trailing '}'")
				case name[0] >= '0' && name[0] <= '9':
					return fail("capturing group name {" + name + "} starts with digit character")
				}
				ref = re.SubexpIndex(name)
				if ref < 0 {
					return fail("No group with name {" + name + "}")
				}
				i = j + 1
			} else {
				if s[i] < '0' || s[i] > '9' {
					return fail("Illegal group reference")
				}
				ref = int(s[i] - '0')
				i++
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					next := ref*10 + int(s[i]-'0')
					if next > groups {
						break
					}
					ref = next
					i++
				}
				if ref > groups {
					return fail("No group " + strconv.Itoa(ref))
				}
			}
			flush()
			out.parts = append(out.parts, replacementPart{group: ref})
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return out
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// expand replaces the match m (submatch indexes) in s.
func (t javaReplacement) expand(s string, m []int) (string, error) {
	if t.err != nil {
		return "", t.err
	}
	var b strings.Builder
	b.WriteString(s[:m[0]])
	for _, p := range t.parts {
		if p.group < 0 {
			b.WriteString(p.literal)
		} else if start, end := m[2*p.group], m[2*p.group+1]; start >= 0 {
			b.WriteString(s[start:end])
		}
	}
	b.WriteString(s[m[1]:])
	return b.String(), nil
}
