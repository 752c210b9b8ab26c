package dashboards

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// Config says how to reach Kibana (section "kibana") or OpenSearch
// Dashboards (section "dashboards"). The auth and TLS keys are those of
// the search sink's connection.
type Config struct {
	// URL is the base URL, with its base path if any
	// ("https://kibana.example.com:5601", "https://host/kibana"). Empty
	// means: do not import, print how to import by hand.
	URL string `koanf:"url"`
	// Credentials are the authentication and TLS options, as for the
	// search sink (api_key is Kibana's "Authorization: ApiKey").
	conn.Credentials `koanf:",squash"`
	// Space is the Kibana space to import into; empty is the default
	// space. Kibana only.
	Space string `koanf:"space"`
	// SecuritySolution makes setup add the index pattern to Kibana's
	// securitySolution:defaultIndex advanced setting (in Space), so that
	// Elastic Security's views, timelines and rules see aspaudit's events.
	// It only adds: patterns already there stay. Kibana only.
	SecuritySolution bool `koanf:"security_solution"`
	// Timeout bounds one import request.
	Timeout time.Duration `koanf:"timeout"`
	// Retry governs retries while the server is starting or overloaded
	// (transport errors, 429, 5xx). Other errors are not retried.
	Retry retry.Policy `koanf:"retry"`
}

// OSDConfig is the OpenSearch Dashboards section: Config, plus AWS SigV4
// signing for the Dashboards of an Amazon OpenSearch Service domain whose
// access policy names IAM principals (keys under "aws", as for the sink).
type OSDConfig struct {
	Config `koanf:",squash"`
	AWS    conn.AWSConfig `koanf:"aws"`
}

// NewDefaultOSDConfig returns NewDefaultConfig without signing.
func NewDefaultOSDConfig() OSDConfig { return OSDConfig{Config: NewDefaultConfig()} }

// Validate reports every problem at once, each prefixed by its key.
func (c OSDConfig) Validate() error {
	var urls []string
	if c.URL != "" {
		urls = []string{c.URL}
	}
	var errs []error
	if c.SecuritySolution {
		errs = append(errs, errors.New("security_solution: Elastic Security is a Kibana feature; set it under kibana"))
	}
	return errors.Join(append(errs, c.Config.Validate(), c.AWS.Validate(c.Credentials, urls))...)
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
	errs = append(errs, c.Credentials.Validate())
	if c.Space != "" && !spaceID.MatchString(c.Space) {
		errs = append(errs, fmt.Errorf("space: %q is not a space id (lower case letters, digits, _ and -)", c.Space))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout: must not be negative"))
	}
	if err := c.Retry.Validate(); err != nil {
		errs = append(errs, pipeline.PrefixErrors("retry.", err))
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
