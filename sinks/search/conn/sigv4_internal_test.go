package conn

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// closeCounter records that a body was closed.
type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// TestSigV4CredentialFailureHidesSecrets signs with a static provider
// that holds a secret key and a session token but no access key id, so
// that Retrieve fails: the error, wrapped with advice, and the log must
// show neither, nothing may be sent, and the body must be closed.
func TestSigV4CredentialFailureHidesSecrets(t *testing.T) {
	const secret, token = "sEcReT/static+doNotLeak", "ToKeN/static+doNotLeak=="
	var logs bytes.Buffer
	tr := &sigV4Transport{
		next: roundTripperFunc(func(*http.Request) (*http.Response, error) {
			t.Fatal("a request was sent without credentials")
			return nil, nil
		}),
		creds:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("", secret, token)),
		signer: v4.NewSigner(),
		region: "eu-west-3",
		log:    slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	body := &closeCounter{Reader: strings.NewReader("{}")}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/_bulk", body)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.RoundTrip(req)
	if err == nil {
		t.Fatal("RoundTrip signed without an access key id")
	}
	for _, want := range []string{"AWS credentials for SigV4", "AWS_ACCESS_KEY_ID"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	for _, text := range []string{err.Error(), logs.String()} {
		if strings.Contains(text, "doNotLeak") {
			t.Errorf("a secret is shown: %s", text)
		}
	}
	if body.closed == 0 {
		t.Error("the request body was not closed")
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestEndpointRegion(t *testing.T) {
	parse := func(raws ...string) []*url.URL {
		var out []*url.URL
		for _, raw := range raws {
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, u)
		}
		return out
	}
	cases := []struct {
		urls []string
		want string
	}{
		{[]string{"https://search-audit-abc123.eu-west-3.es.amazonaws.com"}, "eu-west-3"},
		{[]string{"https://vpc-audit-abc123.us-gov-west-1.es.amazonaws.com:443"}, "us-gov-west-1"},
		{[]string{"https://search-audit-abc123.cn-north-1.es.amazonaws.com.cn"}, "cn-north-1"},
		{[]string{"https://search-a-1.eu-west-3.es.amazonaws.com", "https://search-b-2.eu-west-3.es.amazonaws.com"}, "eu-west-3"},
		{[]string{"https://search-a-1.eu-west-3.es.amazonaws.com", "https://search-b-2.us-east-1.es.amazonaws.com"}, ""},
		{[]string{"https://search-a-1.eu-west-3.es.amazonaws.com", "https://logs.example.com"}, ""},
		{[]string{"https://logs.example.com"}, ""},
		{[]string{"https://abc.eu-west-3.aoss.amazonaws.com"}, ""},
	}
	for _, tc := range cases {
		if got := endpointRegion(parse(tc.urls...)); got != tc.want {
			t.Errorf("endpointRegion(%v) = %q, want %q", tc.urls, got, tc.want)
		}
	}
}
