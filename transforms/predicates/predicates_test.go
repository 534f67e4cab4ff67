package predicates_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/transforms/predicates"
)

// Go's RE2 has no look-around, back-references or possessive quantifiers;
// such a pattern is refused with the compiler's message rather than matched
// differently from Java.
func TestTopicNameMatchesJavaOnlySyntax(t *testing.T) {
	for _, p := range []string{"a(?=b).*", `(a)\1`, "a++", "(?<!x)y"} {
		err := predicates.NewTopicNameMatches().Configure(map[string]string{"pattern": p})
		if err == nil || !strings.HasPrefix(err.Error(), "Invalid value "+p+" for configuration pattern: Invalid regex: ") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestClassesAndConfigDefs(t *testing.T) {
	want := map[string]string{
		"HasHeaderKey":      "[name STRING MEDIUM required]",
		"RecordIsTombstone": "[]",
		"TopicNameMatches":  "[pattern STRING MEDIUM required]",
	}
	got := map[string]string{}
	for _, c := range predicates.Classes() {
		var keys []string
		for _, k := range c.Config().Keys() {
			keys = append(keys, fmt.Sprintf("%s %s %s required", k.Name, k.Type, k.Importance))
			if !k.Required() || k.Doc == "" {
				t.Errorf("%s: key %s should be required and documented", c.Name, k.Name)
			}
		}
		got[strings.TrimPrefix(c.Name, predicates.Package)] = fmt.Sprint(keys)
		if _, ok := c.New().(connector.Predicate); !ok {
			t.Errorf("%s: not a predicate", c.Name)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("classes and keys\n got %v\nwant %v", got, want)
	}
}
