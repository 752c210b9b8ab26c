package atlas

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/secret"
)

// The Atlas CLI's environment variables, read by Resolve.
const (
	EnvClientID      = "MONGODB_ATLAS_CLIENT_ID"
	EnvClientSecret  = "MONGODB_ATLAS_CLIENT_SECRET"
	EnvPublicAPIKey  = "MONGODB_ATLAS_PUBLIC_API_KEY"
	EnvPrivateAPIKey = "MONGODB_ATLAS_PRIVATE_API_KEY"
	EnvBaseURL       = "MONGODB_ATLAS_BASE_URL"
	// EnvOpsManagerURL is where the Atlas CLI reads its base URL from
	// (its ops_manager_url setting).
	EnvOpsManagerURL = "MONGODB_ATLAS_OPS_MANAGER_URL"
)

// CredentialKind says how the client authenticates.
type CredentialKind int

// The kinds of credential.
const (
	NoCredentials  CredentialKind = iota
	ServiceAccount                // OAuth 2.0 client credentials
	APIKey                        // programmatic API key, HTTP Digest
)

func (k CredentialKind) String() string {
	switch k {
	case ServiceAccount:
		return "service account"
	case APIKey:
		return "programmatic API key"
	}
	return "no credentials"
}

// CredentialKind reports which kind of credential c holds, judging by any
// of its fields.
func (c Config) CredentialKind() CredentialKind {
	sa := c.ClientID != "" || c.ClientSecret.IsSet() || c.ClientSecretFile != ""
	key := c.PublicKey != "" || c.PrivateKey.IsSet() || c.PrivateKeyFile != ""
	switch {
	case sa && !key:
		return ServiceAccount
	case key && !sa:
		return APIKey
	}
	return NoCredentials
}

// Resolve returns c with its credentials complete: *_file paths read, and
// missing values taken from the Atlas CLI's variables through lookupEnv
// (os.LookupEnv in production). The configuration chooses the kind of
// credential when it sets any credential field; variables of the other kind
// are then ignored, so Atlas CLI variables left in the shell do not clash.
// Otherwise the variables choose. An empty BaseURL becomes
// MONGODB_ATLAS_BASE_URL, else the Atlas CLI's MONGODB_ATLAS_OPS_MANAGER_URL,
// else DefaultBaseURL.
//
// Errors, all reported at once: both kinds configured, both kinds in the
// environment with none configured, half of one kind, no credentials at
// all, unreadable secret files.
func (c Config) Resolve(lookupEnv func(string) (string, bool)) (Config, error) {
	env := func(k string) string {
		v, _ := lookupEnv(k)
		return strings.TrimSpace(v)
	}
	for _, k := range []string{EnvBaseURL, EnvOpsManagerURL} {
		if c.BaseURL == "" {
			c.BaseURL = env(k)
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	c.Projects = c.withLogTypes(c.Projects)
	var errs []error
	var err error
	if c.ClientSecret, c.ClientSecretFile, err = readSecretFile("client_secret_file", c.ClientSecret, c.ClientSecretFile); err != nil {
		errs = append(errs, err)
	}
	if c.PrivateKey, c.PrivateKeyFile, err = readSecretFile("private_key_file", c.PrivateKey, c.PrivateKeyFile); err != nil {
		errs = append(errs, err)
	}
	kind, err := c.chooseKind(env)
	if err != nil {
		return c, errors.Join(append(errs, err)...)
	}
	return c, errors.Join(append(errs, c.fillFromEnv(kind, env))...)
}

// withLogTypes returns projects with their log types filled from
// atlas.log_types where they list none (a copy: the configuration's slice
// is not changed).
func (c Config) withLogTypes(projects []ProjectConfig) []ProjectConfig {
	out := make([]ProjectConfig, len(projects))
	for i, p := range projects {
		out[i] = p.withLogTypes(c.LogTypes)
	}
	return out
}

// withLogTypes returns p with its log types filled from defaults when it
// lists none.
func (p ProjectConfig) withLogTypes(defaults []string) ProjectConfig {
	if len(p.LogTypes) == 0 {
		for _, t := range p.Logs(defaults) {
			p.LogTypes = append(p.LogTypes, t.Name())
		}
	}
	return p
}

// readSecretFile loads path into the secret, leaving the file name empty
// once read.
func readSecretFile(key string, s secret.Secret, path string) (secret.Secret, string, error) {
	if path == "" {
		return s, "", nil
	}
	if s.IsSet() {
		return s, path, fmt.Errorf("%s: set either the value or the file, not both", key)
	}
	v, err := secret.FromFile(path)
	if err != nil {
		return s, path, fmt.Errorf("%s: %w", key, err)
	}
	return v, "", nil
}

func (c Config) chooseKind(env func(string) string) (CredentialKind, error) {
	sa := c.ClientID != "" || c.ClientSecret.IsSet() || c.ClientSecretFile != ""
	key := c.PublicKey != "" || c.PrivateKey.IsSet() || c.PrivateKeyFile != ""
	switch {
	case sa && key:
		return 0, pipeline.SectionProblem(errors.New("both a service account (client_id, client_secret) and an API key (public_key, private_key) are configured: keep one"))
	case sa:
		return ServiceAccount, nil
	case key:
		return APIKey, nil
	}
	envSA := env(EnvClientID) != "" || env(EnvClientSecret) != ""
	envKey := env(EnvPublicAPIKey) != "" || env(EnvPrivateAPIKey) != ""
	switch {
	case envSA && envKey:
		return 0, pipeline.SectionProblem(fmt.Errorf("both %s/%s and %s/%s are set and the configuration names no credential: unset one kind, or configure client_id or public_key", EnvClientID, EnvClientSecret, EnvPublicAPIKey, EnvPrivateAPIKey))
	case envSA:
		return ServiceAccount, nil
	case envKey:
		return APIKey, nil
	}
	return 0, pipeline.SectionProblem(fmt.Errorf("no Atlas credentials: configure client_id and client_secret (a service account) or public_key and private_key (an API key), or set %s and %s", EnvClientID, EnvClientSecret))
}

func (c *Config) fillFromEnv(kind CredentialKind, env func(string) string) error {
	if kind == ServiceAccount {
		c.ClientID = firstOf(c.ClientID, env(EnvClientID))
		c.ClientSecret = secret.Secret(firstOf(c.ClientSecret.Value(), env(EnvClientSecret)))
		return halfMissing("service account", "client_id", c.ClientID != "", EnvClientID, "client_secret", c.ClientSecret.IsSet(), EnvClientSecret)
	}
	c.PublicKey = firstOf(c.PublicKey, env(EnvPublicAPIKey))
	c.PrivateKey = secret.Secret(firstOf(c.PrivateKey.Value(), env(EnvPrivateAPIKey)))
	return halfMissing("API key", "public_key", c.PublicKey != "", EnvPublicAPIKey, "private_key", c.PrivateKey.IsSet(), EnvPrivateAPIKey)
}

func halfMissing(kind, k1 string, has1 bool, env1, k2 string, has2 bool, env2 string) error {
	switch {
	case has1 && !has2:
		return fmt.Errorf("%s: %s is set but %s is missing (configure %s or %s_file, or set %s)", k2, k1, k2, k2, k2, env2)
	case has2 && !has1:
		return fmt.Errorf("%s: %s is set but %s is missing (configure %s or set %s)", k1, k2, k1, k1, env1)
	case !has1 && !has2:
		return fmt.Errorf("%s: no %s credentials found", k1, kind)
	}
	return nil
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
