package dashboards

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/retry"
	"github.com/aspaudit/aspaudit/pipeline/secret"
)

// Config says how to reach Kibana (section "kibana") or OpenSearch
// Dashboards (section "dashboards"). The auth and TLS keys are those of
// the search sink's connection.
type Config struct {
	// URL is the base URL, with its base path if any
	// ("https://kibana.example.com:5601", "https://host/kibana"). Empty
	// means: do not import, print how to import by hand.
	URL string `koanf:"url"`
	// Username and Password are HTTP basic credentials.
	Username     string        `koanf:"username"`
	Password     secret.Secret `koanf:"password"`
	PasswordFile string        `koanf:"password_file"`
	// APIKey is the base64 "id:key" form sent as "Authorization: ApiKey"
	// (Kibana).
	APIKey     secret.Secret `koanf:"api_key"`
	APIKeyFile string        `koanf:"api_key_file"`
	// CAFile is a PEM file of certificate authorities to trust instead of
	// the system's.
	CAFile string `koanf:"ca_file"`
	// TLSInsecureSkipVerify turns off certificate verification; a warning
	// is logged whenever it is used.
	TLSInsecureSkipVerify bool `koanf:"tls_insecure_skip_verify"`
	// Space is the Kibana space to import into; empty is the default
	// space. Kibana only.
	Space string `koanf:"space"`
	// Timeout bounds one import request.
	Timeout time.Duration `koanf:"timeout"`
	// Retry governs retries while the server is starting or overloaded
	// (transport errors, 429, 5xx). Other errors are not retried.
	Retry retry.Policy `koanf:"retry"`
}

// NewDefaultConfig returns no URL (manual import), a one minute request
// timeout and retries for up to three minutes, long enough for a Kibana
// that is still starting.
func NewDefaultConfig() Config {
	p := retry.NewDefaultPolicy()
	p.Max = 15 * time.Second
	p.Budget = 3 * time.Minute
	return Config{Timeout: time.Minute, Retry: p}
}

// spaceID is Kibana's rule for space identifiers.
var spaceID = regexp.MustCompile(`^[a-z0-9_-]+$`)

// Validate reports every problem at once, each prefixed by its key.
func (c Config) Validate() error {
	var errs []error
	if c.URL != "" {
		if err := checkURL(c.URL); err != nil {
			errs = append(errs, fmt.Errorf("url: %w", err))
		}
	}
	if c.Password.IsSet() && c.PasswordFile != "" {
		errs = append(errs, errors.New("password_file: set either password or password_file, not both"))
	}
	if c.APIKey.IsSet() && c.APIKeyFile != "" {
		errs = append(errs, errors.New("api_key_file: set either api_key or api_key_file, not both"))
	}
	if (c.Password.IsSet() || c.PasswordFile != "") && c.Username == "" {
		errs = append(errs, errors.New("username: needed with password"))
	}
	if c.Username != "" && (c.APIKey.IsSet() || c.APIKeyFile != "") {
		errs = append(errs, errors.New("api_key: set either username/password or api_key, not both"))
	}
	if c.Space != "" && !spaceID.MatchString(c.Space) {
		errs = append(errs, fmt.Errorf("space: %q is not a space id (lower case letters, digits, _ and -)", c.Space))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout: must not be negative"))
	}
	if err := c.Retry.Validate(); err != nil {
		errs = append(errs, prefixAll("retry.", err))
	}
	return errors.Join(errs...)
}

// ResolveSecrets reads password_file and api_key_file into Password and
// APIKey. Errors name the key and the file, never a secret.
func (c *Config) ResolveSecrets() error {
	var errs []error
	if c.PasswordFile != "" {
		s, err := secret.FromFile(c.PasswordFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("password_file: %w", err))
		}
		c.Password = s
	}
	if c.APIKeyFile != "" {
		s, err := secret.FromFile(c.APIKeyFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("api_key_file: %w", err))
		}
		c.APIKey = s
	}
	return errors.Join(errs...)
}

// checkURL accepts absolute http and https URLs without query or fragment.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a valid URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want http://host:port or https://host:port", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q: must not have a query or a fragment", u.Redacted())
	}
	return nil
}

// prefixAll prefixes every line of a joined error with p.
func prefixAll(p string, err error) error {
	var out []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, fmt.Errorf("%s%w", p, e))
		}
		return errors.Join(out...)
	}
	return fmt.Errorf("%s%w", p, err)
}
