package atlas

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
	"github.com/aspaudit/aspaudit/pipeline/secret"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

const (
	testProject  = "5f1a2b3c4d5e6f7a8b9c0d1e"
	testClientID = "mdb_sa_id_0123456789"
	testSecret   = "mdb_sa_sk_secretvalue"
	testPublic   = "abcdefgh"
	testPrivate  = "01234567-89ab-cdef-0123-456789abcdef"
)

var (
	day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day1 = day0.Add(24 * time.Hour)
)

// fastPolicy keeps retries in tests at millisecond scale.
var fastPolicy = retry.Policy{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond, Multiplier: 2, Budget: 30 * time.Second}

// fastBucket paces the client far above what tests send, unless a test
// models a bucket itself.
var fastBucket = Bucket{Capacity: 20000, Refill: 10000, Every: time.Second, Share: 1}

func fakeConfig() atlastest.Config {
	return atlastest.Config{ClientID: testClientID, ClientSecret: testSecret, PublicKey: testPublic, PrivateKey: testPrivate, Seed: 7}
}

// serviceAccount returns a resolved configuration for the fake at url.
func serviceAccount(url string) Config {
	c := NewDefaultConfig()
	c.BaseURL = url
	c.ClientID, c.ClientSecret = testClientID, secret.Secret(testSecret)
	c.RateLimit, c.RateBurst = 1000, 100
	c.Bucket = fastBucket
	c.Retry = fastPolicy
	c.Timeouts.IdleRead = 5 * time.Second
	return c
}

func apiKey(url string) Config {
	c := serviceAccount(url)
	c.ClientID, c.ClientSecret = "", ""
	c.PublicKey, c.PrivateKey = testPublic, secret.Secret(testPrivate)
	return c
}

func newClient(t *testing.T, cfg Config, opts Options) *Client {
	t.Helper()
	c, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func window(ws string, start, end time.Time) pipeline.Window {
	return pipeline.Window{Series: pipeline.Series{ProjectID: testProject, Workspace: ws}, Start: start, End: end}
}

// fetchLines fetches w once and splits the stream into lines (without
// their "\n"), failing on any error.
func fetchLines(t *testing.T, c *Client, w pipeline.Window) []string {
	t.Helper()
	lines, err := tryFetchLines(context.Background(), c, w)
	if err != nil {
		t.Fatalf("fetching %s: %v", w, err)
	}
	return lines
}

func tryFetchLines(ctx context.Context, c *Client, w pipeline.Window) ([]string, error) {
	rc, err := c.Fetch(ctx, w)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var lines []string
	br := bufio.NewReaderSize(rc, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			lines = append(lines, strings.TrimSuffix(line, "\n"))
		}
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// texts returns the lines' texts in [start, end), for processor if set.
func texts(lines []atlastest.Line, start, end time.Time, processor string) []string {
	var out []string
	for _, l := range lines {
		if !l.Time.Before(start) && l.Time.Before(end) && (processor == "" || l.Processor == processor) {
			out = append(out, l.Text)
		}
	}
	return out
}

func requestsTo(f *atlastest.Fake, endpoint string) []atlastest.Request {
	var out []atlastest.Request
	for _, r := range f.Requests() {
		if r.Endpoint == endpoint {
			out = append(out, r)
		}
	}
	return out
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
