package conn

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// AWSConfig signs the cluster's requests with AWS Signature Version 4, for
// Amazon OpenSearch Service domains whose access policy names IAM
// principals. Its keys sit under "aws" in the sink's section, and in the
// OpenSearch Dashboards section for the domain's Dashboards (see
// NewSigV4Transport). Kibana is never signed.
type AWSConfig struct {
	// SigV4 turns signing on. Credentials come from the AWS SDK's default
	// chain: environment, shared config and credentials files (profiles,
	// SSO, credential_process), web identity (EKS IRSA), ECS task role,
	// EC2 instance role.
	SigV4 bool `koanf:"sigv4"`
	// Region is the domain's region ("eu-west-1"). Empty: AWS_REGION,
	// AWS_DEFAULT_REGION or the profile's region, else the region in the
	// domain's endpoint name.
	Region string `koanf:"region"`
	// Profile is the shared-config profile to use. Empty: AWS_PROFILE, else
	// "default".
	Profile string `koanf:"profile"`
}

// sigV4Service is the signing name of Amazon OpenSearch Service domains.
// Serverless collections sign as "aoss" and are not supported.
const sigV4Service = "es"

// regionName matches the shape of AWS region names (us-east-1,
// us-gov-west-1, eusc-de-east-1) without listing them, so that new
// regions need no release; it catches "US East" and "eu-west".
var regionName = regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)*-[0-9]+$`)

// Validate reports the AWS options' problems, each prefixed by its key,
// given the other credentials and the URLs of the same server.
// Region and profile without sigv4 are errors rather than warnings: they
// say the user meant to sign, and sending unsigned requests to an IAM
// domain would only end in 403 answers that no longer name the key.
func (a AWSConfig) Validate(cred Credentials, urls []string) error {
	var errs []error
	if !a.SigV4 {
		if a.Region != "" {
			errs = append(errs, errors.New("aws.region: only used with aws.sigv4: true; turn signing on or remove the key"))
		}
		if a.Profile != "" {
			errs = append(errs, errors.New("aws.profile: only used with aws.sigv4: true; turn signing on or remove the key"))
		}
		return errors.Join(errs...)
	}
	if cred.Username != "" || cred.Password.IsSet() || cred.PasswordFile != "" {
		errs = append(errs, errors.New("aws.sigv4: signed requests carry no username/password; pick one: aws.sigv4 (IAM) or username/password (fine-grained access control's internal users)"))
	}
	if cred.APIKey.IsSet() || cred.APIKeyFile != "" {
		errs = append(errs, errors.New("aws.sigv4: signed requests carry no API key; pick one: aws.sigv4 or api_key"))
	}
	if a.Region != "" && !regionName.MatchString(a.Region) {
		errs = append(errs, fmt.Errorf("aws.region: %q is not an AWS region name such as eu-west-1", a.Region))
	}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err == nil && strings.HasSuffix(strings.ToLower(u.Hostname()), ".aoss.amazonaws.com") {
			errs = append(errs, fmt.Errorf("urls: %s is an OpenSearch Serverless collection, which aspaudit does not support (it needs _nodes, index templates and its own document ids); use a managed domain", u.Hostname()))
		}
	}
	return errors.Join(errs...)
}

// domainHost matches the endpoints of managed domains:
// search-<domain>-<id>.<region>.es.amazonaws.com (vpc- for VPC domains,
// .com.cn in China).
var domainHost = regexp.MustCompile(`^[^.]+\.([a-z0-9-]+)\.es\.amazonaws\.com(\.cn)?$`)

// endpointRegion returns the region named by the URLs' hosts when all of
// them are managed-domain endpoints of the same region, else "".
func endpointRegion(urls []*url.URL) string {
	region := ""
	for _, u := range urls {
		m := domainHost.FindStringSubmatch(strings.ToLower(u.Hostname()))
		if m == nil || (region != "" && m[1] != region) {
			return ""
		}
		region = m[1]
	}
	return region
}
