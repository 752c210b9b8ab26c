package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/dashboards"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// checkFake serves the e2e workspaces, with no line.
func checkFake(t *testing.T) *fakeAtlas {
	fake := newFakeAtlas(t, atlastest.Config{})
	for _, ws := range e2eWorkspaces {
		fake.AddWorkspace(e2eProject, ws, nil)
	}
	return fake
}

func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "aspaudit.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCheckAgainstFake: check passes with every workspace found, and
// fails with exit 1 naming a workspace that does not exist; with both
// kinds of credential. It creates nothing: the data directory it reports
// as missing stays missing.
func TestCheckAgainstFake(t *testing.T) {
	t.Parallel()
	binary(t)
	for _, kind := range []credKind{serviceAccountCLIVars, apiKeyConfigVars} {
		fake := checkFake(t)
		data := filepath.Join(t.TempDir(), "not-yet")
		e := fake.env(kind).with("ASPAUDIT_SINK__TYPE", "file", "ASPAUDIT_SINK__FILE__PATH", data)

		r := aspaudit(t, e, "check")
		mustExit(t, r, exitOK, "check, every workspace")
		if !strings.Contains(r.stderr, "data directory "+data+" does not exist yet; it can be created") {
			t.Errorf("check does not report the missing data directory:\n%s", r.stderr)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("check created the data directory (stat: %v)", err)
		}
		for _, ws := range e2eWorkspaces {
			if !strings.Contains(r.stderr, ws) {
				t.Errorf("check does not list workspace %s:\n%s", ws, r.stderr)
			}
		}

		delete(e, "ASPAUDIT_ATLAS__PROJECTS")
		cfg := writeConfig(t, "atlas:\n  projects:\n    - id: "+e2eProject+"\n      workspaces: [ws-alpha, ws-gamma]\n")
		r = aspaudit(t, e, "check", "--config", cfg)
		mustExit(t, r, exitIncomplete, "check, a wrong workspace name")
		if !strings.Contains(r.stderr, `"ws-gamma"`) || strings.Contains(r.stderr, `"ws-alpha" does not exist`) {
			t.Errorf("check should name ws-gamma, and only it, as missing:\n%s", r.stderr)
		}
	}
}

func TestSetupAndCheckElasticsearch(t *testing.T) {
	t.Parallel()
	testSetupAndCheck(t, searchTarget(t, "ES"))
}

func TestSetupAndCheckOpenSearch(t *testing.T) {
	t.Parallel()
	testSetupAndCheck(t, searchTarget(t, "OS"))
}

// testSetupAndCheck: check reports the missing template (exit 1); setup
// installs it and the state index (exit 0); check then passes.
func testSetupAndCheck(t *testing.T, tg target) {
	binary(t)
	fake := checkFake(t)
	e := fake.env(serviceAccountConfigVars).with(envPairs(tg.env)...)

	r := aspaudit(t, e, "check")
	mustExit(t, r, exitIncomplete, "check before setup")
	if !strings.Contains(r.stderr, "index template "+tg.prefix) {
		t.Errorf("check before setup does not name the missing template %s:\n%s", tg.prefix, r.stderr)
	}

	r = aspaudit(t, e, "setup")
	mustExit(t, r, exitOK, "setup")
	body := searchtest.MustDo(t, http.MethodGet, tg.url, "/_index_template/"+url.PathEscape(tg.prefix), "")
	if !strings.Contains(string(body), `"`+tg.prefix+`-*"`) {
		t.Errorf("index template %s does not match %s-*: %s", tg.prefix, tg.prefix, body)
	}
	if st, b := searchtest.Do(t, http.MethodGet, tg.url, "/"+url.PathEscape(tg.state), ""); st != http.StatusOK {
		t.Errorf("state index %s after setup: status %d: %s", tg.state, st, b)
	}

	export := filepath.Join(t.TempDir(), "saved-objects.ndjson")
	r = aspaudit(t, e, "setup", "--export", export)
	mustExit(t, r, exitOK, "setup again, exporting the saved objects")
	checkExport(t, export, tg)
	if !strings.Contains(r.stderr, "--form file=@"+export) {
		t.Errorf("setup --export does not say how to import %s:\n%s", export, r.stderr)
	}
	r = aspaudit(t, e, "check")
	mustExit(t, r, exitOK, "check after setup")
	if !strings.Contains(r.stderr, "state index "+tg.state+" can be read") {
		t.Errorf("check does not report the state index %s:\n%s", tg.state, r.stderr)
	}
}

// checkExport reads what setup --export wrote: the saved objects of the
// target's product, their data view matching the target's indices.
func checkExport(t *testing.T, path string, tg target) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("setup --export wrote nothing: %v", err)
	}
	f := dashboards.Kibana
	if tg.name == "OS" {
		f = dashboards.OpenSearchDashboards
	}
	x, err := dashboards.ParseExport(b)
	if err == nil {
		err = x.Check(f)
	}
	if err != nil {
		t.Fatalf("the exported objects are not a valid %s export: %v", f, err)
	}
	if !strings.Contains(string(b), `"title":"`+tg.prefix+`-*"`) || strings.Contains(string(b), dashboards.DefaultIndexPattern) {
		t.Errorf("the exported data view does not match %s-* only", tg.prefix)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	binary(t)
	r := aspaudit(t, env{}, "version")
	mustExit(t, r, exitOK, "version")
	if !regexp.MustCompile(`^aspaudit \S+.* go1\.\d+`).MatchString(r.stdout) {
		t.Errorf("version prints %q", r.stdout)
	}
}

// TestUsageErrors: usage mistakes exit 2 before anything is contacted.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	binary(t)
	fake := checkFake(t)
	e := fake.env(serviceAccountConfigVars).with(envPairs(fileTarget(t).env)...)
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"backfill"},
		{"backfill", "--from", "yesterday"},
		{"backfill", "--from", "2026-11-02", "--to", "2026-11-01"},
		{"backfill", "--from", "2d", "--report", "xml"},
		{"backfill", "--from", "2d", "--project", "not-an-id"},
		{"run", "--no-such-flag"},
		{"import", "--project", e2eProject},
	} {
		r := aspaudit(t, e, args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, r.code, exitUsage, r)
		}
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("usage errors made %d requests to Atlas", n)
	}
	r := aspaudit(t, e, "backfill", "--help")
	mustExit(t, r, exitOK, "backfill --help")
	if !strings.Contains(r.stdout, "--from") {
		t.Errorf("backfill --help does not mention --from:\n%s", r.stdout)
	}
}
