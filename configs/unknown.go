package configs

import (
	"fmt"
	"slices"
	"strings"
)

// unknownKeys reports every key of raw (koanf's nested map) that is no
// option: the set difference between the keys given and known. Elements
// of lists of objects are checked against "list[].key". A key that was a
// sink option before sink.<type> existed ("sink.urls") is named with its
// new place.
func unknownKeys(raw map[string]any, known []string, sink SinkConfig) []error {
	u := unknown{leaves: map[string]bool{}, nodes: map[string]bool{}, sink: sink}
	for _, k := range known {
		u.leaves[k] = true
		for i := range len(k) {
			if k[i] == '.' {
				u.nodes[k[:i]] = true
				u.nodes[strings.TrimSuffix(k[:i], "[]")] = true
			}
		}
	}
	u.walk("", "", raw)
	slices.SortFunc(u.errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return u.errs
}

type unknown struct {
	leaves, nodes map[string]bool
	sink          SinkConfig
	errs          []error
}

// walk checks the keys of m; prefix is their path in the known keys
// ("atlas.projects[]."), shown their path as users read it
// ("atlas.projects[2].").
func (u *unknown) walk(prefix, shown string, m map[string]any) {
	for k, v := range m {
		key := prefix + k
		switch {
		case u.leaves[key]:
			// a value: its type is mapstructure's to check
		case u.nodes[key]:
			u.node(key, shown+k, v)
		default:
			u.errs = append(u.errs, u.unknownKey(key, shown+k))
		}
	}
}

// node checks the keys under a section or a list of objects.
func (u *unknown) node(key, shown string, v any) {
	list := u.nodes[key+"[]"]
	switch x := v.(type) {
	case map[string]any:
		if !list {
			u.walk(key+".", shown+".", x)
			return
		}
	case []any:
		if list {
			for i, el := range x {
				if m, ok := el.(map[string]any); ok {
					u.walk(key+"[].", fmt.Sprintf("%s[%d].", shown, i), m)
				}
			}
			return
		}
	default:
		if list { // a list given as text ("id1,id2"), read by a decode hook
			return
		}
	}
	u.errs = append(u.errs, fmt.Errorf("%s: is a section: write its keys under it (see configs/example.yaml)", shown))
}

// unknownKey explains an unknown key, naming its new place when it is a
// sink option written the old, flat way.
func (u *unknown) unknownKey(key, shown string) error {
	if moved := u.movedSinkKey(key); moved != "" {
		return fmt.Errorf("%s: sink options now live under sink.<type>: %s", key, moved)
	}
	return fmt.Errorf("%s: unknown key (misspelt? see configs/example.yaml for every option)", shown)
}

// renamedSinkKeys are flat sink keys whose name changed when they moved
// under sink.<type>.
var renamedSinkKeys = map[string]string{"path": "local_path"}

// movedSinkKey says where "sink.<rest>" lives now: the configured type's
// key if it has one, else the types that have it; "" when none does.
func (u *unknown) movedSinkKey(key string) string {
	rest, ok := strings.CutPrefix(key, "sink.")
	if !ok {
		return ""
	}
	var places []string
	for _, name := range u.sinkNames() {
		for _, r := range []string{rest, renamedSinkKeys[rest]} {
			if to := "sink." + name + "." + r; r != "" && (u.leaves[to] || u.nodes[to]) {
				if name == u.sink.Type {
					return fmt.Sprintf("write %s (environment: %s)", to, envName(to))
				}
				places = append(places, to)
				break
			}
		}
	}
	if len(places) == 0 {
		return ""
	}
	return fmt.Sprintf("write %s, for the sink.type in use (now %s)", strings.Join(places, " or "), u.sink.Type)
}

func (u *unknown) sinkNames() []string {
	names := make([]string, 0, len(u.sink.Sections))
	for n := range u.sink.Sections {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// envName is the environment variable that sets key.
func envName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "__"))
}
