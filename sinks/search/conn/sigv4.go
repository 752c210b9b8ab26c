package conn

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
)

// awsLoadTimeout bounds the reading of the AWS configuration in New. It
// reads environment variables and files only (credentials are fetched
// per request), so it is generous.
const awsLoadTimeout = 30 * time.Second

// credentialHint tells the user where the SDK looks for credentials.
const credentialHint = "set sink.opensearch.aws.profile or AWS_PROFILE (run `aws sso login` for SSO profiles), " +
	"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an instance, task or pod (IRSA) role"

// emptySHA256 is the hex SHA-256 of no bytes, the payload hash of a
// request without a body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// sigV4Transport signs each request with AWS SigV4 and passes it to next.
// Credentials come from the SDK's cache, which refreshes them before they
// expire; every request is signed anew, so a request sent again (a retry)
// carries a fresh signature and date.
type sigV4Transport struct {
	next   http.RoundTripper
	creds  aws.CredentialsProvider
	signer *v4.Signer
	region string
	log    *slog.Logger

	mu     sync.Mutex
	source string // of the credentials last used, logged when it changes
}

// NewSigV4Transport loads the AWS configuration (region, profile,
// credential chain) and returns a transport that signs every request to
// the server at urls (what names it in logs) for Amazon OpenSearch Service
// and sends it through next. It fails when no region is known.
func NewSigV4Transport(cfg AWSConfig, urls []*url.URL, next http.RoundTripper, what string, log *slog.Logger) (http.RoundTripper, error) {
	return newSigV4Transport(cfg, urls, next, what, log)
}

func newSigV4Transport(cfg AWSConfig, urls []*url.URL, next http.RoundTripper, what string, log *slog.Logger) (*sigV4Transport, error) {
	ctx, cancel := context.WithTimeout(context.Background(), awsLoadTimeout)
	defer cancel()
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithLogger(sdkLogger{log}),
		// Refresh expiring credentials a minute early, so that a request
		// is never signed with credentials that lapse before it arrives.
		awsconfig.WithCredentialsCacheOptions(func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = time.Minute }),
	}
	if cfg.Region != "" {
		opts = append(opts, awsconfig.WithRegion(cfg.Region))
	}
	if cfg.Profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(cfg.Profile))
	}
	ac, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		key := "aws.sigv4"
		if cfg.Profile != "" {
			key = "aws.profile"
		}
		return nil, fmt.Errorf("%s: loading the AWS configuration (AWS_* variables, ~/.aws/config and ~/.aws/credentials): %w", key, err)
	}
	region, err := signingRegion(ac.Region, endpointRegion(urls), log)
	if err != nil {
		return nil, err
	}
	if ac.Credentials == nil {
		return nil, errors.New("aws.sigv4: the AWS SDK found no credential source; " + credentialHint)
	}
	log.Info("signing requests to "+what+" with AWS SigV4", "region", region, "service", sigV4Service, "profile", cfg.Profile)
	return &sigV4Transport{next: next, creds: ac.Credentials, signer: v4.NewSigner(), region: region, log: log}, nil
}

// signingRegion picks the configured region, else the endpoint's, and
// warns when the two differ: the domain would refuse every request.
func signingRegion(configured, endpoint string, log *slog.Logger) (string, error) {
	switch {
	case configured == "" && endpoint == "":
		return "", errors.New("aws.region: no AWS region is known for SigV4 signing: set sink.opensearch.aws.region (ASPAUDIT_SINK__OPENSEARCH__AWS__REGION) or AWS_REGION to the domain's region")
	case configured == "":
		return endpoint, nil
	case endpoint != "" && endpoint != configured:
		log.Warn("the AWS region differs from the region in the domain's endpoint: the domain will refuse the signatures; set sink.opensearch.aws.region",
			"region", configured, "endpoint_region", endpoint)
	}
	return configured, nil
}

// RoundTrip signs a copy of req (req itself is not changed) over the body
// as it is sent, compressed or not, and sends the copy. Errors never
// contain a secret key or session token.
func (t *sigV4Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	creds, err := t.creds.Retrieve(req.Context())
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("AWS credentials for SigV4: %w; %s", err, credentialHint)
	}
	t.noteSource(creds.Source)
	out := req.Clone(req.Context())
	hash, err := replayableBody(req, out)
	if err != nil {
		return nil, err
	}
	out.Header.Set("X-Amz-Content-Sha256", hash)
	if err := t.signer.SignHTTP(req.Context(), creds, out, hash, sigV4Service, t.region, time.Now()); err != nil {
		closeBody(out)
		return nil, fmt.Errorf("signing the request with SigV4: %w", err)
	}
	return t.next.RoundTrip(out)
}

// replayableBody gives out a body that can be read again (GetBody), with
// its exact length, and returns the body's hex SHA-256. A body with
// GetBody (bytes.Reader, bytes.Buffer, strings.Reader) is hashed from a
// copy GetBody makes and sent from another, without holding it in memory
// twice; any other body is read whole. req's body is closed, as a
// RoundTripper must.
func replayableBody(req, out *http.Request) (string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return emptySHA256, nil
	}
	defer req.Body.Close()
	h := sha256.New()
	if req.GetBody != nil {
		n, err := hashBody(req.GetBody, h)
		if err != nil {
			return "", err
		}
		if n == 0 {
			out.Body, out.GetBody, out.ContentLength = http.NoBody, nil, 0
			return emptySHA256, nil
		}
		if out.Body, err = req.GetBody(); err != nil {
			return "", fmt.Errorf("reading the request body to sign it: %w", err)
		}
		out.GetBody, out.ContentLength = req.GetBody, n
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return "", fmt.Errorf("reading the request body to sign it: %w", err)
	}
	if len(body) == 0 {
		out.Body, out.GetBody, out.ContentLength = http.NoBody, nil, 0
		return emptySHA256, nil
	}
	h.Write(body)
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out.Body, _ = out.GetBody()
	out.ContentLength = int64(len(body))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashBody writes a fresh copy of the body into h and returns its length.
func hashBody(getBody func() (io.ReadCloser, error), h io.Writer) (int64, error) {
	rc, err := getBody()
	if err != nil {
		return 0, fmt.Errorf("reading the request body to sign it: %w", err)
	}
	defer rc.Close()
	n, err := io.Copy(h, rc)
	if err != nil {
		return 0, fmt.Errorf("reading the request body to sign it: %w", err)
	}
	return n, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// noteSource logs where the credentials come from the first time and
// whenever that changes (never the keys themselves).
func (t *sigV4Transport) noteSource(source string) {
	t.mu.Lock()
	changed := source != t.source
	t.source = source
	t.mu.Unlock()
	if changed {
		t.log.Info("using AWS credentials for SigV4", "source", source)
	}
}

// sdkLogger passes the AWS SDK's few log lines (warnings about the shared
// config files) to slog. Request logging stays off in the SDK, so no
// signed request or credential reaches it.
type sdkLogger struct{ log *slog.Logger }

func (l sdkLogger) Logf(class logging.Classification, format string, v ...any) {
	msg := "AWS SDK: " + fmt.Sprintf(format, v...)
	if class == logging.Warn {
		l.log.Warn(msg)
		return
	}
	l.log.Debug(msg)
}
