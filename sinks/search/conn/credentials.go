package conn

import (
	"errors"
	"fmt"

	"github.com/aspaudit/aspaudit/pipeline/secret"
)

// Credentials say how aspaudit authenticates to a server (the cluster,
// Kibana, OpenSearch Dashboards) and which certificates it trusts. Their
// keys sit in the section of the server they belong to.
type Credentials struct {
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
}

// Validate reports every problem at once, each prefixed by its key.
func (c Credentials) Validate() error {
	var errs []error
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
	return errors.Join(errs...)
}

// ResolveSecrets reads password_file and api_key_file into Password and
// APIKey and clears the file fields, so that the result validates. Errors
// name the key and the file, never a secret. Setting both a secret and its
// file is an error here too.
func (c *Credentials) ResolveSecrets() error {
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
