package config

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/kafka-connect-go/connect/connector/configdef"
)

// HeaderRule is one rule of response.http.headers.config: an action applied
// to every REST response.
type HeaderRule struct {
	// Action is set, add, setDate or addDate (as written; match it ignoring
	// case). The Date actions take a number of milliseconds as Value and
	// write that point in time from now as an HTTP date.
	Action string
	Name   string
	Value  string
}

var headerActions = []string{"set", "add", "setDate", "addDate"}

var blanks = regexp.MustCompile(`[ \t\n\x0B\f\r]+`)

// ParseHeaderRules parses response.http.headers.config with Java's rules:
// comma-separated (a rule holding a comma goes in double quotes), each rule
// "[action] [header name]:[header value]". Errors carry Java's texts.
func ParseHeaderRules(s string) ([]HeaderRule, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var rules []HeaderRule
	for _, rule := range csvSplit(s) {
		tokens := blanks.Split(javaTrimString(rule), 2)
		if len(tokens) != 2 {
			return nil, configdef.Errorf("Invalid format of header config '%s'. Expected: '[action] [header name]:[header value]'", rule)
		}
		action := strings.TrimSpace(tokens[0])
		known := false
		for _, a := range headerActions {
			known = known || strings.EqualFold(a, action)
		}
		if !known {
			return nil, configdef.Errorf("Invalid header config action: '%s'. Expected one of [%s]", action, strings.Join(headerActions, ", "))
		}
		nameValue := javaSplit(javaTrimString(tokens[1]), ":")
		if len(nameValue) != 2 {
			return nil, configdef.Errorf("Invalid format of header name and header value pair '%s'. Expected: '[header name]:[header value]'", tokens[1])
		}
		name := javaTrimString(nameValue[0])
		if name == "" || strings.ContainsFunc(name, unicode.IsSpace) {
			return nil, configdef.Errorf("Invalid header name '%s'. The '[header name]' cannot contain whitespace", name)
		}
		rules = append(rules, HeaderRule{Action: action, Name: name, Value: javaTrimString(nameValue[1])})
	}
	return rules, nil
}

// javaSplit is String.split with a literal separator: trailing empty
// strings are dropped ("X:" splits to ["X"]).
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

func javaTrimString(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// csvSplit splits comma-separated values as Jetty's StringUtil.csvSplit,
// which Java uses here: blanks around unquoted values are dropped, a value
// in double quotes keeps its commas and blanks (a backslash escapes the
// next character), and text after a closing quote up to the next comma is
// ignored.
func csvSplit(s string) []string {
	const (
		pre = iota
		data
		white
		quote
		slosh
		post
	)
	var out []string
	var b strings.Builder
	state, last := pre, 0
	for _, ch := range s {
		switch state {
		case pre:
			switch {
			case unicode.IsSpace(ch):
			case ch == '"':
				state = quote
			case ch == ',':
				out = append(out, "")
			default:
				state = data
				b.WriteRune(ch)
			}
		case data, white:
			switch {
			case unicode.IsSpace(ch):
				if state == data {
					last = b.Len()
					state = white
				}
				b.WriteRune(ch)
			case ch == ',':
				v := b.String()
				if state == white {
					v = v[:last]
				}
				out = append(out, v)
				b.Reset()
				state = pre
			default:
				state = data
				b.WriteRune(ch)
			}
		case quote:
			switch ch {
			case '\\':
				state = slosh
			case '"':
				out = append(out, b.String())
				b.Reset()
				state = post
			default:
				b.WriteRune(ch)
			}
		case slosh:
			b.WriteRune(ch)
			state = quote
		case post:
			if ch == ',' {
				state = pre
			}
		}
	}
	switch state {
	case data, quote, slosh:
		out = append(out, b.String())
	case white:
		out = append(out, b.String()[:last])
	}
	return out
}
