package conn

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Config holds the options for reaching a cluster. The keys sit in the
// sink's section next to the bulk options.
type Config struct {
	// URLs are the cluster's nodes, tried in turn ("https://es1:9200").
	URLs []string `koanf:"urls"`
	// Credentials are the authentication and TLS options.
	Credentials `koanf:",squash"`
	// Timeout bounds one request, from sending to reading the whole answer.
	Timeout time.Duration `koanf:"timeout"`
	// AWS signs requests for Amazon OpenSearch Service (aws.sigv4). It is
	// here and not in Credentials, which Kibana shares too: Kibana is never
	// signed (OpenSearch Dashboards has its own, dashboards.OSDConfig).
	AWS AWSConfig `koanf:"aws"`
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
	errs = append(errs, c.Credentials.Validate(), c.AWS.Validate(c.Credentials, c.URLs))
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout: must not be negative"))
	}
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
