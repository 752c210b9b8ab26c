package atlastest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const opsGz = "application/vnd.atlas." + OperationalVersion + "+gzip"

func bearerClient(s *Server) *http.Client {
	cc := clientcredentials.Config{ClientID: "id", ClientSecret: "se:cret&", TokenURL: s.URL + "/api/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}
	return cc.Client(context.Background())
}

func opsURL(s *Server, project, ws string, start, end time.Time, extra string) string {
	return fmt.Sprintf("%s/api/atlas/v2/groups/%s/streams/%s:downloadOperationalLogs?startDate=%d&endDate=%d%s", s.URL, project, ws, start.Unix(), end.Unix(), extra)
}

func TestOperationalLogsServedWithTheirOwnVersion(t *testing.T) {
	s := newFake(t, Config{})
	c := bearerClient(s)
	audit := GenerateLines(1, t0, t1, 5)
	ops := OperationalGenerator{Seed: 2}.Lines(t0, t1, 30)
	s.AddWorkspace(project, "ws", audit)
	s.AddOperationalLines(project, "ws", ops)

	resp, body := get(t, c, opsURL(s, project, "ws", t0, t1, ""), opsGz)
	if resp.StatusCode != 200 {
		t.Fatalf("operational download: %d %s", resp.StatusCode, body)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasSuffix(cd, `_operational.log.gz"`) {
		t.Fatalf("Content-Disposition %q", cd)
	}
	got := strings.Split(strings.TrimSuffix(gunzip(t, body), "\n"), "\n")
	if len(got) != len(ops) || got[0] != ops[0].Text || got[29] != ops[29].Text {
		t.Fatalf("got %d lines, first %q; want %d, first %q", len(got), got[0], len(ops), ops[0].Text)
	}

	// The audit log's version is refused by the operational endpoint and
	// the other way round, with 406 and Atlas's error body.
	for _, tc := range []struct{ url, accept string }{
		{opsURL(s, project, "ws", t0, t1, ""), gz},
		{auditURL(s, "ws", t0, t1, ""), opsGz},
	} {
		resp, body := get(t, c, tc.url, tc.accept)
		var e struct{ ErrorCode string }
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode != http.StatusNotAcceptable || e.ErrorCode != "NOT_ACCEPTABLE" {
			t.Fatalf("%s with %s: %d %s", tc.url, tc.accept, resp.StatusCode, body)
		}
	}
	// The audit log still serves its own lines only.
	_, body = get(t, c, auditURL(s, "ws", t0, t1, ""), gz)
	if n := strings.Count(gunzip(t, body), "\n"); n != len(audit) {
		t.Fatalf("audit log has %d lines, want %d", n, len(audit))
	}
	reqs := s.Requests()
	if last := reqs[len(reqs)-1]; last.Endpoint != "auditLogs" || reqs[len(reqs)-4].Endpoint != "operationalLogs" {
		t.Fatalf("endpoints recorded: %+v", reqs)
	}
}

func TestOperationalLogsFilterAndErrors(t *testing.T) {
	s := newFake(t, Config{})
	c := bearerClient(s)
	g := OperationalGenerator{Seed: 3, Processors: []string{"a", "b"}}
	s.AddOperationalFunc(project, "ws", g.Func(t0, t1, 40))
	want := 0
	for _, l := range g.Lines(t0, t1, 40) {
		if l.Processor == "a" && !l.Time.Before(t0.Add(10*time.Minute)) && l.Time.Before(t0.Add(50*time.Minute)) {
			want++
		}
	}
	_, body := get(t, c, opsURL(s, project, "ws", t0.Add(10*time.Minute), t0.Add(50*time.Minute), "&spName=a"), opsGz)
	if n := strings.Count(gunzip(t, body), "\n"); n != want || want == 0 {
		t.Fatalf("spName=a in [10m,50m): %d lines, want %d", n, want)
	}
	for _, tc := range []struct {
		url  string
		code string
	}{
		{opsURL(s, project, "nope", t0, t1, ""), "STREAM_TENANT_NOT_FOUND_FOR_NAME"},
		{opsURL(s, "5f1a2b3c4d5e6f7a8b9c0d1f", "ws", t0, t1, ""), "GROUP_NOT_FOUND"},
		{opsURL(s, project, "ws", t1, t0, ""), "START_DATE_AFTER_END_DATE"},
		{s.URL + "/api/atlas/v2/groups/" + project + "/streams/ws:downloadSomethingElse", "RESOURCE_NOT_FOUND"},
	} {
		_, body := get(t, c, tc.url, opsGz)
		if !strings.Contains(string(body), tc.code) {
			t.Fatalf("%s: %s, want %s", tc.url, body, tc.code)
		}
	}
	s.Inject(Rule{Endpoint: "operationalLogs", Project: project, Status: 403, ErrorCode: "ACCESS_FORBIDDEN"})
	if resp, _ := get(t, c, opsURL(s, project, "ws", t0, t1, ""), opsGz); resp.StatusCode != 403 {
		t.Fatalf("injected 403: %d", resp.StatusCode)
	}
}

func TestOperationalGeneratorShapes(t *testing.T) {
	lines := OperationalGenerator{Seed: 9}.Lines(t0, t1, 300)
	var mongod, otherJSON, text int
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l.Text, `{"t":{"$date":`):
			mongod++
		case strings.HasPrefix(l.Text, "{"):
			otherJSON++
		default:
			text++
		}
		if !json.Valid([]byte(l.Text)) && strings.HasPrefix(l.Text, "{") {
			t.Fatalf("invalid JSON line %q", l.Text)
		}
	}
	if mongod == 0 || otherJSON == 0 || text == 0 {
		t.Fatalf("shapes: mongod %d, other JSON %d, text %d", mongod, otherJSON, text)
	}
	if a, b := (OperationalGenerator{Seed: 9}).Line(7, t0), (OperationalGenerator{Seed: 9}).Line(7, t0); a != b {
		t.Fatal("lines are not repeatable")
	}
}

func TestProjectListings(t *testing.T) {
	s := newFake(t, Config{})
	c := bearerClient(s)
	const org, other = "6a0000000000000000000001", "6a0000000000000000000002"
	ids := []string{"5f0000000000000000000001", "5f0000000000000000000002", "5f0000000000000000000003"}
	for i, id := range ids {
		s.AddOrgProject(org, id, fmt.Sprintf("team-%d", i))
	}
	s.AddOrgProject(other, "5f0000000000000000000009", "elsewhere")
	s.AddWorkspace(project, "ws", nil) // no organisation

	type page struct {
		Results    []struct{ ID, Name, OrgID string }
		TotalCount int
	}
	list := func(url string) (int, page) {
		resp, body := get(t, c, url, "application/vnd.atlas.2023-02-01+json")
		var p page
		_ = json.Unmarshal(body, &p)
		return resp.StatusCode, p
	}
	base := s.URL + "/api/atlas/v2/orgs/" + org + "/groups"
	_, p1 := list(base + "?itemsPerPage=2&pageNum=1")
	_, p2 := list(base + "?itemsPerPage=2&pageNum=2")
	if p1.TotalCount != 3 || len(p1.Results) != 2 || len(p2.Results) != 1 || p2.Results[0].ID != ids[2] || p2.Results[0].Name != "team-2" || p2.Results[0].OrgID != org {
		t.Fatalf("org pages: %+v %+v", p1, p2)
	}
	if _, all := list(s.URL + "/api/atlas/v2/groups?itemsPerPage=500"); all.TotalCount != 5 || len(all.Results) != 5 {
		t.Fatalf("all projects: %+v", all)
	}
	s.RemoveProject(ids[1])
	if _, p := list(base); p.TotalCount != 2 || p.Results[1].ID != ids[2] {
		t.Fatalf("after removing a project: %+v", p)
	}
	if resp, _ := get(t, c, s.URL+"/api/atlas/v2/groups/"+ids[1]+"/streams", "application/vnd.atlas.2023-02-01+json"); resp.StatusCode != 404 {
		t.Fatalf("removed project's workspaces: %d", resp.StatusCode)
	}
	for _, tc := range []struct {
		url    string
		status int
	}{
		{s.URL + "/api/atlas/v2/orgs/6a00000000000000000000ff/groups", 404},
		{s.URL + "/api/atlas/v2/orgs/not-an-org/groups", 400},
		{base + "?pageNum=0", 400},
	} {
		if st, _ := list(tc.url); st != tc.status {
			t.Fatalf("%s: %d, want %d", tc.url, st, tc.status)
		}
	}
	s.Inject(Rule{Endpoint: "streams", Project: ids[0], Status: 403, ErrorCode: "ACCESS_FORBIDDEN", Detail: "Forbidden."})
	if resp, _ := get(t, c, s.URL+"/api/atlas/v2/groups/"+ids[0]+"/streams", "application/vnd.atlas.2023-02-01+json"); resp.StatusCode != 403 {
		t.Fatalf("project rule: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, s.URL+"/api/atlas/v2/groups/"+ids[2]+"/streams", "application/vnd.atlas.2023-02-01+json"); resp.StatusCode != 200 {
		t.Fatalf("rule leaked to another project: %d", resp.StatusCode)
	}
	if resp, _ := get(t, bearerClient(s), s.URL+"/api/atlas/v2/groups/"+project+"/streams", "application/vnd.atlas.2023-02-01+json"); resp.StatusCode != 200 {
		t.Fatal("workspace listing")
	}
}
