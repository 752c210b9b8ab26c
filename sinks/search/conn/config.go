package conn

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/secret"
)

// Config holds the options for reaching a cluster. The keys sit in the
// sink's section next to the bulk options.
type Config struct {
	// URLs are the cluster's nodes, tried in turn ("https://es1:9200").
	URLs []string `koanf:"urls"`
	// Username and Password are HTTP basic credentials.
	Username     string        `koanf:"username"`
	Password     secret.Secret `koanf:"password"`
	PasswordFile string        `koanf:"password_file"`
	// APIKey is the base64 "id:key" form sent as "Authorization: ApiKey".
	APIKey     secret.Secret `koanf:"api_key"`
	APIKeyFile string        `koanf:"api_key_file"`
	// CAFile is a PEM file of certificate authorities to trust instead of
	// the system's.
	CAFile string `koanf:"ca_file"`
	// TLSInsecureSkipVerify turns off certificate verification; a warning
	// is logged whenever it is used.
	TLSInsecureSkipVerify bool `koanf:"tls_insecure_skip_verify"`
	// Timeout bounds one request, from sending to reading the whole answer.
	Timeout time.Duration `koanf:"timeout"`
}

// NewDefaultConfig returns a local, unauthenticated cluster on port 9200
// with a one minute request timeout.
func NewDefaultConfig() Config {
	return Config{URLs: []string{"http://localhost:9200"}, Timeout: time.Minute}
}

// Validate reports every problem at once, each prefixed by its key.
func (c Config) Validate() error {
	var errs []error
	if len(c.URLs) == 0 {
		errs = append(errs, errors.New("urls: at least one URL is needed"))
	}
	for _, raw := range c.URLs {
		if _, err := parseURL(raw); err != nil {
			errs = append(errs, fmt.Errorf("urls: %w", err))
		}
	}
	if c.Password.IsSet() && c.PasswordFile != "" {
		errs = append(errs, errors.New("password_file: set either password or password_file, not both"))
	}
	if c.APIKey.IsSet() && c.APIKeyFile != "" {
		errs = append(errs, errors.New("api_key_file: set either api_key or api_key_file, not both"))
	}
	hasPassword := c.Password.IsSet() || c.PasswordFile != ""
	if hasPassword && c.Username == "" {
		errs = append(errs, errors.New("username: needed with password"))
	}
	if c.Username != "" && (c.APIKey.IsSet() || c.APIKeyFile != "") {
		errs = append(errs, errors.New("api_key: set either username/password or api_key, not both"))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout: must not be negative"))
	}
	return errors.Join(errs...)
}

// ResolveSecrets reads password_file and api_key_file into Password and
// APIKey and clears the file fields, so that the result validates. Errors
// name the key and the file, never a secret. Setting both a secret and its
// file is an error here too.
func (c *Config) ResolveSecrets() error {
	var errs []error
	resolve := func(key string, value *secret.Secret, file *string) {
		if *file == "" {
			return
		}
		if value.IsSet() {
			errs = append(errs, fmt.Errorf("%s_file: set either %s or %s_file, not both", key, key, key))
			return
		}
		s, err := secret.FromFile(*file)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s_file: %w", key, err))
			return
		}
		*value, *file = s, ""
	}
	resolve("password", &c.Password, &c.PasswordFile)
	resolve("api_key", &c.APIKey, &c.APIKeyFile)
	return errors.Join(errs...)
}

// parseURL accepts absolute http and https URLs only.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("an entry is not a valid URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q: want http://host:port or https://host:port", redactURL(u))
	}
	return u, nil
}

// redactURL hides a password embedded in a URL.
func redactURL(u *url.URL) string { return u.Redacted() }
