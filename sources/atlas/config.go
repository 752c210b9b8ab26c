package atlas

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
	"github.com/aspaudit/aspaudit/pipeline/secret"
)

// DefaultBaseURL is the Atlas commercial cloud; Atlas for Government is
// https://cloud.mongodbgov.com.
const DefaultBaseURL = "https://cloud.mongodb.com"

var (
	groupIDPattern = regexp.MustCompile(`^([a-f0-9]{24})$`)
	versionPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// Config is the atlas section of the configuration.
type Config struct {
	// BaseURL is the Atlas API's address. Empty means
	// MONGODB_ATLAS_BASE_URL, else MONGODB_ATLAS_OPS_MANAGER_URL (the
	// Atlas CLI's), else DefaultBaseURL (see Resolve).
	BaseURL string `koanf:"base_url"`
	// APIVersion is the versioned media type of the audit-log download.
	APIVersion string `koanf:"api_version"`
	// OperationalAPIVersion is the versioned media type of the
	// operational-log download.
	OperationalAPIVersion string `koanf:"operational_api_version"`
	// APIVersions are the versioned media types of the log downloads by
	// log type name (api_versions.operational); an entry overrides the
	// keys above, and a log type without one uses the version the
	// specification declares (pipeline.LogTypeSpec.APIVersion).
	APIVersions map[string]string `koanf:"api_versions"`
	// LogTypes are the logs fetched of every project that does not list
	// its own: "audit" (the default), "operational".
	LogTypes []string `koanf:"log_types"`
	// DiscoveryAPIVersion is the versioned media type of the workspace list.
	DiscoveryAPIVersion string `koanf:"discovery_api_version"`

	// A service account (recommended) ...
	ClientID         string        `koanf:"client_id"`
	ClientSecret     secret.Secret `koanf:"client_secret"`
	ClientSecretFile string        `koanf:"client_secret_file"`
	// ... or a programmatic API key; never both.
	PublicKey      string        `koanf:"public_key"`
	PrivateKey     secret.Secret `koanf:"private_key"`
	PrivateKeyFile string        `koanf:"private_key_file"`

	// Projects lists what to fetch; the commands that talk to Atlas need
	// at least one, or Organizations. The single entry "all" (projects:
	// all) follows every project the credentials can see; listed entries
	// keep their own settings and win over discovered ones.
	Projects []ProjectConfig `koanf:"projects"`
	// Organizations follow every project of each organization.
	Organizations []OrgConfig `koanf:"organizations"`
	// Exclude skips discovered projects by id or by name pattern
	// (path.Match: "sandbox-*"); listed projects are never excluded.
	Exclude []string `koanf:"exclude"`

	// Bucket is Atlas's rate limit per project, which the client paces
	// its requests after (see Bucket).
	Bucket Bucket `koanf:"bucket"`
	// RateLimit, when above 0, caps the requests per second sent to one
	// project below what Bucket allows; RateBurst is how many may go at
	// once under that cap after a quiet spell.
	RateLimit float64 `koanf:"rate_limit"`
	RateBurst int     `koanf:"rate_burst"`
	// Concurrency bounds the requests (downloads included, until their
	// body is closed) in flight across all projects.
	Concurrency int      `koanf:"concurrency"`
	Timeouts    Timeouts `koanf:"timeouts"`
	// Retry is the policy for workspace discovery, and the one callers
	// should use when retrying windows.
	Retry retry.Policy `koanf:"retry"`
}

// ProjectConfig is one Atlas project (group) to fetch.
type ProjectConfig struct {
	ID string `koanf:"id"`
	// Workspaces to fetch; empty means every workspace of the project,
	// discovered at start.
	Workspaces []string `koanf:"workspaces"`
	// Processors, when set, narrows each workspace to these stream
	// processors, one series per (workspace, processor); empty means the
	// whole workspace as one series.
	Processors []string `koanf:"processors"`
	// LogTypes overrides Config.LogTypes for this project.
	LogTypes []string `koanf:"log_types"`
	// Discovered marks a project found by an organization or all-project
	// listing (ExpandProjects), not listed: having no workspace is then
	// normal, not an error.
	Discovered bool `koanf:"-"`
}

// Logs returns the project's log types: its own, else defaults (a
// Config's LogTypes), else the audit log alone. Names are validated by
// Config.Validate; an unknown one is skipped here.
func (p ProjectConfig) Logs(defaults []string) []pipeline.LogType {
	names := p.LogTypes
	if len(names) == 0 {
		names = defaults
	}
	var out []pipeline.LogType
	for _, n := range names {
		if t, err := pipeline.ParseLogType(n); err == nil && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		out = []pipeline.LogType{pipeline.AuditLog}
	}
	return out
}

// OrgConfig is one Atlas organization whose projects are followed.
type OrgConfig struct {
	ID string `koanf:"id"`
}

// AllProjects is the project id that stands for every project the
// credentials can see (atlas.projects: all).
const AllProjects = "all"

// Timeouts bound the phases of a request. None bounds a whole download.
type Timeouts struct {
	Connect        time.Duration `koanf:"connect"`
	TLSHandshake   time.Duration `koanf:"tls_handshake"`
	ResponseHeader time.Duration `koanf:"response_header"`
	// IdleRead fails a body read that receives nothing for this long.
	IdleRead time.Duration `koanf:"idle_read"`
}

// NewDefaultConfig returns Atlas's documented Streams bucket with no extra
// cap on the rate, 4 concurrent requests, and a
// retry policy starting at 10 s, doubling up to 5 minutes, for at most 30
// minutes per operation.
func NewDefaultConfig() Config {
	return Config{
		APIVersion:            documentedVersion(pipeline.AuditLog),
		OperationalAPIVersion: documentedVersion(pipeline.OperationalLog),
		APIVersions:           map[string]string{},
		LogTypes:              []string{"audit"},
		Organizations:         []OrgConfig{},
		Exclude:               []string{},
		DiscoveryAPIVersion:   "2023-02-01",
		Bucket:                DocumentedBucket(),
		RateBurst:             10,
		Concurrency:           4,
		Timeouts: Timeouts{
			Connect:        10 * time.Second,
			TLSHandshake:   10 * time.Second,
			ResponseHeader: 2 * time.Minute,
			IdleRead:       time.Minute,
		},
		Retry: retry.Policy{Initial: 10 * time.Second, Max: 5 * time.Minute, Multiplier: 2, Budget: 30 * time.Minute},
	}
}

// Validate reports every problem of the configuration at once, each
// prefixed by its key. Credentials are checked by Resolve, which also sees
// the environment.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf(key+": "+format, args...))
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("base_url", "%q is not an http(s) URL", c.BaseURL)
		}
	}
	if !versionPattern.MatchString(c.APIVersion) {
		add("api_version", "%q is not a date like 2023-02-01", c.APIVersion)
	}
	if !versionPattern.MatchString(c.OperationalAPIVersion) {
		add("operational_api_version", "%q is not a date like 2025-03-12", c.OperationalAPIVersion)
	}
	errs = append(errs, c.validateAPIVersions())
	errs = append(errs, validateLogTypes("log_types", c.LogTypes))
	if !versionPattern.MatchString(c.DiscoveryAPIVersion) {
		add("discovery_api_version", "%q is not a date like 2023-02-01", c.DiscoveryAPIVersion)
	}
	if c.ClientSecret.IsSet() && c.ClientSecretFile != "" {
		add("client_secret_file", "set either client_secret or client_secret_file, not both")
	}
	if c.PrivateKey.IsSet() && c.PrivateKeyFile != "" {
		add("private_key_file", "set either private_key or private_key_file, not both")
	}
	if c.RateLimit < 0 {
		add("rate_limit", "must not be negative (requests per second; 0: only the bucket)")
	}
	if err := c.Bucket.validate(); err != nil {
		errs = append(errs, err)
	}
	if c.RateBurst < 1 {
		add("rate_burst", "must be at least 1")
	}
	if c.Concurrency < 1 {
		add("concurrency", "must be at least 1")
	}
	errs = append(errs, c.Timeouts.validate(), pipeline.PrefixErrors("retry.", c.Retry.Validate()), validateProjects(c.Projects), c.validateDiscovery())
	return errors.Join(errs...)
}

func (t Timeouts) validate() error {
	var errs []error
	for _, f := range []struct {
		key string
		d   time.Duration
	}{{"connect", t.Connect}, {"tls_handshake", t.TLSHandshake}, {"response_header", t.ResponseHeader}, {"idle_read", t.IdleRead}} {
		if f.d <= 0 {
			errs = append(errs, fmt.Errorf("timeouts.%s: must be greater than 0", f.key))
		}
	}
	return errors.Join(errs...)
}

func validateProjects(ps []ProjectConfig) error {
	var errs []error
	seen := map[string]bool{}
	for i, p := range ps {
		key := fmt.Sprintf("projects[%d]", i)
		if p.ID == AllProjects {
			continue
		}
		if err := CheckProjectID(p.ID); err != nil {
			errs = append(errs, fmt.Errorf("%s.id: %w", key, err))
		}
		if seen[p.ID] {
			errs = append(errs, fmt.Errorf("%s.id: project %s is listed twice", key, p.ID))
		}
		seen[p.ID] = true
		errs = append(errs, validateNames(key+".workspaces", p.Workspaces), validateNames(key+".processors", p.Processors), validateLogTypes(key+".log_types", p.LogTypes))
	}
	return errors.Join(errs...)
}

// validateLogTypes checks log type names: known, each once.
func validateLogTypes(key string, names []string) error {
	var errs []error
	seen := map[pipeline.LogType]bool{}
	for i, n := range names {
		t, err := pipeline.ParseLogType(n)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s[%d]: %w", key, i, err))
		case seen[t]:
			errs = append(errs, fmt.Errorf("%s[%d]: %q is listed twice", key, i, n))
		}
		seen[t] = true
	}
	return errors.Join(errs...)
}

func validateNames(key string, names []string) error {
	var errs []error
	seen := map[string]bool{}
	for i, n := range names {
		switch {
		case n == "":
			errs = append(errs, fmt.Errorf("%s[%d]: empty name", key, i))
		case seen[n]:
			errs = append(errs, fmt.Errorf("%s[%d]: %q is listed twice", key, i, n))
		}
		seen[n] = true
	}
	return errors.Join(errs...)
}
