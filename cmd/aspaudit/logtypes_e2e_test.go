package main

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/oplog"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestBothLogTypesFileSink(t *testing.T) {
	t.Parallel()
	testBothLogTypes(t, fileTarget(t))
}

func TestBothLogTypesElasticsearch(t *testing.T) {
	t.Parallel()
	testBothLogTypes(t, searchTarget(t, "ES"))
}

func TestBothLogTypesOpenSearch(t *testing.T) {
	t.Parallel()
	testBothLogTypes(t, searchTarget(t, "OS"))
}

// opsTarget gives a search target's operational events a prefix of their
// own (cleaned up like the audit one); for the file sink it changes
// nothing (both log types share its month partitions, ids keep them
// apart).
func opsTarget(t *testing.T, tg target) (env, string) {
	if tg.url == "" {
		return tg.env, ""
	}
	p := searchtest.IndexName(t, "e2e-ops-")
	searchtest.DeleteIndices(t, tg.url, p+"-*")
	searchtest.DeleteIndexTemplate(t, tg.url, p)
	t.Cleanup(func() { searchtest.DeleteIndexTemplate(t, tg.url, p) })
	section := "ASPAUDIT_SINK__" + strings.ToUpper(tg.env["ASPAUDIT_SINK__TYPE"]) + "__"
	return tg.env.with(section+"INDEX_PREFIXES__OPERATIONAL", p), p
}

// testBothLogTypes: with atlas.log_types [audit, operational] a backfill
// stores every audit and every operational line once (operational events
// in their own indices), a second backfill fetches nothing, and an
// audit-only backfill afterwards finds its coverage as before; importing
// operational archives stores their events once, and an operational
// archive is refused as an audit one.
func testBothLogTypes(t *testing.T, tg target) {
	binary(t)
	fake := newFakeAtlas(t, atlastest.Config{Body: atlastest.Body{Shape: atlastest.Members, LinesPerMember: 5}})
	from, to := backfillFrom, backfillFrom.Add(3*24*time.Hour)
	srv := serveGenerated(fake, 77, from, to, 300)
	audit := srv.ids(nil)
	ops := map[string]bool{}
	for i, ws := range e2eWorkspaces {
		lines := atlastest.OperationalGenerator{Seed: uint64(40 + i)}.Lines(from, to, 400)
		fake.AddOperationalLines(e2eProject, ws, lines)
		for _, l := range lines {
			ops[oplog.DocumentID(e2eProject, ws, []byte(l.Text))] = true
		}
	}
	base, opsPrefix := opsTarget(t, tg)
	e := fake.env(serviceAccountCLIVars).with(envPairs(base)...).with("ASPAUDIT_PIPELINE__WINDOW", "12h")
	args := []string{"backfill", "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--report", "json"}

	r := aspaudit(t, e.with("ASPAUDIT_ATLAS__LOG_TYPES", "audit,operational"), args...)
	mustExit(t, r, exitOK, "backfill of both log types")
	rep := parseReport(t, r)
	windows := 2 * len(e2eWorkspaces) * 6
	if rep.WindowsPlanned != windows || rep.WindowsDone != windows || rep.EventsStored != int64(len(audit)+len(ops)) || rep.DeadLettered != 0 {
		t.Errorf("backfill: %+v; want %d windows, %d events stored", rep, windows, len(audit)+len(ops))
	}
	if n := len(opsRequests(fake)); n != windows/2 {
		t.Errorf("%d operational-log requests, want %d", n, windows/2)
	}
	all := map[string]bool{}
	for id := range audit {
		all[id] = true
	}
	for id := range ops {
		all[id] = true
	}
	if opsPrefix == "" {
		idDiff(t, "file sink after the backfill", all, tg.stored(t))
	} else {
		idDiff(t, "audit indices after the backfill", audit, tg.stored(t))
		idDiff(t, "operational indices after the backfill", ops, searchIDs(t, tg.url, opsPrefix+"-*"))
	}

	// Both log types covered: nothing is fetched again. The audit log
	// alone: its checkpoints are where they were.
	fake.ResetRequests()
	for _, types := range []string{"audit,operational", "audit"} {
		r = aspaudit(t, e.with("ASPAUDIT_ATLAS__LOG_TYPES", types), args...)
		mustExit(t, r, exitOK, "backfill again with "+types)
		if rep := parseReport(t, r); rep.WindowsPlanned != 0 || len(fake.Requests()) > 2*len(e2eWorkspaces) {
			t.Errorf("backfill again with %s: %+v, %d requests; want nothing planned", types, rep, len(fake.Requests()))
		}
	}

	// Import: operational archives as Atlas names them.
	dir := t.TempDir()
	var want = map[string]bool{}
	for _, ws := range e2eWorkspaces {
		lines := fake.OperationalLines(e2eProject, ws)
		path := filepath.Join(dir, ws+"_"+from.Format(time.RFC3339)+"_"+to.Format(time.RFC3339)+"_operational.log.gz")
		writeGzipLines(t, path, lines)
		for _, l := range lines {
			want[oplog.DocumentID(e2eProject, ws, []byte(l.Text))] = true
		}
	}
	r = aspaudit(t, base, "import", "--project", e2eProject, dir)
	mustExit(t, r, exitUsage, "importing operational archives as audit ones")
	if !strings.Contains(r.stderr, "--log-type operational") {
		t.Errorf("refusal does not say what to do: %s", tail(r.stderr, 5))
	}
	r = aspaudit(t, base, "import", "--log-type", "operational", "--project", e2eProject, "--report", "json", dir)
	mustExit(t, r, exitOK, "import --log-type operational")
	if rep := parseReport(t, r); rep.Events != int64(len(want)) || rep.EventsStored != 0 || rep.Duplicates != int64(len(want)) {
		t.Errorf("import of archives already fetched: %+v; want %d duplicates, none stored", rep, len(want))
	}
}

func opsRequests(f *fakeAtlas) []atlastest.Request {
	var out []atlastest.Request
	for _, r := range f.Requests() {
		if r.Endpoint == "operationalLogs" {
			out = append(out, r)
		}
	}
	return out
}

func writeGzipLines(t *testing.T, path string, lines []atlastest.Line) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	for _, l := range lines {
		_, _ = zw.Write([]byte(l.Text + "\n"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSetupInstallsTheOperationalTemplate: setup installs the operational
// log's index template only when a project fetches that log.
func TestSetupInstallsTheOperationalTemplate(t *testing.T) {
	t.Parallel()
	binary(t)
	tg := searchTarget(t, "ES")
	base, opsPrefix := opsTarget(t, tg)
	fake := checkFake(t)
	e := fake.env(serviceAccountConfigVars).with(envPairs(base)...)
	template := func() int {
		st, _ := searchtest.Do(t, "GET", tg.url, "/_index_template/"+opsPrefix, "")
		return st
	}
	r := aspaudit(t, e, "setup")
	mustExit(t, r, exitOK, "setup, audit log only")
	if st := template(); st != 404 {
		t.Fatalf("audit-only setup installed the operational template (status %d)", st)
	}
	r = aspaudit(t, e.with("ASPAUDIT_ATLAS__LOG_TYPES", "audit,operational"), "setup")
	mustExit(t, r, exitOK, "setup, both logs")
	if st := template(); st != 200 {
		t.Fatalf("setup with the operational log: template status %d\n%s", st, r.stderr)
	}
	r = aspaudit(t, e.with("ASPAUDIT_ATLAS__LOG_TYPES", "audit,operational"), "check")
	mustExit(t, r, exitOK, "check after setup, both logs")
	if !strings.Contains(r.stderr, "operational log: index template "+opsPrefix+" as aspaudit installs it") {
		t.Errorf("check does not report the operational template:\n%s", r.stderr)
	}
	searchtest.MustDo(t, "DELETE", tg.url, "/_index_template/"+opsPrefix, "")
	r = aspaudit(t, e.with("ASPAUDIT_ATLAS__LOG_TYPES", "audit,operational"), "check")
	mustExit(t, r, exitIncomplete, "check without the operational template")
	if !strings.Contains(r.stderr, "sink: operational log:") {
		t.Errorf("check does not name the missing operational template:\n%s", r.stderr)
	}
}
