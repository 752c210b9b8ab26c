package atlastest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const otherProject = "aaaaaaaaaaaaaaaaaaaaaaaa"

// manualClock is a bucket clock the test steps by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *manualClock { return &manualClock{t: time.Unix(1_800_000_000, 0)} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// bucketFake returns a fake with the rate limit rl, two projects with a
// workspace "ws" each, and a client holding a service account token.
func bucketFake(t *testing.T, rl RateLimit) (*Server, *http.Client) {
	t.Helper()
	s := newFake(t, Config{RateLimit: rl})
	s.AddWorkspace(project, "ws", []Line{{Time: t0, Text: "a"}})
	s.AddWorkspace(otherProject, "ws", nil)
	cc := clientcredentials.Config{ClientID: "id", ClientSecret: "se:cret&", TokenURL: s.URL + "/api/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}
	return s, cc.Client(context.Background())
}

func auditOf(s *Server, p string) string {
	return fmt.Sprintf("%s/api/atlas/v2/groups/%s/streams/ws/auditLogs?startDate=%d&endDate=%d", s.URL, p, t0.Unix(), t1.Unix())
}

func listOf(s *Server, p string) string {
	return fmt.Sprintf("%s/api/atlas/v2/groups/%s/streams", s.URL, p)
}

const jsonAccept = "application/vnd.atlas.2023-02-01+json"

// status asks for url and returns the status, Retry-After and
// RateLimit-Remaining.
func status(t *testing.T, c *http.Client, url string) (int, string, string) {
	t.Helper()
	accept := gz
	if strings.HasSuffix(url, "/streams") {
		accept = jsonAccept
	}
	resp, _ := get(t, c, url, accept)
	return resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("RateLimit-Remaining")
}

// expect asks for url n times and fails unless each answer has the status
// and Retry-After given.
func expect(t *testing.T, c *http.Client, url string, n, want int, retryAfter string) {
	t.Helper()
	for i := range n {
		if got, ra, _ := status(t, c, url); got != want || ra != retryAfter {
			t.Fatalf("request %d of %d to %s: %d Retry-After %q, want %d %q", i+1, n, url, got, ra, want, retryAfter)
		}
	}
}

func TestRateLimitStepsAndAnswers(t *testing.T) {
	clk := newClock()
	s, c := bucketFake(t, RateLimit{Capacity: 3, Refill: 2, Every: 10 * time.Second, Now: clk.Now})
	url := auditOf(s, project)
	for i, left := range []string{"2", "1", "0"} {
		resp, body := get(t, c, url, gz)
		if resp.StatusCode != 200 || gunzip(t, body) != "a\n" || resp.Header.Get("RateLimit-Limit") != "3" ||
			resp.Header.Get("RateLimit-Remaining") != left || resp.Header.Get("Retry-After") != "" {
			t.Fatalf("request %d within capacity: %d %v", i+1, resp.StatusCode, resp.Header)
		}
	}

	resp, body := get(t, c, url, gz)
	var e struct {
		Error      int    `json:"error"`
		ErrorCode  string `json:"errorCode"`
		Detail     string `json:"detail"`
		Reason     string `json:"reason"`
		Parameters []any  `json:"parameters"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("429 body %q: %v", body, err)
	}
	set := "api/atlas/v2/groups/" + project + "/streams"
	wantDetail := "Rate limit exceeded for " + set + ". Please retry after 10 seconds. Request capacity: 3. Refill rate: 2 per 10 seconds."
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "10" || resp.Header.Get("RateLimit-Limit") != "3" ||
		resp.Header.Get("RateLimit-Remaining") != "0" || resp.Header.Get("X-Error-Code") != "RATE_LIMITED_TOKEN_BUCKET" ||
		resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("empty bucket: %d %v", resp.StatusCode, resp.Header)
	}
	if e.Error != 429 || e.ErrorCode != "RATE_LIMITED_TOKEN_BUCKET" || e.Detail != wantDetail || e.Reason != "Too Many Requests" ||
		fmt.Sprint(e.Parameters) != fmt.Sprint([]any{set, 10.0, 3.0, 2.0, 10.0}) {
		t.Fatalf("429 body %s", body)
	}

	clk.Advance(500 * time.Millisecond)
	expect(t, c, url, 1, 429, "10") // 9.5 s rounded up
	clk.Advance(9 * time.Second)
	expect(t, c, url, 2, 429, "1") // half a second left, rounded up
	clk.Advance(500 * time.Millisecond)
	expect(t, c, url, 2, 200, "") // the step adds Refill, not Capacity
	expect(t, c, url, 1, 429, "10")
	clk.Advance(65 * time.Second)
	expect(t, c, url, 3, 200, "")  // six steps passed, but the bucket holds at most Capacity
	expect(t, c, url, 1, 429, "5") // steps keep their schedule: every 10 s from the first request

	var got []string
	for _, r := range s.Requests() {
		if r.Endpoint == "auditLogs" {
			got = append(got, fmt.Sprintf("%d/%s/%s", r.Status, r.Fault, r.RetryAfter))
			if !r.Authenticated {
				t.Errorf("unauthenticated request recorded: %+v", r)
			}
		}
	}
	want := []string{"200//", "200//", "200//", "429/rate-limit/10", "429/rate-limit/10", "429/rate-limit/1", "429/rate-limit/1",
		"200//", "200//", "429/rate-limit/10", "200//", "200//", "200//", "429/rate-limit/5"}
	if !slices.Equal(got, want) {
		t.Fatalf("request log\n got %v\nwant %v", got, want)
	}
}

func TestRateLimitSharedByListAndAuditLogs(t *testing.T) {
	s, c := bucketFake(t, RateLimit{Capacity: 4, Refill: 1, Every: time.Hour, Now: newClock().Now})
	for _, url := range []string{listOf(s, project), auditOf(s, project), listOf(s, project), auditOf(s, project)} {
		expect(t, c, url, 1, 200, "")
	}
	expect(t, c, listOf(s, project), 1, 429, "3600")
	expect(t, c, auditOf(s, project), 1, 429, "3600")
	for _, r := range s.Requests() {
		if r.Status == 429 && (r.Endpoint != "streams" && r.Endpoint != "auditLogs" || r.Fault != "rate-limit" || r.RetryAfter != "3600") {
			t.Errorf("429 recorded as %+v", r)
		}
	}
}

func TestRateLimitPerProject(t *testing.T) {
	s, c := bucketFake(t, RateLimit{Capacity: 3, Refill: 3, Every: time.Hour, Now: newClock().Now})
	if n := s.TakeTokens(project, 100); n != 3 {
		t.Fatalf("TakeTokens(100) of a full bucket of 3 took %d", n)
	}
	if n := s.TakeTokens(project, 1); n != 0 {
		t.Fatalf("TakeTokens of an empty bucket took %d", n)
	}
	expect(t, c, auditOf(s, project), 1, 429, "3600")
	expect(t, c, listOf(s, project), 1, 429, "3600")
	// The other project's bucket is untouched.
	expect(t, c, auditOf(s, otherProject), 1, 200, "")
	if n := s.TakeTokens(otherProject, 1); n != 1 {
		t.Fatalf("TakeTokens(1) with 2 left took %d", n)
	}
	expect(t, c, listOf(s, otherProject), 1, 200, "")
	expect(t, c, listOf(s, otherProject), 1, 429, "3600")
	// A project id Atlas would refuse has no bucket: its 400 stays a 400.
	expect(t, c, listOf(s, "NOTHEX"), 5, 400, "")
}

func TestRateLimitSparesAuthFailures(t *testing.T) {
	s, _ := bucketFake(t, RateLimit{Capacity: 2, Refill: 1, Every: time.Hour, Now: newClock().Now})
	url := auditOf(s, project)
	bad := &http.Client{Transport: digest.NewTransport("pub", "wrong")}
	expect(t, bad, url, 3, 401, "")
	for range 3 {
		if resp, _ := doWithHeader(t, url, "Bearer not-a-token"); resp.StatusCode != 401 {
			t.Fatalf("bad token: %d", resp.StatusCode)
		}
	}
	// Two good requests, each after its own Digest challenge leg, fit.
	good := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	expect(t, good, url, 2, 200, "")
	if code, ra, left := status(t, good, url); code != 429 || left != "0" || ra != "3600" {
		t.Fatalf("third good request: %d Retry-After %q remaining %q", code, ra, left)
	}
	// Each bad Digest request is a challenge leg and a refused answer, each
	// good one has a leg: 3*2 + 3 + 3 refusals took no token.
	refused := 0
	for _, r := range s.Requests() {
		if r.Status == 401 {
			refused++
		}
	}
	if refused != 12 {
		t.Fatalf("%d answers 401, want 12", refused)
	}
}

func TestRateLimitBeforeRulesAndFaults(t *testing.T) {
	clk := newClock()
	s, c := bucketFake(t, RateLimit{Capacity: 1, Refill: 1, Every: time.Second, Now: clk.Now})
	s.Inject(Rule{Endpoint: "auditLogs", Status: 503, ErrorCode: "SERVICE_UNAVAILABLE", Times: 1})
	s.TakeTokens(project, 1)
	expect(t, c, auditOf(s, project), 2, 429, "1") // the rule is not used up by requests without a token
	clk.Advance(time.Second)
	expect(t, c, auditOf(s, project), 1, 503, "")
	clk.Advance(time.Second)
	expect(t, c, auditOf(s, project), 1, 200, "")
}

func TestRateLimitAtlasNumbers(t *testing.T) {
	rl := AtlasRateLimit()
	if rl.Capacity != 1200 || rl.Refill != 500 || rl.Every != time.Minute {
		t.Fatalf("AtlasRateLimit() = %+v", rl)
	}
	clk := newClock()
	rl.Now = clk.Now
	s, c := bucketFake(t, rl)
	if n := s.TakeTokens(project, 5000); n != 1200 {
		t.Fatalf("a fresh bucket held %d tokens", n)
	}
	clk.Advance(5 * time.Second)
	resp, body := get(t, c, auditOf(s, project), gz)
	var e struct {
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(body, &e)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "55" || resp.Header.Get("RateLimit-Limit") != "1200" ||
		e.Detail != "Rate limit exceeded for api/atlas/v2/groups/"+project+"/streams. Please retry after 55 seconds. Request capacity: 1200. Refill rate: 500 per 60 seconds." {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, body)
	}
	clk.Advance(55 * time.Second)
	expect(t, c, auditOf(s, project), 1, 200, "")
	if n := s.TakeTokens(project, 5000); n != 499 {
		t.Fatalf("after one step and one request the bucket held %d tokens, want 499", n)
	}
}

func TestRateLimitWithoutHeaders(t *testing.T) {
	s, c := bucketFake(t, RateLimit{Capacity: 1, Refill: 1, Every: time.Minute, NoHeaders: true, Code: "RATE_LIMITED", Now: newClock().Now})
	resp, _ := get(t, c, auditOf(s, project), gz)
	if resp.StatusCode != 200 || resp.Header.Get("RateLimit-Limit") != "" || resp.Header.Get("RateLimit-Remaining") != "" {
		t.Fatalf("first request: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body := get(t, c, auditOf(s, project), gz)
	if resp.StatusCode != 429 || resp.Header.Get("X-Error-Code") != "RATE_LIMITED" || resp.Header.Get("Retry-After") != "" ||
		resp.Header.Get("RateLimit-Limit") != "" || resp.Header.Get("RateLimit-Remaining") != "" {
		t.Fatalf("bare 429: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if r := s.Requests(); r[len(r)-1].Fault != "rate-limit" || r[len(r)-1].RetryAfter != "" {
		t.Fatalf("recorded %+v", r[len(r)-1])
	}
}

func TestRateLimitOffByDefault(t *testing.T) {
	for _, rl := range []RateLimit{{}, {Capacity: 1}, {Capacity: 1, Refill: 1}, {Capacity: 1, Every: time.Hour}} {
		s, c := bucketFake(t, rl)
		for range 5 {
			for _, url := range []string{auditOf(s, project), listOf(s, project)} {
				if code, _, left := status(t, c, url); code != 200 || left != "" {
					t.Fatalf("%+v: %s answered %d, RateLimit-Remaining %q", rl, url, code, left)
				}
			}
		}
		if n := s.TakeTokens(project, 10); n != 0 {
			t.Fatalf("%+v: TakeTokens took %d with the limit off", rl, n)
		}
	}
}
