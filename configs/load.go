package configs

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// EnvPrefix starts every environment variable aspaudit reads as
// configuration; "__" separates levels: ASPAUDIT_SINK__FILE__PATH is sink.file.path.
const EnvPrefix = "ASPAUDIT_"

// Sources says where configuration comes from, lowest precedence first
// after the defaults.
type Sources struct {
	// File is the YAML file; empty means none.
	File string
	// Environ is the process environment (os.Environ()).
	Environ []string
	// Overrides are keys set by command-line flags ("atlas.projects").
	Overrides map[string]any
	// OverrideFlags names the flag that set each key of Overrides, as the
	// user typed it ("--log-level"), for Explain.
	OverrideFlags map[string]string
	// NeedAtlas makes missing Atlas credentials an error. Commands that
	// never call Atlas (import, setup) leave it false; credentials that
	// are present are still checked.
	NeedAtlas bool
}

// Load builds the configuration from the defaults, the YAML file, the
// environment and the flags, in that order, then resolves secrets from
// files and the Atlas CLI's variables and validates. Every problem found
// is reported at once, each naming its key.
func Load(src Sources) (Config, error) {
	cfg := NewDefaultConfig()
	k := koanf.New(".")
	var errs []error
	if src.File != "" {
		if err := k.Load(file.Provider(src.File), yaml.Parser()); err != nil {
			return cfg, fmt.Errorf("reading config file %s: %w", src.File, unwrapYAML(err))
		}
	}
	if err := k.Load(env.Provider(".", env.Opt{
		Prefix:        EnvPrefix,
		TransformFunc: envKey,
		EnvironFunc:   func() []string { return src.Environ },
	}), nil); err != nil {
		errs = append(errs, fmt.Errorf("reading environment: %w", err))
	}
	if len(src.Overrides) > 0 {
		if err := k.Load(confmap.Provider(src.Overrides, "."), nil); err != nil {
			errs = append(errs, fmt.Errorf("reading flags: %w", err))
		}
	}
	errs = append(errs, decode(k, &cfg)...)
	if err := cfg.resolve(src.Environ, src.NeedAtlas); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, cfg.Validate())
	return cfg, errors.Join(errs...)
}

// envKey maps ASPAUDIT_SINK__FILE__PATH to sink.file.path; ASPAUDIT_CONFIG,
// which names the file, and ASPAUDIT_DEBUG_PPROF_LISTEN, read by the
// command before any configuration, are no keys.
func envKey(k, v string) (string, any) {
	if k == EnvConfigFile || k == EnvProfileListen {
		return "", nil
	}
	k = strings.ToLower(strings.TrimPrefix(k, EnvPrefix))
	return strings.ReplaceAll(k, "__", "."), v
}

// decode unmarshals k into cfg over its defaults, each sink section into
// its registered type, and reports unknown keys and values of the wrong
// type, each with its key.
func decode(k *koanf.Koanf, cfg *Config) []error {
	decodeErrs := decodeInto(k, "", cfg)
	errs := append(unknownKeys(k.Raw(), Keys(), cfg.Sink), decodeErrs...)
	for name, sec := range cfg.Sink.Sections {
		if path := "sink." + name; k.Exists(path) {
			errs = append(errs, decodeInto(k, path, sec)...)
		}
	}
	return errs
}

// decodeInto unmarshals the part of k under path (all of it when empty)
// into out. Keys out lacks are left to unknownKeys.
func decodeInto(k *koanf.Koanf, path string, out any) []error {
	dc := &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			durationHook(),
			projectListHook(),
			mapstructure.StringToSliceHookFunc(","),
			mapstructure.TextUnmarshallerHookFunc(),
		),
		Result:           out,
		WeaklyTypedInput: true,
		TagName:          "koanf",
		Squash:           true,
	}
	err := k.UnmarshalWithConf(path, out, koanf.UnmarshalConf{Tag: "koanf", DecoderConfig: dc})
	if err == nil {
		return nil
	}
	prefix := ""
	if path != "" {
		prefix = path + "."
	}
	return decodeErrors(prefix, err)
}

// decodeErrors turns mapstructure's errors into one error per key, each
// "key: problem" with the full key.
func decodeErrors(prefix string, err error) []error {
	var joined interface{ Unwrap() []error }
	var de *mapstructure.DecodeError
	switch {
	case errors.As(err, &joined): // under mapstructure's "decoding failed" header
		var out []error
		for _, x := range joined.Unwrap() {
			out = append(out, decodeErrors(prefix, x)...)
		}
		return out
	case errors.As(err, &de):
		return []error{fmt.Errorf("%s%s: %w", prefix, de.Name(), de.Unwrap())}
	}
	return []error{err}
}

func unwrapYAML(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no such file: pass --config with the path of an existing YAML file")
	}
	return err
}

// idLists are the lists of objects that may also be given as a
// comma-separated string of ids.
var idLists = map[reflect.Type]bool{
	reflect.TypeOf([]ProjectConfig{}):   true,
	reflect.TypeOf([]atlas.OrgConfig{}): true,
}

// projectListHook lets ASPAUDIT_ATLAS__PROJECTS, --project and
// ASPAUDIT_ATLAS__ORGANIZATIONS give ids as a comma-separated string: each
// project id then means every workspace, each organisation id every project.
func projectListHook() mapstructure.DecodeHookFuncType {
	return func(from, to reflect.Type, data any) (any, error) {
		if from.Kind() != reflect.String || !idLists[to] {
			return data, nil
		}
		var out []map[string]any
		for _, id := range strings.Split(data.(string), ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, map[string]any{"id": id})
			}
		}
		return out, nil
	}
}

// durationHook reads durations written like 30s, 5m or 6h, and whole days
// or weeks like 30d or 2w (pipeline.ParseDuration), with an error that
// shows the value and the expected form.
func durationHook() mapstructure.DecodeHookFuncType {
	return func(from, to reflect.Type, data any) (any, error) {
		if from.Kind() != reflect.String || to != reflect.TypeOf(time.Duration(0)) {
			return data, nil
		}
		return pipeline.ParseDuration(data.(string))
	}
}
