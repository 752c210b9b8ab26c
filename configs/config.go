package configs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sinks/dashboards"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// ProjectConfig is one Atlas project in atlas.projects.
type ProjectConfig = atlas.ProjectConfig

// Config is every option of aspaudit, by section.
type Config struct {
	Atlas      atlas.Config         `koanf:"atlas"`
	Sink       SinkConfig           `koanf:"sink"`
	Pipeline   ingest.Config        `koanf:"pipeline"`
	Transform  transform.Config     `koanf:"transform"`
	Kibana     dashboards.Config    `koanf:"kibana"`
	Dashboards dashboards.OSDConfig `koanf:"dashboards"`
	Log        LogConfig            `koanf:"log"`
	// Listen is the address of the /metrics and /healthz listener of
	// `aspaudit run`; empty turns it off.
	Listen string `koanf:"listen"`
}

// LogConfig is the "log" section.
type LogConfig struct {
	// Level is debug, info, warn or error.
	Level string `koanf:"level"`
	// Format is auto (text on a terminal, JSON otherwise), text or json.
	Format string `koanf:"format"`
}

// NewDefaultConfig returns every component's defaults: the file sink under
// ./aspaudit-data, every registered sink's defaults, and no Atlas project.
func NewDefaultConfig() Config {
	return Config{
		Atlas:      atlas.NewDefaultConfig(),
		Sink:       newSinkConfig(),
		Pipeline:   pipelineDefaults(),
		Transform:  transform.NewDefaultConfig(),
		Kibana:     dashboards.NewDefaultConfig(),
		Dashboards: dashboards.NewDefaultOSDConfig(),
		Log:        LogConfig{Level: "info", Format: "auto"},
	}
}

// pipelineDefaults are the engine's defaults, with window retries paced
// as Atlas asks (10 s, 20 s, 40 s ...), since most window failures are
// Atlas's.
func pipelineDefaults() ingest.Config {
	c := ingest.NewDefaultConfig()
	c.Retry = atlas.NewDefaultConfig().Retry
	c.Workers = 0 // one per CPU, decided at run time
	return c
}

// Validate reports every problem at once, each prefixed by its full key.
func (c Config) Validate() error {
	errs := []error{
		pipeline.PrefixErrors("atlas.", c.Atlas.Validate()),
		pipeline.PrefixErrors("pipeline.", c.Pipeline.Validate()),
		pipeline.PrefixErrors("transform.", c.Transform.Validate()),
		pipeline.PrefixErrors("log.", c.Log.validate()),
		c.Sink.validate(),
	}
	if c.Kibana.URL != "" {
		errs = append(errs, pipeline.PrefixErrors("kibana.", c.Kibana.Validate()))
	}
	if c.Dashboards.URL != "" {
		errs = append(errs, pipeline.PrefixErrors("dashboards.", c.Dashboards.Validate()))
	}
	return errors.Join(errs...)
}

func (l LogConfig) validate() error {
	var errs []error
	switch strings.ToLower(l.Level) {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("level: %q is not one of debug, info, warn, error", l.Level))
	}
	switch strings.ToLower(l.Format) {
	case "auto", "text", "json":
	default:
		errs = append(errs, fmt.Errorf("format: %q is not one of auto, text, json", l.Format))
	}
	return errors.Join(errs...)
}

// resolve reads secrets from their *_file keys and fills Atlas credentials
// and base URL from the Atlas CLI's MONGODB_ATLAS_* variables.
func (c *Config) resolve(environ []string, needAtlas bool) error {
	var errs []error
	errs = append(errs, c.Sink.resolveSecrets())
	if c.Kibana.URL != "" {
		errs = append(errs, pipeline.PrefixErrors("kibana.", c.Kibana.ResolveSecrets()))
	}
	if c.Dashboards.URL != "" {
		errs = append(errs, pipeline.PrefixErrors("dashboards.", c.Dashboards.ResolveSecrets()))
	}
	env := envMap(environ)
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if needAtlas || hasAtlasCredentials(c.Atlas, env) {
		a, err := c.Atlas.Resolve(lookup)
		errs = append(errs, pipeline.PrefixErrors("atlas.", err))
		c.Atlas = a
	}
	return errors.Join(errs...)
}

// hasAtlasCredentials reports whether any Atlas credential is configured
// or set in the Atlas CLI's variables.
func hasAtlasCredentials(a atlas.Config, env map[string]string) bool {
	if a.CredentialKind() != atlas.NoCredentials || a.ClientID != "" || a.PublicKey != "" || a.ClientSecret.IsSet() || a.PrivateKey.IsSet() || a.ClientSecretFile != "" || a.PrivateKeyFile != "" {
		return true
	}
	for _, k := range []string{atlas.EnvClientID, atlas.EnvClientSecret, atlas.EnvPublicAPIKey, atlas.EnvPrivateAPIKey} {
		if env[k] != "" {
			return true
		}
	}
	return false
}

func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}
