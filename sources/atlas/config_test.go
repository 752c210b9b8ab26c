package atlas

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/secret"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestResolveCredentials(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	saEnv := map[string]string{EnvClientID: "env-id", EnvClientSecret: "env-secret"}
	keyEnv := map[string]string{EnvPublicAPIKey: "env-pub", EnvPrivateAPIKey: "env-priv"}
	both := map[string]string{EnvClientID: "env-id", EnvClientSecret: "env-secret", EnvPublicAPIKey: "env-pub", EnvPrivateAPIKey: "env-priv"}
	cases := []struct {
		name    string
		cfg     func(*Config)
		env     map[string]string
		kind    CredentialKind
		check   func(Config) bool
		errText string
	}{
		{name: "config service account", cfg: func(c *Config) { c.ClientID, c.ClientSecret = "id", "s" }, env: keyEnv, kind: ServiceAccount,
			check: func(c Config) bool { return c.ClientID == "id" && c.ClientSecret.Value() == "s" && c.PublicKey == "" }},
		{name: "secret from file", cfg: func(c *Config) { c.ClientID, c.ClientSecretFile = "id", secretFile }, kind: ServiceAccount,
			check: func(c Config) bool { return c.ClientSecret.Value() == "from-file" && c.ClientSecretFile == "" }},
		{name: "private key from file", cfg: func(c *Config) { c.PublicKey, c.PrivateKeyFile = "pub", secretFile }, kind: APIKey,
			check: func(c Config) bool { return c.PrivateKey.Value() == "from-file" }},
		{name: "id in config, secret from env", cfg: func(c *Config) { c.ClientID = "id" }, env: both, kind: ServiceAccount,
			check: func(c Config) bool {
				return c.ClientID == "id" && c.ClientSecret.Value() == "env-secret" && c.PublicKey == ""
			}},
		{name: "env service account", env: saEnv, kind: ServiceAccount,
			check: func(c Config) bool { return c.ClientID == "env-id" && c.ClientSecret.Value() == "env-secret" }},
		{name: "env API key", env: keyEnv, kind: APIKey,
			check: func(c Config) bool { return c.PublicKey == "env-pub" && c.PrivateKey.Value() == "env-priv" }},
		{name: "both kinds configured", cfg: func(c *Config) { c.ClientID, c.ClientSecret, c.PublicKey, c.PrivateKey = "id", "s", "p", "k" },
			errText: "both a service account (client_id, client_secret) and an API key (public_key, private_key) are configured"},
		{name: "both kinds in env", env: both, errText: "both MONGODB_ATLAS_CLIENT_ID/MONGODB_ATLAS_CLIENT_SECRET and MONGODB_ATLAS_PUBLIC_API_KEY/MONGODB_ATLAS_PRIVATE_API_KEY are set"},
		{name: "half a service account", cfg: func(c *Config) { c.ClientID = "id" },
			errText: "client_secret: client_id is set but client_secret is missing (configure client_secret or client_secret_file, or set MONGODB_ATLAS_CLIENT_SECRET)"},
		{name: "half an API key in env", env: map[string]string{EnvPrivateAPIKey: "k"},
			errText: "public_key: private_key is set but public_key is missing"},
		{name: "nothing", errText: "no Atlas credentials"},
		{name: "value and file", cfg: func(c *Config) { c.ClientID, c.ClientSecret, c.ClientSecretFile = "id", "s", secretFile },
			errText: "client_secret_file: set either the value or the file, not both"},
		{name: "missing file", cfg: func(c *Config) { c.ClientID, c.ClientSecretFile = "id", filepath.Join(dir, "nope") },
			errText: "client_secret_file: reading secret file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewDefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&c)
			}
			got, err := c.Resolve(envOf(tc.env))
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("got %v, want an error containing %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.CredentialKind() != tc.kind || !tc.check(got) {
				t.Fatalf("resolved to kind %v: %+v", got.CredentialKind(), got)
			}
			if got.complete() != nil {
				t.Fatalf("resolved config is not complete: %v", got.complete())
			}
		})
	}
}

func TestResolveBaseURL(t *testing.T) {
	c := NewDefaultConfig()
	c.ClientID, c.ClientSecret = "id", "s"
	got, _ := c.Resolve(envOf(nil))
	if got.BaseURL != DefaultBaseURL {
		t.Errorf("default: %q", got.BaseURL)
	}
	got, _ = c.Resolve(envOf(map[string]string{EnvBaseURL: "https://cloud.mongodbgov.com/"}))
	if got.BaseURL != "https://cloud.mongodbgov.com" {
		t.Errorf("from env: %q", got.BaseURL)
	}
	got, _ = c.Resolve(envOf(map[string]string{EnvOpsManagerURL: "https://cloud.mongodbgov.com/"}))
	if got.BaseURL != "https://cloud.mongodbgov.com" {
		t.Errorf("from the Atlas CLI's variable: %q", got.BaseURL)
	}
	got, _ = c.Resolve(envOf(map[string]string{EnvOpsManagerURL: "https://cloud.mongodbgov.com/", EnvBaseURL: "https://cloud.mongodb.com"}))
	if got.BaseURL != "https://cloud.mongodb.com" {
		t.Errorf("MONGODB_ATLAS_BASE_URL before the CLI's: %q", got.BaseURL)
	}
	c.BaseURL = "http://127.0.0.1:8089"
	got, _ = c.Resolve(envOf(map[string]string{EnvBaseURL: "https://cloud.mongodbgov.com/", EnvOpsManagerURL: "https://x.example"}))
	if got.BaseURL != "http://127.0.0.1:8089" {
		t.Errorf("config wins: %q", got.BaseURL)
	}
}

func TestValidateReportsEverything(t *testing.T) {
	if err := NewDefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	c := Config{
		BaseURL: "ftp://x", APIVersion: "v2", ClientSecret: secret.Secret("s"), ClientSecretFile: "f",
		Projects: []ProjectConfig{
			{ID: "ABC", Workspaces: []string{"a", "a", ""}},
			{ID: "ABC", Processors: []string{""}},
		},
		Timeouts:  Timeouts{Connect: time.Second},
		RateLimit: -1,
		Bucket:    Bucket{Capacity: 10, Refill: 20, Every: time.Millisecond, Share: 1.5},
	}
	err := c.Validate()
	for _, want := range []string{
		`base_url: "ftp://x" is not an http(s) URL`,
		`api_version: "v2" is not a date`,
		`discovery_api_version: "" is not a date`,
		"client_secret_file: set either client_secret or client_secret_file",
		"rate_limit: must not be negative",
		"bucket.refill: 20 is more than the capacity 10",
		"bucket.every: must be at least 1s",
		"bucket.share: must be greater than 0 and at most 1",
		"rate_burst: must be at least 1",
		"concurrency: must be at least 1",
		"timeouts.tls_handshake: must be greater than 0",
		"timeouts.idle_read: must be greater than 0",
		"retry.initial: must be greater than 0",
		`projects[0].id: "ABC" is not an Atlas project id`,
		`projects[0].workspaces[1]: "a" is listed twice`,
		"projects[0].workspaces[2]: empty name",
		"projects[1].id: project ABC is listed twice",
		"projects[1].processors[0]: empty name",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "timeouts.connect") {
		t.Errorf("a valid timeout was reported: %v", err)
	}
}

func TestNewNeedsResolvedCredentials(t *testing.T) {
	c := NewDefaultConfig()
	c.BaseURL = "http://127.0.0.1:1"
	c.ClientID = "id"
	if _, err := New(c, Options{}); err == nil || !strings.Contains(err.Error(), "call Resolve") {
		t.Fatalf("got %v", err)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	c := NewDefaultConfig()
	c.ClientID, c.ClientSecret = "id", secret.Secret(testSecret)
	for _, s := range []string{strings.Join([]string{c.ClientSecret.String()}, ""), sprintf("%v %+v %#v", c, c, c)} {
		if strings.Contains(s, testSecret) {
			t.Fatalf("secret printed: %s", s)
		}
	}
}
