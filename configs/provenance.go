package configs

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/aspaudit/aspaudit/sources/atlas"
)

// Where a value came from, lowest precedence first.
const (
	FromDefault     = "default"
	FromFile        = "file"
	FromEnvironment = "environment"
	FromFlag        = "flag"
)

// Origin says where one configuration value came from.
type Origin struct {
	// Kind is FromDefault, FromFile, FromEnvironment or FromFlag.
	Kind string
	// Detail names the file, the variable or the flag (as typed, else
	// its key in parentheses); for a secret read from a *_file key it
	// says so.
	Detail string
}

func (o Origin) String() string {
	if o.Detail == "" {
		return o.Kind
	}
	return o.Kind + " " + o.Detail
}

// Setting is one key of the effective configuration.
type Setting struct {
	// Key is the full key; list elements are numbered:
	// "atlas.projects[0].id".
	Key string
	// Value is the effective value as text. Secrets and passwords in URLs
	// are redacted.
	Value  string
	Origin Origin
}

// Explain returns every key of cfg (as Load built it from src) with its
// value, secrets redacted, and where that value came from. It reads the
// file and the environment again, for their keys only.
func Explain(cfg Config, src Sources) ([]Setting, error) {
	layers, err := originLayers(src)
	if err != nil {
		return nil, err
	}
	var out []Setting
	walkValues(reflect.ValueOf(cfg), "", &out)
	env := envMap(src.Environ)
	for i := range out {
		out[i].Origin = originOf(out[i].Key, out[i].Value, layers, env)
	}
	return out, nil
}

// layer is one source's keys, each with the origin of what it sets.
type layer map[string]Origin

// originLayers lists the keys each source sets, highest precedence first.
func originLayers(src Sources) ([]layer, error) {
	flags := layer{}
	for k := range flattenKeys(src.Overrides) {
		detail := src.OverrideFlags[k]
		if detail == "" {
			detail = "(" + k + ")"
		}
		flags[k] = Origin{Kind: FromFlag, Detail: detail}
	}
	env := layer{}
	for _, kv := range src.Environ {
		name, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		if k, _ := envKey(name, v); k != "" {
			env[k] = Origin{Kind: FromEnvironment, Detail: name}
		}
	}
	fileKeys := layer{}
	if src.File != "" {
		k := koanf.New(".")
		if err := k.Load(file.Provider(src.File), yaml.Parser()); err != nil {
			return nil, fmt.Errorf("reading config file %s: %w", src.File, unwrapYAML(err))
		}
		for _, key := range k.Keys() {
			fileKeys[key] = Origin{Kind: FromFile, Detail: src.File}
		}
	}
	return []layer{flags, env, fileKeys}, nil
}

// flattenKeys lists the dotted keys of overrides, nested maps included.
func flattenKeys(m map[string]any) map[string]bool {
	k := koanf.New(".")
	_ = k.Load(confmap.Provider(m, "."), nil)
	out := map[string]bool{}
	for _, key := range k.Keys() {
		out[key] = true
	}
	return out
}

// atlasCLIVariables are the Atlas CLI's variables that fill atlas keys
// left empty (see atlas.Config.Resolve).
var atlasCLIVariables = map[string]string{
	"atlas.base_url":      atlas.EnvBaseURL,
	"atlas.client_id":     atlas.EnvClientID,
	"atlas.client_secret": atlas.EnvClientSecret,
	"atlas.public_key":    atlas.EnvPublicAPIKey,
	"atlas.private_key":   atlas.EnvPrivateAPIKey,
}

// originOf finds the source that set key: the highest layer holding the
// key or a parent of it (a list is set whole), else the file a secret was
// read from (key_file), else the Atlas CLI's variable, else the default.
func originOf(key, value string, layers []layer, env map[string]string) Origin {
	if o, ok := lookup(key, layers); ok {
		return o
	}
	if o, ok := lookup(key+"_file", layers); ok && value != "" {
		o.Detail = strings.TrimSpace(o.Detail + " (read from the file named by " + key + "_file)")
		return o
	}
	if name, ok := atlasCLIVariables[key]; ok && value != "" && strings.TrimSpace(env[name]) != "" {
		return Origin{Kind: FromEnvironment, Detail: name}
	}
	return Origin{Kind: FromDefault}
}

func lookup(key string, layers []layer) (Origin, bool) {
	for _, l := range layers {
		for k := key; k != ""; k = parentKey(k) {
			if o, ok := l[k]; ok {
				return o, true
			}
		}
	}
	return Origin{}, false
}

// parentKey drops the last part of a key: "a.b[0].c" → "a.b[0]" → "a.b"
// → "a" → "".
func parentKey(k string) string {
	i := strings.LastIndexAny(k, ".[")
	if i < 0 {
		return ""
	}
	return k[:i]
}

// walkValues lists the leaves of v as Settings, keyed as Keys names them,
// with list elements numbered.
func walkValues(v reflect.Value, prefix string, out *[]Setting) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("koanf")
		fv := v.Field(i)
		if tag == "-" && fv.Kind() == reflect.Map {
			// Sections decoded apart (sink.<type>), keyed by their name.
			walkSections(fv, prefix, out)
			continue
		}
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "squash" || (name == "" && strings.Contains(tag, "squash")) {
			walkValues(fv, prefix, out)
			continue
		}
		key := prefix + name
		switch {
		case fv.Kind() == reflect.Struct && !leafTypes[fv.Type()]:
			walkValues(fv, key+".", out)
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
			for j := range fv.Len() {
				walkValues(fv.Index(j), key+"["+strconv.Itoa(j)+"].", out)
			}
		default:
			*out = append(*out, Setting{Key: key, Value: formatValue(fv)})
		}
	}
}

// walkSections lists the settings of a map of sections (a struct, or a
// pointer or interface holding one, per name), each under prefix+name,
// in name order.
func walkSections(m reflect.Value, prefix string, out *[]Setting) {
	if m.Type().Key().Kind() != reflect.String {
		return
	}
	keys := m.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	for _, k := range keys {
		sec := m.MapIndex(k)
		for sec.Kind() == reflect.Interface || sec.Kind() == reflect.Pointer {
			if sec.IsNil() {
				break
			}
			sec = sec.Elem()
		}
		if sec.Kind() == reflect.Struct {
			walkValues(sec, prefix+k.String()+".", out)
		}
	}
}

// formatValue writes a leaf as text: secrets redact themselves (their
// String), URLs lose their passwords, lists are bracketed.
func formatValue(v reflect.Value) string {
	if v.Kind() == reflect.Slice {
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = formatValue(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	if v.Kind() == reflect.Map {
		return fmt.Sprintf("(%d entries)", v.Len())
	}
	s := fmt.Sprint(v.Interface())
	if v.Kind() == reflect.String && strings.Contains(s, "@") && strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil && u.User != nil {
			return u.Redacted()
		}
	}
	return s
}
