package atlastest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const project = "5f1a2b3c4d5e6f7a8b9c0d1e"

var (
	t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func newFake(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.PublicKey == "" {
		cfg.PublicKey, cfg.PrivateKey = "pub", "priv"
	}
	if cfg.ClientID == "" {
		cfg.ClientID, cfg.ClientSecret = "id", "se:cret&"
	}
	s := NewServer(cfg)
	t.Cleanup(s.Close)
	return s
}

func auditURL(s *Server, ws string, start, end time.Time, extra string) string {
	return fmt.Sprintf("%s/api/atlas/v2/groups/%s/streams/%s/auditLogs?startDate=%d&endDate=%d%s", s.URL, project, ws, start.Unix(), end.Unix(), extra)
}

func get(t *testing.T, client *http.Client, url, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	if len(b) == 0 {
		return ""
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

const gz = "application/vnd.atlas.2023-02-01+gzip"

func TestDigestChallengeAndResponse(t *testing.T) {
	s := newFake(t, Config{})
	s.AddWorkspace(project, "ws", []Line{{Time: t0, Text: "a"}})
	good := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	resp, body := get(t, good, auditURL(s, "ws", t0, t1, ""), gz)
	if resp.StatusCode != 200 || gunzip(t, body) != "a\n" {
		t.Fatalf("good key: %d %q", resp.StatusCode, body)
	}
	bad := &http.Client{Transport: digest.NewTransport("pub", "wrong")}
	resp, body = get(t, bad, auditURL(s, "ws", t0, t1, ""), gz)
	if resp.StatusCode != 401 || resp.Header.Get("X-Error-Code") != "UNEXPECTED_ERROR" || !strings.Contains(string(body), "You are not authorized for this resource.") {
		t.Fatalf("bad key: %d %s", resp.StatusCode, body)
	}
	if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Digest realm="MMS Public API", domain="", nonce="`) {
		t.Fatalf("challenge %q", resp.Header.Get("WWW-Authenticate"))
	}
	// A response computed for another URI, or with an unknown nonce, fails.
	for _, h := range []string{
		`Digest username="pub", realm="MMS Public API", nonce="unknown", uri="/x", response="00", qop=auth, nc=00000001, cnonce="1"`,
		`Basic cHViOnByaXY=`,
	} {
		resp, _ := doWithHeader(t, auditURL(s, "ws", t0, t1, ""), h)
		if resp.StatusCode != 401 {
			t.Fatalf("header %q: status %d", h, resp.StatusCode)
		}
	}
}

func doWithHeader(t *testing.T, url, auth string) (*http.Response, []byte) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", gz)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestTokenEndpoint(t *testing.T) {
	s := newFake(t, Config{TokenTTL: 90 * time.Second})
	s.AddWorkspace(project, "ws", nil)
	cc := clientcredentials.Config{ClientID: "id", ClientSecret: "se:cret&", TokenURL: s.URL + "/api/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if left := time.Until(tok.Expiry); left < 80*time.Second || left > 91*time.Second {
		t.Fatalf("token expires in %s, want about 90s", left)
	}
	resp, _ := get(t, cc.Client(context.Background()), auditURL(s, "ws", t0, t1, ""), gz)
	if resp.StatusCode != 200 {
		t.Fatalf("with token: %d", resp.StatusCode)
	}
	cc.ClientSecret = "wrong"
	if _, err := cc.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("wrong secret: %v", err)
	}
	s.RevokeTokens()
	resp, _ = doWithHeader(t, auditURL(s, "ws", t0, t1, ""), "Bearer "+tok.AccessToken)
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "" {
		t.Fatalf("revoked token: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestWindowFilteringAndHeaders(t *testing.T) {
	s := newFake(t, Config{})
	s.AddWorkspace(project, "ws", []Line{
		{Time: t0.Add(-time.Millisecond), Text: "before"},
		{Time: t0, Text: "at-start"},
		{Time: t0.Add(time.Minute), Processor: "p1", Text: "p1-line"},
		{Time: t1.Add(-time.Millisecond), Processor: "p2", Text: "last"},
		{Time: t1, Text: "at-end"},
	})
	c := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	resp, body := get(t, c, auditURL(s, "ws", t0, t1, ""), gz)
	if got := gunzip(t, body); got != "at-start\np1-line\nlast\n" {
		t.Fatalf("window [start,end): %q", got)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="ws_2026-11-01T00:00:00Z_2026-11-01T01:00:00Z_audit.log.gz"` {
		t.Fatalf("content disposition %q", cd)
	}
	if ct := resp.Header.Get("Content-Type"); ct != gz {
		t.Fatalf("content type %q", ct)
	}
	resp, body = get(t, c, auditURL(s, "ws", t0, t1, "&spName=p1"), gz)
	if got := gunzip(t, body); got != "p1-line\n" || !strings.Contains(resp.Header.Get("Content-Disposition"), `"ws_p1_2026`) {
		t.Fatalf("spName: %q %q", got, resp.Header.Get("Content-Disposition"))
	}
	_, body = get(t, c, auditURL(s, "ws", t1, t1.Add(time.Hour), "&spName=p1"), gz)
	if !bytes.Equal(body, EmptyGzipMember) {
		t.Fatalf("empty window: % x", body)
	}
	s.SetBody(Body{Empty: ZeroBytes})
	if _, body = get(t, c, auditURL(s, "ws", t1, t1.Add(time.Hour), "&spName=p1"), gz); len(body) != 0 {
		t.Fatalf("zero-byte form: % x", body)
	}
}

func TestErrorAnswers(t *testing.T) {
	s := newFake(t, Config{Retired: []string{"2020-01-01"}})
	s.AddWorkspace(project, "ws", nil)
	c := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	base := fmt.Sprintf("%s/api/atlas/v2/groups/%s/streams/ws/auditLogs", s.URL, project)
	cases := []struct {
		url, accept string
		status      int
		code        string
	}{
		{base + "?startDate=10&endDate=5", gz, 400, "START_DATE_AFTER_END_DATE"},
		{base + "?startDate=1.5&endDate=5", gz, 400, "FRACTIONAL_TIMESTAMP"},
		{base + "?startDate=x", gz, 400, "INVALID_QUERY_PARAMETER"},
		{base, "application/vnd.atlas.2099-01-01+gzip", 406, "NOT_ACCEPTABLE"},
		{base, "application/vnd.atlas.2020-01-01+gzip", 410, "API_VERSION_GONE"},
		{strings.Replace(base, "/ws/", "/other/", 1), gz, 404, "STREAM_TENANT_NOT_FOUND_FOR_NAME"},
		{strings.Replace(base, project, "aaaaaaaaaaaaaaaaaaaaaaaa", 1), gz, 404, "GROUP_NOT_FOUND"},
		{strings.Replace(base, project, "NOTHEX", 1), gz, 400, "INVALID_GROUP_ID"},
		{s.URL + "/api/atlas/v2/nothing", gz, 404, "RESOURCE_NOT_FOUND"},
	}
	for _, tc := range cases {
		resp, body := get(t, c, tc.url, tc.accept)
		var e struct {
			Error     int    `json:"error"`
			ErrorCode string `json:"errorCode"`
			Detail    string `json:"detail"`
		}
		if err := json.Unmarshal(body, &e); err != nil || resp.StatusCode != tc.status || e.Error != tc.status || e.ErrorCode != tc.code || e.Detail == "" || resp.Header.Get("X-Error-Code") != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.url, resp.StatusCode, body, tc.status, tc.code)
		}
	}
	// Without dates: the last 30 days.
	s.ResetRequests()
	get(t, c, base, gz)
	if r := s.Requests(); r[len(r)-1].Status != 200 {
		t.Fatalf("no dates: %+v", r[len(r)-1])
	}
}

func TestRulesAndFaults(t *testing.T) {
	s := newFake(t, Config{Seed: 1})
	s.AddWorkspace(project, "ws", nil)
	c := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	s.Inject(Rule{Endpoint: "auditLogs", Status: 429, ErrorCode: "RATE_LIMITED_TOKEN_BUCKET", RetryAfter: "55", Times: 1})
	resp, _ := get(t, c, auditURL(s, "ws", t0, t1, ""), gz)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "55" {
		t.Fatalf("rule: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ = get(t, c, auditURL(s, "ws", t0, t1, ""), gz); resp.StatusCode != 200 {
		t.Fatalf("rule used up: %d", resp.StatusCode)
	}
	s.SetFaults(Faults{Throttle: 0.5, ThrottleBare: 0.25, Unavailable: 0.25, RetryAfter: 1500 * time.Millisecond})
	seen := map[string]int{}
	for range 40 {
		resp, _ := get(t, c, auditURL(s, "ws", t0, t1, ""), gz)
		seen[fmt.Sprintf("%d/%s", resp.StatusCode, resp.Header.Get("Retry-After"))]++
	}
	if len(seen) != 3 || seen["429/1.5"] == 0 || seen["429/"] == 0 || seen["503/"] == 0 {
		t.Fatalf("faults seen: %v", seen)
	}
}

func TestAuditAccessLine(t *testing.T) {
	s := newFake(t, Config{AuditAccess: true})
	s.AddWorkspace(project, "ws", nil)
	c := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	now := time.Now()
	get(t, c, auditURL(s, "ws", now.Add(-time.Hour), now.Add(time.Hour), ""), gz)
	_, body := get(t, c, auditURL(s, "ws", now.Add(-time.Hour), now.Add(time.Hour), ""), gz)
	got := gunzip(t, body)
	if strings.Count(got, `"atype" : "auditLogAccessed"`) != 1 {
		t.Fatalf("second download should hold the first one's access line: %q", got)
	}
}

func TestStreamsPagination(t *testing.T) {
	s := newFake(t, Config{MaxItemsPerPage: 2})
	for _, n := range []string{"c", "a", "b"} {
		s.AddWorkspace(project, n, nil)
	}
	c := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	var names []string
	for page := 1; page <= 3; page++ {
		_, body := get(t, c, fmt.Sprintf("%s/api/atlas/v2/groups/%s/streams?itemsPerPage=100&pageNum=%d", s.URL, project, page), "application/vnd.atlas.2023-02-01+json")
		var p struct {
			Results []struct {
				Name string `json:"name"`
			} `json:"results"`
			TotalCount int `json:"totalCount"`
		}
		if err := json.Unmarshal(body, &p); err != nil || p.TotalCount != 3 {
			t.Fatalf("page %d: %s", page, body)
		}
		for _, r := range p.Results {
			names = append(names, r.Name)
		}
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Fatalf("names over pages: %v", names)
	}
}

func TestRemoveWorkspace(t *testing.T) {
	s := newFake(t, Config{})
	s.AddWorkspace(project, "keep", nil)
	s.AddWorkspace(project, "gone", []Line{{Time: t0, Text: "a"}})
	s.RemoveWorkspace(project, "gone")
	c := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	_, body := get(t, c, fmt.Sprintf("%s/api/atlas/v2/groups/%s/streams", s.URL, project), "application/vnd.atlas.2023-02-01+json")
	if !strings.Contains(string(body), `"keep"`) || strings.Contains(string(body), `"gone"`) || !strings.Contains(string(body), `"totalCount":1`) {
		t.Errorf("list after removing a workspace: %s", body)
	}
	resp, body := get(t, c, auditURL(s, "gone", t0, t1, ""), gz)
	if resp.StatusCode != 404 || !strings.Contains(string(body), "STREAM_TENANT_NOT_FOUND_FOR_NAME") {
		t.Errorf("audit logs of a removed workspace: %d %s", resp.StatusCode, body)
	}
}
