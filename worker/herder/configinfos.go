package herder

import (
	"github.com/kafka-connect-go/connect/connector/configdef"
)

// These functions turn per-key validation results (configdef definitions
// and values) into the REST API's ConfigInfos, as Java's AbstractHerder
// does, so both herders answer /config/validate alike. A herder validates
// with worker.ValidateConnectorConfig and assembles the answer:
//
//	v, err := w.ValidateConnectorConfig(props)
//	parts := []ConfigInfos{ConfigInfosFrom(v.Class, v.Groups, v.Keys, v.Values)}
//	for _, s := range v.Sections {
//		parts = append(parts, PrefixedConfigInfos(s.Prefix, s.Keys, s.Values))
//	}
//	infos := MergeConfigInfos(v.Class, parts...)

// ConfigKeyInfoFrom describes one key, its name under prefix (Java's
// convertConfigKey): the definition half of a validate answer and an entry
// of GET /connector-plugins/{plugin}/config.
func ConfigKeyInfoFrom(k *configdef.Key, prefix string) ConfigKeyInfo {
	info := ConfigKeyInfo{
		Name:          prefix + k.Name,
		Type:          k.Type.String(),
		Required:      k.Required(),
		Importance:    k.Importance.String(),
		Documentation: k.Doc,
		Order:         k.OrderInGroup,
		Width:         k.Width.String(),
		DisplayName:   k.DisplayName,
		Dependents:    append([]string{}, k.Dependents...),
	}
	if info.DisplayName == "" {
		info.DisplayName = k.Name
	}
	if k.Group != "" {
		g := k.Group
		info.Group = &g
	}
	if s, ok := k.DefaultString(); ok {
		info.DefaultValue = &s
	}
	return info
}

// ConfigValueInfoFrom renders one validation result (Java's
// convertConfigValue): values and recommended values as strings, lists
// comma-joined, passwords hidden, under name.
func ConfigValueInfoFrom(v *configdef.Value, name string) ConfigValueInfo {
	info := ConfigValueInfo{
		Name:              name,
		RecommendedValues: []string{},
		Errors:            append([]string{}, v.Errors...),
		Visible:           v.Visible,
	}
	if s, ok := configdef.FormatValue(v.Value); ok {
		info.Value = &s
	}
	for _, r := range v.RecommendedValues {
		if s, ok := configdef.FormatValue(r); ok {
			info.RecommendedValues = append(info.RecommendedValues, s)
		}
	}
	return info
}

// ConfigInfosFrom builds the main part of a validate answer (Java's
// generateResult): first the values that have no definition, then one
// entry per definition in order, with its value if validated. When a name
// has several values the last counts. error_count counts messages.
func ConfigInfosFrom(name string, groups []string, keys []*configdef.Key, values []*configdef.Value) ConfigInfos {
	defined := make(map[string]*configdef.Key, len(keys))
	for _, k := range keys {
		defined[k.Name] = k
	}
	last := make(map[string]*configdef.Value, len(values))
	for _, v := range values {
		last[v.Name] = v
	}
	out := ConfigInfos{Name: name, Groups: append([]string{}, groups...), Configs: []ConfigInfo{}}
	seen := map[string]bool{}
	for _, v := range values {
		if defined[v.Name] != nil || seen[v.Name] {
			continue
		}
		seen[v.Name] = true
		lv := last[v.Name]
		vi := ConfigValueInfoFrom(lv, lv.Name)
		out.Configs = append(out.Configs, ConfigInfo{Value: &vi})
		out.ErrorCount += len(lv.Errors)
	}
	for _, k := range keys {
		ki := ConfigKeyInfoFrom(k, "")
		ci := ConfigInfo{Definition: &ki}
		if v, ok := last[k.Name]; ok {
			vi := ConfigValueInfoFrom(v, v.Name)
			ci.Value = &vi
			out.ErrorCount += len(v.Errors)
		}
		out.Configs = append(out.Configs, ci)
	}
	return out
}

// PrefixedConfigInfos builds a section validated under a prefix, such as a
// connector's own converter (Java's prefixedConfigInfos): one entry per
// value in order, names prefixed; error_count counts keys with errors.
func PrefixedConfigInfos(prefix string, keys []*configdef.Key, values []*configdef.Value) ConfigInfos {
	defined := make(map[string]*configdef.Key, len(keys))
	for _, k := range keys {
		defined[k.Name] = k
	}
	out := ConfigInfos{Groups: []string{}, Configs: []ConfigInfo{}}
	for _, v := range values {
		var ci ConfigInfo
		if k := defined[v.Name]; k != nil {
			ki := ConfigKeyInfoFrom(k, prefix)
			ci.Definition = &ki
			if k.Group != "" && !containsString(out.Groups, k.Group) {
				out.Groups = append(out.Groups, k.Group)
			}
		}
		vi := ConfigValueInfoFrom(v, prefix+v.Name)
		ci.Value = &vi
		if len(v.Errors) > 0 {
			out.ErrorCount++
		}
		out.Configs = append(out.Configs, ci)
	}
	return out
}

// MergeConfigInfos joins parts into one answer named name (Java's
// mergeConfigInfos): error counts add up, groups are united in order.
func MergeConfigInfos(name string, parts ...ConfigInfos) ConfigInfos {
	out := ConfigInfos{Name: name, Groups: []string{}, Configs: []ConfigInfo{}}
	for _, p := range parts {
		out.ErrorCount += p.ErrorCount
		out.Configs = append(out.Configs, p.Configs...)
		for _, g := range p.Groups {
			if !containsString(out.Groups, g) {
				out.Groups = append(out.Groups, g)
			}
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
