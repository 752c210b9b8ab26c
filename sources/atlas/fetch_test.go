package atlas

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestFetchServiceAccount(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	lines := atlastest.GenerateLines(1, day0, day1, 500)
	ws := "team a/b" // needs path escaping
	srv.AddWorkspace(testProject, ws, lines)
	c := newClient(t, serviceAccount(srv.URL), Options{})

	mid := day0.Add(6 * time.Hour)
	got := fetchLines(t, c, window(ws, day0, mid))
	got = append(got, fetchLines(t, c, window(ws, mid, day1))...)
	if want := texts(lines, day0, day1, ""); !slices.Equal(got, want) {
		t.Fatalf("got %d lines, want the %d generated ones in order", len(got), len(want))
	}

	audits := requestsTo(srv.Fake, "auditLogs")
	if len(audits) != 2 {
		t.Fatalf("%d audit-log requests, want one per window", len(audits))
	}
	r := audits[0]
	if r.Workspace != ws || !strings.Contains(r.Path, "/streams/team%20a%2Fb/auditLogs") {
		t.Errorf("workspace sent as path %q (unescaped %q)", r.Path, r.Workspace)
	}
	if r.Accept != "application/vnd.atlas.2023-02-01+gzip" || r.Auth != "bearer" {
		t.Errorf("accept %q, auth %q", r.Accept, r.Auth)
	}
	if r.Query.Get("startDate") != strconv.FormatInt(day0.Unix(), 10) || r.Query.Get("endDate") != strconv.FormatInt(mid.Unix(), 10) {
		t.Errorf("query %v", r.Query)
	}
	if r.Query.Has("spName") || r.Query.Has("envelope") {
		t.Errorf("unexpected parameters in %v", r.Query)
	}
	if n := len(requestsTo(srv.Fake, "token")); n != 1 {
		t.Errorf("%d token requests for two fetches, want the token cached", n)
	}
}

func TestFetchFractionalWindowCoversWholeSeconds(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspace(testProject, "ws", nil)
	c := newClient(t, serviceAccount(srv.URL), Options{})
	fetchLines(t, c, window("ws", day0.Add(1500*time.Millisecond), day0.Add(2500*time.Millisecond)))
	q := requestsTo(srv.Fake, "auditLogs")[0].Query
	if q.Get("startDate") != strconv.FormatInt(day0.Unix()+1, 10) || q.Get("endDate") != strconv.FormatInt(day0.Unix()+3, 10) {
		t.Fatalf("query %v: want start rounded down and end rounded up", q)
	}
}

func TestFetchAPIKeyDigest(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	lines := atlastest.GenerateLines(2, day0, day1, 50)
	srv.AddWorkspace(testProject, "ws", lines)
	c := newClient(t, apiKey(srv.URL), Options{})

	got := fetchLines(t, c, window("ws", day0, day1))
	if !slices.Equal(got, texts(lines, day0, day1, "")) {
		t.Fatalf("got %d lines, want %d", len(got), len(lines))
	}
	reqs := requestsTo(srv.Fake, "auditLogs")
	if len(reqs) != 2 || reqs[0].Auth != "" || reqs[0].Status != 401 || reqs[1].Auth != "digest" || !reqs[1].Authenticated || reqs[1].Status != 200 {
		t.Fatalf("want an unauthenticated challenge leg then one digest request, got %+v", reqs)
	}
	if n := len(requestsTo(srv.Fake, "token")); n != 0 {
		t.Fatalf("%d token requests with an API key", n)
	}
}

func TestFetchProcessor(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	lines := atlastest.GenerateLines(3, day0, day1, 400)
	srv.AddWorkspace(testProject, "ws", lines)
	c := newClient(t, serviceAccount(srv.URL), Options{})
	w := window("ws", day0, day1)
	w.Processor = "orders_enrich"
	got := fetchLines(t, c, w)
	want := texts(lines, day0, day1, "orders_enrich")
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("got %d lines, want the %d of the processor", len(got), len(want))
	}
	if sp := requestsTo(srv.Fake, "auditLogs")[0].Query.Get("spName"); sp != "orders_enrich" {
		t.Fatalf("spName %q", sp)
	}
}

func TestFetchBodyShapes(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	lines := atlastest.GenerateLines(4, day0, day1, 300)
	long := atlastest.Line{Time: day0.Add(time.Hour), Text: `{"atype":"x","param":"` + strings.Repeat("y", 5<<20) + `"}`}
	srv.AddWorkspace(testProject, "ws", append(lines, long))
	srv.AddWorkspace(testProject, "empty", nil)
	c := newClient(t, serviceAccount(srv.URL), Options{})
	want := texts(append(lines, long), day0, day1, "")
	for _, b := range []atlastest.Body{
		{Shape: atlastest.Single},
		{Shape: atlastest.Members, LinesPerMember: 7},
		{Shape: atlastest.Tar},
		{Shape: atlastest.Tar, LinesPerFile: 40},
		{Shape: atlastest.Single, CRLF: true},
		{Shape: atlastest.Tar, LinesPerFile: 40, CRLF: true},
	} {
		srv.SetBody(b)
		got := fetchLines(t, c, window("ws", day0, day1))
		if b.CRLF {
			for i, l := range got {
				if !strings.HasSuffix(l, "\r") {
					t.Fatalf("body %+v: line %d lost its CR", b, i)
				}
				got[i] = strings.TrimSuffix(l, "\r")
			}
		}
		if !sameSet(got, want) {
			t.Fatalf("body %+v: got %d lines, want %d", b, len(got), len(want))
		}
		for _, e := range []atlastest.Empty{atlastest.EmptyMember, atlastest.ZeroBytes} {
			b.Empty = e
			srv.SetBody(b)
			if got := fetchLines(t, c, window("empty", day0, day1)); len(got) != 0 {
				t.Fatalf("empty body %+v: %d lines", b, len(got))
			}
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
