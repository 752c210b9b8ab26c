package conn_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/conn/sigv4test"
)

// The test's AWS identity. The secret and the token contain characters
// that encodings change (/ + =), so that a leak is found in any form the
// tests look at.
const (
	testAccessKey = "AKIAASPAUDITTEST0001"
	testSecret    = "sEcReT/aspaudit+SigV4/doNotLeak00000000"
	testToken     = "ToKeN//aspaudit+session+doNotLeak=="
	testRegion    = "eu-west-3"
)

// isolateAWS: see sigv4test.IsolateEnv.
func isolateAWS(t *testing.T) string { return sigv4test.IsolateEnv(t) }

// setAWSKeys puts the test's key pair (with secret), the token when not
// empty and the region in the environment, as a user or a task role would.
func setAWSKeys(t *testing.T, secret, token string) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", testAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_REGION", testRegion)
	if token != "" {
		t.Setenv("AWS_SESSION_TOKEN", token)
	}
}

// fakeDomain answers like an IAM-only Amazon OpenSearch Service domain:
// 403 for any request whose signature does not verify for the test's key,
// whose X-Amz-Content-Sha256 is not the hash of the body received, whose
// date is off, or that lacks the expected session token.
type fakeDomain struct {
	srv   *httptest.Server
	key   sigv4test.Key
	token string

	mu       sync.Mutex
	accepted []received
	refused  []string
}

// received is a request that verified: the request as the server saw it,
// its body as sent, and that body decompressed.
type received struct {
	req           *http.Request
	body, decoded []byte
}

func newFakeDomain(t *testing.T, token string) *fakeDomain {
	t.Helper()
	d := &fakeDomain{key: sigv4test.Key{AccessKey: testAccessKey, Secret: testSecret, Region: testRegion, Service: "es"}, token: token}
	d.srv = httptest.NewServer(d)
	t.Cleanup(d.srv.Close)
	return d
}

func (d *fakeDomain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = d.check(r, body, time.Now())
	}
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		d.mu.Lock()
		d.refused = append(d.refused, err.Error())
		d.mu.Unlock()
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"The request signature we calculated does not match the signature you provided."}`))
		return
	}
	decoded := body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			decoded, err = io.ReadAll(zr)
		}
		if err != nil {
			http.Error(w, `{"error":"bad gzip"}`, http.StatusBadRequest)
			return
		}
	}
	d.mu.Lock()
	d.accepted = append(d.accepted, received{req: r.Clone(context.WithoutCancel(r.Context())), body: body, decoded: decoded})
	d.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/":
		// As Elasticsearch's integ-test builds do: Detect then asks
		// GET /_nodes/_local, a request with a query string.
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":"no handler found for uri [/] and method [GET]"}`))
	case r.URL.Path == "/_nodes/_local":
		_, _ = w.Write([]byte(`{"nodes":{"n1":{"version":"2.19.1"}}}`))
	case r.URL.Path == "/_bulk":
		_, _ = w.Write([]byte(`{"took":1,"errors":false,"items":[]}`))
	default:
		_, _ = w.Write([]byte(`{"found":false}`))
	}
}

// check is the domain's policy on top of the signature.
func (d *fakeDomain) check(r *http.Request, body []byte, now time.Time) error {
	if err := sigv4test.Verify(r, body, d.key, now); err != nil {
		return err
	}
	if got := r.Header.Get("X-Amz-Content-Sha256"); got != sigv4test.HexSHA256(body) {
		return fmt.Errorf("X-Amz-Content-Sha256 %q is not the SHA-256 of the %d bytes received", got, len(body))
	}
	_, auth, _ := strings.Cut(r.Header.Get("Authorization"), "SignedHeaders=")
	signed := strings.Split(strings.TrimSpace(strings.Split(auth, ",")[0]), ";")
	need := []string{"host", "x-amz-content-sha256", "x-amz-date"}
	for _, h := range []string{"Content-Type", "Content-Encoding", "X-Amz-Security-Token"} {
		if r.Header.Get(h) != "" {
			need = append(need, strings.ToLower(h))
		}
	}
	for _, h := range need {
		if !slices.Contains(signed, h) {
			return fmt.Errorf("header %s is not signed (signed: %v)", h, signed)
		}
	}
	if got := r.Header.Get("X-Amz-Security-Token"); got != d.token {
		return fmt.Errorf("X-Amz-Security-Token is %d bytes, want the session's %d", len(got), len(d.token))
	}
	return nil
}

func (d *fakeDomain) results() ([]received, []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.accepted), slices.Clone(d.refused)
}

// signingConfig is a client configuration for url with signing on.
func signingConfig(url string) conn.Config {
	return conn.Config{URLs: []string{url}, Timeout: 30 * time.Second, AWS: conn.AWSConfig{SigV4: true}}
}

func newSigningClient(t *testing.T, cfg conn.Config, log *slog.Logger) *conn.Client {
	t.Helper()
	c, err := conn.New(cfg, log)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const bulkBody = `{"create":{"_index":"atlas-streams-audit-2026.11","_id":"a"}}
{"message":"one"}
`

// bulk posts body as the bulk sink does, gzipped when gz.
func bulk(ctx context.Context, c *conn.Client, body io.Reader, gz bool) (int, error) {
	h := http.Header{"Content-Type": {"application/x-ndjson"}}
	if gz {
		h.Set("Content-Encoding", "gzip")
	}
	res, err := esapi.BulkRequest{Body: body, Header: h}.Do(ctx, c)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, nil
}

// readerOnly hides a reader's type, so that http.NewRequest knows neither
// its length nor how to read it again (no GetBody).
type readerOnly struct{ io.Reader }

// TestSigV4Requests sends every kind of request aspaudit sends through a
// signing client and checks that the fake domain verified each one.
func TestSigV4Requests(t *testing.T) {
	isolateAWS(t)
	setAWSKeys(t, testSecret, "")
	d := newFakeDomain(t, "")
	c := newSigningClient(t, signingConfig(d.srv.URL), nil)
	ctx := context.Background()

	s, err := c.Detect(ctx) // GET / (404), then GET /_nodes/_local?filter_path=nodes.%2A.version
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	if s.Flavor != conn.OpenSearch || s.Version != "2.19.1" {
		t.Fatalf("Detect = %+v", s)
	}
	// A path with escapes: the canonical URI encodes it a second time.
	a, err := conn.Call(ctx, c, http.MethodGet, "/aspaudit-state/_doc/ws:a%20b", nil, nil, 1<<20)
	if err != nil || !a.OK() {
		t.Fatalf("GET with an escaped path: %+v, %v", a, err)
	}
	// The same gzipped body sent twice, as the sink's retry does.
	gz := gzipped(t, []byte(bulkBody))
	for i := range 2 {
		if status, err := bulk(ctx, c, bytes.NewReader(gz), true); err != nil || status != http.StatusOK {
			t.Fatalf("gzipped bulk, send %d: status %d, %v", i+1, status, err)
		}
	}
	// A body of unknown length that cannot be read again.
	if status, err := bulk(ctx, c, readerOnly{strings.NewReader(bulkBody)}, false); err != nil || status != http.StatusOK {
		t.Fatalf("bulk without GetBody: status %d, %v", status, err)
	}

	accepted, refused := d.results()
	if len(refused) > 0 {
		t.Fatalf("the domain refused requests: %q", refused)
	}
	var got []string
	for _, r := range accepted {
		got = append(got, r.req.Method+" "+r.req.RequestURI)
	}
	want := []string{
		"GET /", "GET /_nodes/_local?filter_path=nodes.%2A.version", "GET /aspaudit-state/_doc/ws:a%20b",
		"POST /_bulk", "POST /_bulk", "POST /_bulk",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("requests verified:\n%q\nwant\n%q", got, want)
	}
	for i, r := range accepted[3:] {
		if string(r.decoded) != bulkBody {
			t.Errorf("bulk %d: the domain read %q", i+1, r.decoded)
		}
		if gz := i < 2; gz != (r.req.Header.Get("Content-Encoding") == "gzip") || gz != !bytes.Equal(r.body, r.decoded) {
			t.Errorf("bulk %d: Content-Encoding %q with %d bytes sent", i+1, r.req.Header.Get("Content-Encoding"), len(r.body))
		}
		if r.req.ContentLength != int64(len(r.body)) {
			t.Errorf("bulk %d: Content-Length %d for %d bytes", i+1, r.req.ContentLength, len(r.body))
		}
	}
}

// TestSigV4SameRequestTwice performs one *http.Request twice and checks
// that the signer changed nothing in it: the second send is signed anew
// and verifies too.
func TestSigV4SameRequestTwice(t *testing.T) {
	isolateAWS(t)
	setAWSKeys(t, testSecret, "")
	d := newFakeDomain(t, "")
	c := newSigningClient(t, signingConfig(d.srv.URL), nil)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "/_bulk", bytes.NewReader(gzipped(t, []byte(bulkBody))))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Content-Encoding", "gzip")
	for i := range 2 {
		res, err := c.Perform(req)
		if err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("send %d: status %d", i+1, res.StatusCode)
		}
		for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Content-Sha256", "X-Amz-Security-Token"} {
			if v := req.Header.Get(h); v != "" {
				t.Fatalf("send %d: the caller's request gained %s", i+1, h)
			}
		}
	}
	accepted, refused := d.results()
	if len(accepted) != 2 || len(refused) != 0 {
		t.Fatalf("%d verified, refused %q", len(accepted), refused)
	}
	for i, r := range accepted {
		if string(r.decoded) != bulkBody {
			t.Errorf("send %d: the domain read %q", i+1, r.decoded)
		}
	}
}

// TestSigV4Concurrent sends bulk requests from several goroutines at once,
// as the sink's senders do (run with -race).
func TestSigV4Concurrent(t *testing.T) {
	isolateAWS(t)
	setAWSKeys(t, testSecret, testToken)
	d := newFakeDomain(t, testToken)
	c := newSigningClient(t, signingConfig(d.srv.URL), nil)
	gz := gzipped(t, []byte(bulkBody))
	const senders, each = 8, 5
	errs := make(chan error, senders*each)
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for range each {
				if status, err := bulk(context.Background(), c, bytes.NewReader(gz), true); err != nil || status != http.StatusOK {
					errs <- fmt.Errorf("status %d, %w", status, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if accepted, refused := d.results(); len(accepted) != senders*each || len(refused) != 0 {
		t.Fatalf("%d of %d verified, refused %q", len(accepted), senders*each, refused)
	}
}

// TestSigV4SessionToken checks that temporary credentials send their
// token as X-Amz-Security-Token, covered by the signature.
func TestSigV4SessionToken(t *testing.T) {
	isolateAWS(t)
	setAWSKeys(t, testSecret, testToken)
	d := newFakeDomain(t, testToken)
	c := newSigningClient(t, signingConfig(d.srv.URL), nil)
	if _, err := c.Detect(context.Background()); err != nil {
		t.Fatalf("Detect: %v", err)
	}
	if status, err := bulk(context.Background(), c, bytes.NewReader(gzipped(t, []byte(bulkBody))), true); err != nil || status != http.StatusOK {
		t.Fatalf("bulk: status %d, %v", status, err)
	}
	accepted, refused := d.results()
	if len(accepted) != 3 || len(refused) != 0 {
		t.Fatalf("%d verified, refused %q", len(accepted), refused)
	}
	// The fake demands the token, signed; a domain expecting none refuses it.
	d.token = ""
	if _, err := c.Detect(context.Background()); !isStatus(err, http.StatusForbidden) {
		t.Fatalf("a token the domain did not expect: %v", err)
	}
}

func isStatus(err error, status int) bool {
	var se *conn.StatusError
	return errors.As(err, &se) && se.Status == status
}

// TestSigV4NegativeControls proves that the fake domain refuses what
// would be refused for real, so that the tests above can fail.
func TestSigV4NegativeControls(t *testing.T) {
	ctx := context.Background()
	refusedWith := func(t *testing.T, d *fakeDomain, err error, reason string) {
		t.Helper()
		if !isStatus(err, http.StatusForbidden) {
			t.Fatalf("want a 403 from the domain, got %v", err)
		}
		_, refused := d.results()
		if len(refused) == 0 || !strings.Contains(refused[0], reason) {
			t.Fatalf("refused for %q, want %q", refused, reason)
		}
	}
	t.Run("wrong secret", func(t *testing.T) {
		isolateAWS(t)
		setAWSKeys(t, testSecret+"x", "")
		d := newFakeDomain(t, "")
		_, err := newSigningClient(t, signingConfig(d.srv.URL), nil).Detect(ctx)
		refusedWith(t, d, err, "signature does not match")
	})
	t.Run("wrong region", func(t *testing.T) {
		isolateAWS(t)
		setAWSKeys(t, testSecret, "")
		t.Setenv("AWS_REGION", "us-east-1")
		d := newFakeDomain(t, "")
		_, err := newSigningClient(t, signingConfig(d.srv.URL), nil).Detect(ctx)
		refusedWith(t, d, err, "scope region")
	})
	below := func(t *testing.T, d *fakeDomain, change func(*http.Request) error) *conn.Client {
		t.Helper()
		c, err := conn.NewBelowSigner(signingConfig(d.srv.URL), nil, func(next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if err := change(r); err != nil {
					return nil, err
				}
				return next.RoundTrip(r)
			})
		})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		t.Cleanup(func() { _ = c.Close(context.Background()) })
		return c
	}
	t.Run("body changed after signing", func(t *testing.T) {
		isolateAWS(t)
		setAWSKeys(t, testSecret, "")
		d := newFakeDomain(t, "")
		c := below(t, d, func(r *http.Request) error {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return err
			}
			b[len(b)-2] ^= 1 // one bit of one byte, same length
			r.Body = io.NopCloser(bytes.NewReader(b))
			return nil
		})
		a, err := conn.Call(ctx, c, http.MethodPost, "/_bulk", nil, []byte(bulkBody), 1<<20)
		if err != nil || a.Status != http.StatusForbidden {
			t.Fatalf("status %d, %v; want 403", a.Status, err)
		}
		_, refused := d.results()
		if len(refused) != 1 || !strings.Contains(refused[0], "signature does not match") {
			t.Fatalf("refused for %q", refused)
		}
	})
	t.Run("signed header removed after signing", func(t *testing.T) {
		isolateAWS(t)
		setAWSKeys(t, testSecret, "")
		d := newFakeDomain(t, "")
		c := below(t, d, func(r *http.Request) error { r.Header.Del("Content-Encoding"); return nil })
		status, err := bulk(ctx, c, bytes.NewReader(gzipped(t, []byte(bulkBody))), true)
		if err != nil || status != http.StatusForbidden {
			t.Fatalf("status %d, %v; want 403", status, err)
		}
		_, refused := d.results()
		if len(refused) != 1 || !strings.Contains(refused[0], `"content-encoding" was not received`) {
			t.Fatalf("refused for %q", refused)
		}
	})
	t.Run("date off", func(t *testing.T) {
		isolateAWS(t)
		setAWSKeys(t, testSecret, "")
		d := newFakeDomain(t, "")
		if _, err := newSigningClient(t, signingConfig(d.srv.URL), nil).Detect(ctx); err != nil {
			t.Fatalf("Detect: %v", err)
		}
		accepted, _ := d.results()
		r := accepted[len(accepted)-1]
		if err := d.check(r.req, r.body, time.Now()); err != nil {
			t.Fatalf("a verified request no longer verifies: %v", err)
		}
		for _, off := range []time.Duration{-6 * time.Minute, 6 * time.Minute} {
			if err := d.check(r.req, r.body, time.Now().Add(off)); err == nil || !strings.Contains(err.Error(), "X-Amz-Date") {
				t.Errorf("checked %s later: %v, want a date error", off, err)
			}
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// noSecrets fails when text holds the test's secret key or session token,
// whole or in part.
func noSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{testSecret, testToken, "doNotLeak"} {
		if strings.Contains(text, s) {
			t.Errorf("%s reveals a secret: %s", what, text)
		}
	}
}

// TestSigV4SecretsNeverShown checks the log of a working client and the
// error and log of a client whose credentials cannot be had.
func TestSigV4SecretsNeverShown(t *testing.T) {
	ctx := context.Background()
	t.Run("working", func(t *testing.T) {
		isolateAWS(t)
		setAWSKeys(t, testSecret, testToken)
		d := newFakeDomain(t, testToken)
		var logs syncBuffer
		c := newSigningClient(t, signingConfig(d.srv.URL), debugLogger(&logs))
		if _, err := c.Detect(ctx); err != nil {
			t.Fatalf("Detect: %v", err)
		}
		out := logs.String()
		if !strings.Contains(out, "region="+testRegion) || !strings.Contains(out, "source=EnvConfigCredentials") {
			t.Errorf("the log does not say how requests are signed:\n%s", out)
		}
		noSecrets(t, "the log", out)
	})
	t.Run("no access key id", func(t *testing.T) {
		isolateAWS(t)
		t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
		t.Setenv("AWS_SESSION_TOKEN", testToken)
		t.Setenv("AWS_REGION", testRegion)
		d := newFakeDomain(t, "")
		var logs syncBuffer
		c := newSigningClient(t, signingConfig(d.srv.URL), debugLogger(&logs))
		_, err := c.Detect(ctx)
		if err == nil || !strings.Contains(err.Error(), "AWS credentials for SigV4") || !strings.Contains(err.Error(), "AWS_PROFILE") {
			t.Fatalf("Detect without credentials: %v", err)
		}
		noSecrets(t, "the error", err.Error())
		noSecrets(t, "the log", logs.String())
		if accepted, refused := d.results(); len(accepted)+len(refused) > 0 {
			t.Fatal("a request without credentials was sent")
		}
	})
	t.Run("profile with half a key pair", func(t *testing.T) {
		dir := isolateAWS(t)
		t.Setenv("AWS_REGION", testRegion)
		creds := "[half]\naws_secret_access_key = " + testSecret + "\naws_session_token = " + testToken + "\n"
		if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
			t.Fatal(err)
		}
		d := newFakeDomain(t, "")
		cfg := signingConfig(d.srv.URL)
		cfg.AWS.Profile = "half"
		var logs syncBuffer
		c, err := conn.New(cfg, debugLogger(&logs))
		if err == nil {
			defer c.Close(ctx)
			_, err = c.Detect(ctx)
		}
		if err == nil {
			t.Fatal("half a key pair was accepted")
		}
		noSecrets(t, "the error", err.Error())
		noSecrets(t, "the log", logs.String())
	})
}

// TestSigV4Region checks where the signing region comes from.
func TestSigV4Region(t *testing.T) {
	const endpoint = "https://search-audit-abc123def.eu-west-3.es.amazonaws.com"
	newLogged := func(t *testing.T, cfg conn.Config) (*conn.Client, string, error) {
		t.Helper()
		var logs syncBuffer
		c, err := conn.New(cfg, debugLogger(&logs))
		if err == nil {
			t.Cleanup(func() { _ = c.Close(context.Background()) })
		}
		return c, logs.String(), err
	}
	t.Run("none", func(t *testing.T) {
		isolateAWS(t)
		_, _, err := newLogged(t, signingConfig("http://127.0.0.1:9200"))
		if err == nil || !strings.Contains(err.Error(), "sink.opensearch.aws.region") || !strings.Contains(err.Error(), "AWS_REGION") {
			t.Fatalf("New without a region: %v", err)
		}
	})
	t.Run("from the endpoint", func(t *testing.T) {
		isolateAWS(t)
		_, logs, err := newLogged(t, signingConfig(endpoint)) // New sends nothing
		if err != nil || !strings.Contains(logs, "region=eu-west-3") {
			t.Fatalf("New: %v; log:\n%s", err, logs)
		}
	})
	t.Run("differs from the endpoint", func(t *testing.T) {
		isolateAWS(t)
		t.Setenv("AWS_REGION", "us-east-1")
		_, logs, err := newLogged(t, signingConfig(endpoint))
		if err != nil || !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "endpoint_region=eu-west-3") {
			t.Fatalf("New: %v; log:\n%s", err, logs)
		}
	})
	t.Run("key over environment", func(t *testing.T) {
		isolateAWS(t)
		setAWSKeys(t, testSecret, "")
		t.Setenv("AWS_REGION", "us-east-1")
		d := newFakeDomain(t, "")
		cfg := signingConfig(d.srv.URL)
		cfg.AWS.Region = testRegion
		if _, err := newSigningClient(t, cfg, nil).Detect(context.Background()); err != nil {
			t.Fatalf("Detect: %v", err)
		}
	})
	t.Run("profile", func(t *testing.T) {
		dir := isolateAWS(t)
		files := map[string]string{
			"config":      "[profile audit]\nregion = " + testRegion + "\n",
			"credentials": "[audit]\naws_access_key_id = " + testAccessKey + "\naws_secret_access_key = " + testSecret + "\n",
		}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		d := newFakeDomain(t, "")
		cfg := signingConfig(d.srv.URL)
		cfg.AWS.Profile = "audit"
		if _, err := newSigningClient(t, cfg, nil).Detect(context.Background()); err != nil {
			t.Fatalf("Detect with sink.aws.profile: %v", err)
		}
		t.Setenv("AWS_PROFILE", "audit")
		if _, err := newSigningClient(t, signingConfig(d.srv.URL), nil).Detect(context.Background()); err != nil {
			t.Fatalf("Detect with AWS_PROFILE: %v", err)
		}
		cfg.AWS.Profile = "nope"
		if _, err := conn.New(cfg, nil); err == nil || !strings.HasPrefix(err.Error(), "aws.profile:") {
			t.Fatalf("an unknown profile: %v", err)
		}
	})
}

// TestAWSConfigValidate checks the AWS keys' rules, each error naming its
// key.
func TestAWSConfigValidate(t *testing.T) {
	base := func() conn.Config { return signingConfig("https://search-a-b.eu-west-3.es.amazonaws.com") }
	cases := []struct {
		name   string
		change func(*conn.Config)
		want   []string // substrings of the error; none: valid
	}{
		{"sigv4 alone", func(*conn.Config) {}, nil},
		{"sigv4 with region and profile", func(c *conn.Config) { c.AWS.Region, c.AWS.Profile = "us-gov-west-1", "audit" }, nil},
		{"sigv4 and basic", func(c *conn.Config) { c.Username, c.Password = "u", "p" },
			[]string{"aws.sigv4:", "username/password", "pick one"}},
		{"sigv4 and password file", func(c *conn.Config) { c.Username, c.PasswordFile = "u", "/run/pw" },
			[]string{"aws.sigv4:", "username/password"}},
		{"sigv4 and api key", func(c *conn.Config) { c.APIKeyFile = "/run/key" }, []string{"aws.sigv4:", "api_key"}},
		{"region without sigv4", func(c *conn.Config) { c.AWS.SigV4, c.AWS.Region = false, "eu-west-3" },
			[]string{"aws.region:", "aws.sigv4: true"}},
		{"profile without sigv4", func(c *conn.Config) { c.AWS.SigV4, c.AWS.Profile = false, "audit" },
			[]string{"aws.profile:", "aws.sigv4: true"}},
		{"bad region", func(c *conn.Config) { c.AWS.Region = "EU West" }, []string{`aws.region: "EU West"`}},
		{"serverless", func(c *conn.Config) { c.URLs = []string{"https://abc123.eu-west-3.aoss.amazonaws.com"} },
			[]string{"urls:", "Serverless"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.change(&c)
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if _, nerr := conn.New(c, nil); nerr == nil {
				t.Error("New accepted it")
			}
		})
	}
	// Off with nothing set is the default and valid.
	if err := (conn.Config{URLs: []string{"http://localhost:9200"}}).Validate(); err != nil {
		t.Fatalf("default: %v", err)
	}
}
