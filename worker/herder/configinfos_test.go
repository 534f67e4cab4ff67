package herder

import (
	"encoding/json"
	"testing"

	"github.com/kafka-connect-go/connect/connector/configdef"
)

func TestConfigInfosConversion(t *testing.T) {
	def := configdef.New().
		Define(configdef.Key{Name: "secret", Type: configdef.TypePassword, Default: "", Importance: configdef.High, Doc: "d", Group: "G", OrderInGroup: 2}).
		Define(configdef.Key{Name: "list", Type: configdef.TypeList, Default: "a,b", Dependents: []string{"secret"}})
	values := def.Validate(map[string]string{"secret": "hunter2", "list": "x, y"})
	values = append(values, &configdef.Value{Name: "extra", Value: "v", Errors: []string{"e1", "e2"}, Visible: true})
	main := ConfigInfosFrom("C", def.Groups(), def.Keys(), values)
	if main.ErrorCount != 2 || main.Configs[0].Definition != nil || main.Configs[0].Value.Name != "extra" {
		t.Fatalf("main %+v", main)
	}
	b, _ := json.Marshal(main.Configs[1])
	want := `{"definition":{"name":"secret","type":"PASSWORD","required":false,"default_value":"[hidden]","importance":"HIGH","documentation":"d","group":"G","order":2,"width":"NONE","display_name":"secret","dependents":[]},` +
		`"value":{"name":"secret","value":"[hidden]","recommended_values":[],"errors":[],"visible":true}}`
	if string(b) != want {
		t.Fatalf("password entry\n%s\nwant\n%s", b, want)
	}
	if v := *main.Configs[2].Value.Value; v != "x,y" {
		t.Fatalf("list value %q", v)
	}
	sec := PrefixedConfigInfos("value.converter.", def.Keys(), []*configdef.Value{{Name: "list", Errors: []string{"x", "y"}}})
	if sec.ErrorCount != 1 || sec.Configs[0].Value.Name != "value.converter.list" || sec.Configs[0].Definition.Name != "value.converter.list" {
		t.Fatalf("section %+v", sec)
	}
	all := MergeConfigInfos("C", main, sec)
	if all.ErrorCount != 3 || len(all.Configs) != 4 || all.Name != "C" || len(all.Groups) != 1 {
		t.Fatalf("merged %+v", all)
	}
}
