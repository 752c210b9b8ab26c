package atlas

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

type outcome int

const (
	wantRetry outcome = iota
	wantThrottle
	wantPermanent
)

func TestFetchErrorAnswers(t *testing.T) {
	cases := []struct {
		name     string
		rule     *atlastest.Rule
		cfg      func(*Config)
		fake     func(*atlastest.Config)
		ws       string
		outcome  outcome
		contains []string
	}{
		{name: "400", rule: &atlastest.Rule{Status: 400, ErrorCode: "START_DATE_AFTER_END_DATE", Detail: "The start date must be before the end date."},
			outcome: wantPermanent, contains: []string{"400 START_DATE_AFTER_END_DATE", "The start date must be before", "startDate/endDate"}},
		{name: "401 API key", cfg: func(c *Config) { *c = apiKey(c.BaseURL); c.PrivateKey = "wrong" },
			outcome: wantPermanent, contains: []string{"401 UNEXPECTED_ERROR", "You are not authorized", "programmatic API key " + testPublic}},
		{name: "401 service account", cfg: func(c *Config) { c.ClientSecret = "wrong" },
			outcome: wantPermanent, contains: []string{"401", "invalid_client", "service account " + testClientID}},
		{name: "403 access list", rule: &atlastest.Rule{Status: 403, ErrorCode: "IP_ADDRESS_NOT_ON_WHITELIST", Detail: "IP address 198.51.100.7 is not allowed to access this resource."},
			outcome: wantPermanent, contains: []string{"403 IP_ADDRESS_NOT_ON_WHITELIST", "198.51.100.7", "add this machine's public IP address to the API access list"}},
		{name: "403 role", rule: &atlastest.Rule{Status: 403, ErrorCode: "ACCESS_FORBIDDEN", Detail: "Forbidden."},
			outcome: wantPermanent, contains: []string{"403 ACCESS_FORBIDDEN", "needs a role on project " + testProject}},
		{name: "404 workspace", ws: "nope",
			outcome: wantPermanent, contains: []string{"404 STREAM_TENANT_NOT_FOUND_FOR_NAME", "Stream tenant with name nope", `check the workspace name "nope"`}},
		{name: "404 project", cfg: func(c *Config) {}, fake: func(f *atlastest.Config) {}, ws: "ws@other",
			outcome: wantPermanent, contains: []string{"404 GROUP_NOT_FOUND", "check the project id"}},
		{name: "406", cfg: func(c *Config) { c.APIVersion = "2099-01-01" },
			outcome: wantPermanent, contains: []string{"406 NOT_ACCEPTABLE", "does not know api_version 2099-01-01"}},
		{name: "410", cfg: func(c *Config) { c.APIVersion = "2022-01-01" }, fake: func(f *atlastest.Config) { f.Retired = []string{"2022-01-01"} },
			outcome: wantPermanent, contains: []string{"410 API_VERSION_GONE", "api_version 2022-01-01 is retired"}},
		{name: "403 access list (current code)", rule: &atlastest.Rule{Status: 403, ErrorCode: "IP_ADDRESS_NOT_ON_ACCESS_LIST", Detail: "IP address 198.51.100.7 is not allowed to access this resource."},
			outcome: wantPermanent, contains: []string{"403 IP_ADDRESS_NOT_ON_ACCESS_LIST", "add this machine's public IP address to the API access list", "a role change does not help"}},
		{name: "403 organization requires an access list", rule: &atlastest.Rule{Status: 403, ErrorCode: "ORG_REQUIRES_ACCESS_LIST"},
			outcome: wantPermanent, contains: []string{"403 ORG_REQUIRES_ACCESS_LIST", "the organization requires an API access list", "this machine's public IP address"}},
		{name: "409", rule: &atlastest.Rule{Status: 409, ErrorCode: "CONFLICT"}, outcome: wantPermanent, contains: []string{"409 CONFLICT"}},
		{name: "429 with Retry-After", rule: &atlastest.Rule{Status: 429, ErrorCode: "RATE_LIMITED_TOKEN_BUCKET", RetryAfter: "7"}, outcome: wantThrottle, contains: []string{"429 RATE_LIMITED_TOKEN_BUCKET", "lower atlas.bucket.share"}},
		{name: "429 bare", rule: &atlastest.Rule{Status: 429, ErrorCode: "RATE_LIMITED"}, outcome: wantRetry, contains: []string{"429 RATE_LIMITED"}},
		{name: "500", rule: &atlastest.Rule{Status: 500, ErrorCode: "UNEXPECTED_ERROR"}, outcome: wantRetry, contains: []string{"500 UNEXPECTED_ERROR"}},
		{name: "502", rule: &atlastest.Rule{Status: 502}, outcome: wantRetry, contains: []string{"502"}},
		{name: "503", rule: &atlastest.Rule{Status: 503, ErrorCode: "SERVICE_UNAVAILABLE"}, outcome: wantRetry, contains: []string{"503 SERVICE_UNAVAILABLE"}},
		{name: "504", rule: &atlastest.Rule{Status: 504}, outcome: wantRetry, contains: []string{"504"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := fakeConfig()
			if tc.fake != nil {
				tc.fake(&fc)
			}
			srv := atlastest.NewServer(fc)
			defer srv.Close()
			srv.AddWorkspace(testProject, "ws", atlastest.GenerateLines(1, day0, day1, 10))
			if tc.rule != nil {
				srv.Inject(*tc.rule)
			}
			cfg := serviceAccount(srv.URL)
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			c := newClient(t, cfg, Options{})
			w := window("ws", day0, day1)
			if tc.ws != "" {
				w.Workspace = tc.ws
			}
			if tc.ws == "ws@other" {
				w.ProjectID, w.Workspace = "aaaaaaaaaaaaaaaaaaaaaaaa", "ws"
			}
			_, err := c.Fetch(context.Background(), w)
			t.Log(err)
			checkOutcome(t, err, tc.outcome)
			for _, s := range tc.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), testPrivate) {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}

func checkOutcome(t *testing.T, err error, want outcome) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	ra, throttled := pipeline.RetryAfter(err)
	switch {
	case want == wantPermanent && !pipeline.IsPermanent(err):
		t.Fatalf("want a permanent error, got %v", err)
	case want != wantPermanent && pipeline.IsPermanent(err):
		t.Fatalf("want a retryable error, got a permanent %v", err)
	case want == wantThrottle && (!throttled || ra != 7*time.Second):
		t.Fatalf("want a throttle error with Retry-After 7s, got %v (%v)", err, ra)
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *APIError", err)
	}
}

func TestRenewTokenOnceOn401(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspace(testProject, "ws", atlastest.GenerateLines(1, day0, day1, 10))
	c := newClient(t, serviceAccount(srv.URL), Options{})
	fetchLines(t, c, window("ws", day0, day1))

	srv.RevokeTokens()
	if got := fetchLines(t, c, window("ws", day0, day1)); len(got) != 10 {
		t.Fatalf("after revocation got %d lines", len(got))
	}
	var seq []string
	for _, r := range srv.Requests() {
		seq = append(seq, r.Endpoint+":"+http.StatusText(r.Status))
	}
	want := "token:OK auditLogs:OK auditLogs:Unauthorized token:OK auditLogs:OK"
	if strings.Join(seq, " ") != want {
		t.Fatalf("requests %v, want %s", seq, want)
	}

	// A 401 that persists with a new token is reported, after one renewal.
	srv.ResetRequests()
	srv.Inject(atlastest.Rule{Endpoint: "auditLogs", Status: 401, ErrorCode: "UNEXPECTED_ERROR", Detail: "You are not authorized for this resource."})
	_, err := c.Fetch(context.Background(), window("ws", day0, day1))
	checkOutcome(t, err, wantPermanent)
	if !strings.Contains(err.Error(), "service account "+testClientID+" even with a new token") {
		t.Fatalf("hint missing: %v", err)
	}
	if n := len(requestsTo(srv.Fake, "auditLogs")); n != 2 {
		t.Fatalf("%d audit-log requests, want 2 (one renewal)", n)
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	fc := fakeConfig()
	fc.TokenTTL = 10 * time.Minute
	srv := atlastest.NewServer(fc)
	defer srv.Close()
	srv.AddWorkspace(testProject, "ws", nil)
	c := newClient(t, serviceAccount(srv.URL), Options{})
	now := time.Now()
	tc := c.http.Transport.(*bearer).tokens
	tc.now = func() time.Time { return now }
	fetchLines(t, c, window("ws", day0, day1))
	now = now.Add(8 * time.Minute) // still valid, but within renewBefore of expiry? not yet
	fetchLines(t, c, window("ws", day0, day1))
	if n := len(requestsTo(srv.Fake, "token")); n != 1 {
		t.Fatalf("%d token requests before nearing expiry", n)
	}
	now = now.Add(time.Minute + time.Second) // 9m01s: less than a minute left
	fetchLines(t, c, window("ws", day0, day1))
	if n := len(requestsTo(srv.Fake, "token")); n != 2 {
		t.Fatalf("%d token requests, want a renewal a minute before expiry", n)
	}
	for _, r := range requestsTo(srv.Fake, "auditLogs") {
		if r.Status != 200 {
			t.Fatalf("a request went out with a stale token: %+v", r)
		}
	}
}

func TestFetchRejectsBadWindowsBeforeAnyRequest(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	c := newClient(t, serviceAccount(srv.URL), Options{})
	bad := []func(w *pipeline.Window){
		func(w *pipeline.Window) { w.ProjectID = "5F1A2B3C4D5E6F7A8B9C0D1E" },
		func(w *pipeline.Window) { w.ProjectID = "5f1a2b3c4d5e6f7a8b9c0d1" },
		func(w *pipeline.Window) { w.ProjectID = "../../admin" },
		func(w *pipeline.Window) { w.Workspace = "" },
		func(w *pipeline.Window) { w.Start, w.End = time.Time{}, time.Time{} },
		func(w *pipeline.Window) { w.Start, w.End = w.End, w.Start },
	}
	for i, mutate := range bad {
		w := window("ws", day0, day1)
		mutate(&w)
		if _, err := c.Fetch(context.Background(), w); !pipeline.IsPermanent(err) {
			t.Errorf("case %d: want a permanent error, got %v", i, err)
		}
	}
	if _, err := c.Workspaces(context.Background(), "not-a-group"); !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), "24 lowercase hex") {
		t.Errorf("workspaces of a bad id: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestTransportFailureIsRetryable(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	url := srv.URL
	srv.Close()
	var statuses []int
	c := newClient(t, serviceAccount(url), Options{OnResponse: func(_ string, s int) { statuses = append(statuses, s) }})
	_, err := c.Fetch(context.Background(), window("ws", day0, day1))
	if err == nil || pipeline.IsPermanent(err) {
		t.Fatalf("want a retryable error, got %v", err)
	}
	if len(statuses) != 1 || statuses[0] != 0 {
		t.Fatalf("observed %v, want one failed token request", statuses)
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "text/html")
	rec.WriteHeader(502)
	_, _ = rec.WriteString("<html>\n<body>Bad gateway\n from the proxy</body></html>")
	e := readAPIError("downloading", rec.Result())
	if e.Status != 502 || e.Detail != "<html> <body>Bad gateway from the proxy</body></html>" {
		t.Fatalf("got %+v", e)
	}
}

func TestStatusTable(t *testing.T) {
	want := map[int]verdict{
		400: permanent, 401: renewAuth, 403: permanent, 404: permanent, 406: permanent, 410: permanent,
		409: permanent, 429: throttled, 500: retryable, 502: retryable, 503: retryable, 504: retryable,
		418: permanent, 599: retryable, 302: permanent,
	}
	for status, v := range want {
		if got := verdictFor(status); got != v {
			t.Errorf("status %d: verdict %d, want %d", status, got, v)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"55": 55 * time.Second, "0.25": 250 * time.Millisecond, "": 0, "-3": 0, "soon": 0,
		"Sun, 01 Nov 2026 00:00:30 GMT": 30 * time.Second, "Sat, 31 Oct 2026 23:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("%q: got %v, want %v", in, got, want)
		}
	}
}
