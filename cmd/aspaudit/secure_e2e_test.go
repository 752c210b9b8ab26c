package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// The state and dead-letter indices the least-privilege roles of
// scripts/os-secure-roles.json grant by name (README's defaults): every run
// against the secured server shares them, kept apart by a project id of its
// own, from which checkpoint and event ids derive (see secureRun).
const (
	secureState      = "aspaudit-state"
	secureDeadLetter = "aspaudit-dead-letter"
)

// secureRun is what one run of the secured tests owns on the server, so
// that checkouts testing at once do not collide: an index prefix within
// the roles' atlas-streams-audit-* and an Atlas project id, both random,
// and the ids of the events served in that project.
type secureRun struct {
	prefix  string
	project string
	ids     map[string]bool
}

// newSecureRun picks the run's names; when t ends, what it wrote is
// deleted (its indices, templates, checkpoints and dead letters).
func newSecureRun(t *testing.T, s *searchtest.Secure) *secureRun {
	t.Helper()
	r := &secureRun{prefix: searchtest.IndexName(t, "atlas-streams-audit-t"), project: randomHex(t)}
	// Earlier versions of this test installed the template of the default
	// prefix, atlas-streams-audit-*, which overlaps every run's own at the
	// same priority: the server refuses a second such template.
	s.AdminDo(t, http.MethodDelete, "/_index_template/atlas-streams-audit", nil, http.StatusNotFound)
	t.Cleanup(func() {
		s.AdminDo(t, http.MethodDelete, "/"+r.prefix+"-*?ignore_unavailable=true&allow_no_indices=true", nil, http.StatusNotFound)
		s.AdminDo(t, http.MethodDelete, "/_index_template/"+r.prefix, nil, http.StatusNotFound)
		s.AdminDo(t, http.MethodDelete, "/_component_template/"+r.prefix+"@custom", nil, http.StatusNotFound)
		deleteMatching(t, s, secureState, map[string]any{"term": map[string]any{"series.project_id": r.project}})
		deleteMatching(t, s, secureDeadLetter, r.deadLetters())
	})
	return r
}

// deleteMatching deletes the documents of index that query matches (the
// test server has no _delete_by_query: its reindex module is not there).
func deleteMatching(t *testing.T, s *searchtest.Secure, index string, query map[string]any) {
	t.Helper()
	ids, found := secureHits(t, s, index, query)
	if !found {
		return
	}
	var bulk bytes.Buffer
	for _, id := range ids {
		fmt.Fprintf(&bulk, "{\"delete\":{\"_index\":%q,\"_id\":%q}}\n", index, id)
	}
	if bulk.Len() > 0 {
		s.AdminDo(t, http.MethodPost, "/_bulk?refresh=true", bulk.Bytes())
	}
}

// deadLetters is the query of the run's dead letters.
func (r *secureRun) deadLetters() map[string]any {
	return map[string]any{"terms": map[string]any{"event_id": slices.Collect(maps.Keys(r.ids))}}
}

// secureSink is the sink configuration of every secured-cluster test: the
// one place that knows the configuration keys. caFile "" leaves ca_file
// unset (the system's roots); more holds further sink keys and values
// ("retention", "30d").
func secureSink(s *searchtest.Secure, u searchtest.User, caFile, prefix string, more ...string) env {
	const os = "ASPAUDIT_SINK__OPENSEARCH__"
	e := env{
		"ASPAUDIT_SINK__TYPE":           "opensearch",
		os + "URLS":                     s.URL,
		os + "USERNAME":                 u.Name,
		os + "PASSWORD":                 u.Password,
		os + "TLS_INSECURE_SKIP_VERIFY": "false",
		os + "INDEX_PREFIX":             prefix,
		os + "STATE_INDEX":              secureState,
		os + "DEAD_LETTER_INDEX":        secureDeadLetter,
	}
	if caFile != "" {
		e[os+"CA_FILE"] = caFile
	}
	for i := 0; i+1 < len(more); i += 2 {
		e[os+strings.ToUpper(more[i])] = more[i+1]
	}
	return e
}

// TestSecuredOpenSearch drives the binary against OpenSearch with the
// security plugin: HTTPS verified against the test CA, setup as the admin,
// backfill / run / check as the least-privilege user, and the failures a
// user makes (wrong CA, wrong password, a missing privilege).
func TestSecuredOpenSearch(t *testing.T) {
	binary(t)
	s := searchtest.RequireSecure(t)
	run := newSecureRun(t, s)
	securePrefix := run.prefix

	day := 24 * time.Hour
	from := time.Now().UTC().Truncate(day).Add(-3 * day)
	to := from.Add(2 * day)
	fake := newFakeAtlas(t, atlastest.Config{})
	srv := serveGeneratedIn(fake, run.project, 4242, from, to, 300)
	want := srv.ids(nil)
	run.ids = want
	_, _, events, _ := srv.counts(t)
	base := fake.env(serviceAccountConfigVars).with("ASPAUDIT_ATLAS__PROJECTS", run.project,
		"ASPAUDIT_PIPELINE__WINDOW", "12h", "ASPAUDIT_SINK__OPENSEARCH__LOCAL_PATH", t.TempDir())
	as := func(u searchtest.User, caFile, prefix string, more ...string) env {
		return base.with(envPairs(secureSink(s, u, caFile, prefix, more...))...)
	}
	backfill := []string{"backfill", "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--report", "json"}

	t.Run("setup as the setup user", func(t *testing.T) {
		r := aspaudit(t, as(s.Setup, s.CAFile, securePrefix), "setup")
		mustExit(t, r, exitOK, "setup as the setup user")
		s.AdminDo(t, http.MethodGet, "/_index_template/"+securePrefix, nil)
	})
	t.Run("setup as admin", func(t *testing.T) {
		r := aspaudit(t, as(s.Admin, s.CAFile, securePrefix), "setup")
		mustExit(t, r, exitOK, "setup as admin")
	})
	t.Run("backfill as the writer", func(t *testing.T) {
		r := aspaudit(t, as(s.Writer, s.CAFile, securePrefix), backfill...)
		mustExit(t, r, exitOK, "backfill as the writer")
		if rep := parseReport(t, r); rep.EventsStored != events || rep.DeadLettered != 0 {
			t.Errorf("backfill: %+v; want %d events stored", rep, events)
		}
		idDiff(t, "after the backfill", want, secureIDs(t, s, securePrefix+"-*"))
		// The checkpoints were written and are read back under the role.
		r = aspaudit(t, as(s.Writer, s.CAFile, securePrefix), backfill...)
		mustExit(t, r, exitOK, "second backfill")
		if rep := parseReport(t, r); rep.WindowsPlanned != 0 {
			t.Errorf("second backfill planned %d windows; want 0 (all checkpointed)", rep.WindowsPlanned)
		}
	})
	t.Run("run --once as the writer", func(t *testing.T) {
		r := aspaudit(t, as(s.Writer, s.CAFile, securePrefix), "run", "--once", "--report", "json")
		mustExit(t, r, exitOK, "run --once as the writer")
		idDiff(t, "after run --once", want, secureIDs(t, s, securePrefix+"-*"))
	})
	t.Run("check as the writer", func(t *testing.T) {
		r := aspaudit(t, as(s.Writer, s.CAFile, securePrefix), "check")
		mustExit(t, r, exitOK, "check as the writer")
	})
	t.Run("retention as the writer", func(t *testing.T) {
		// An index whose month ended long ago: retention deletes it.
		old := securePrefix + "-2020.01"
		s.AdminDo(t, http.MethodPut, "/"+old, nil)
		r := aspaudit(t, as(s.Writer, s.CAFile, securePrefix, "retention", "400d"), backfill...)
		mustExit(t, r, exitOK, "backfill with retention")
		if strings.Contains(r.stderr, "retention failed") {
			t.Errorf("retention failed under the writer's role:\n%s", r.stderr)
		}
		if st, _ := s.Do(t, s.Admin, http.MethodHead, "/"+old, nil); st != http.StatusNotFound {
			t.Errorf("%s after retention: HTTP %d; want it deleted", old, st)
		}
	})
	t.Run("wrong CA", func(t *testing.T) {
		r := aspaudit(t, as(s.Writer, otherCA(t), securePrefix), "check")
		if r.code == exitOK || r.signaled {
			t.Fatalf("check trusting another CA: %v", r)
		}
		if !strings.Contains(r.stderr, "certificate signed by unknown authority") || !strings.Contains(r.stderr, "ca_file") {
			t.Errorf("check trusting another CA does not name the certificate problem and ca_file:\n%s", r.stderr)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		bad := searchtest.User{Name: s.Writer.Name, Password: "not-the-password"}
		e := as(bad, s.CAFile, securePrefix).with("ASPAUDIT_PIPELINE__RETRY__BUDGET", "30m")
		r := aspaudit(t, e, backfill[:len(backfill)-2]...)
		if r.code == exitOK || r.signaled {
			t.Fatalf("backfill with a wrong password: %v", r)
		}
		if !strings.Contains(r.stderr, "401") || !strings.Contains(r.stderr, "password") {
			t.Errorf("backfill with a wrong password does not say 401 and what to check:\n%s", r.stderr)
		}
	})
	t.Run("a missing privilege", func(t *testing.T) {
		testMissingPrivilege(t, s, as, securePrefix)
	})
	t.Run("dead letters as the writer", func(t *testing.T) {
		testSecureDeadLetters(t, s, as, run, backfill, events, from, to)
	})
}

// testMissingPrivilege: a user whose role lacks reading the state index
// gets a check report naming that action and the index.
func testMissingPrivilege(t *testing.T, s *searchtest.Secure, as func(searchtest.User, string, string, ...string) env, prefix string) {
	const action = "indices:data/read/get"
	role := s.Roles(t)["aspaudit_writer"]
	for i, p := range role.IndexPermissions {
		if slices.Contains(p.Patterns, secureState) {
			role.IndexPermissions[i].Actions = slices.DeleteFunc(slices.Clone(p.Actions), func(a string) bool { return a == action })
		}
	}
	role.User, role.Env = "", ""
	// Names of this run's own: another checkout's run may use its own
	// user at the same time.
	id := randomHex(t)
	u := searchtest.User{Name: "aspaudit-minus-get-" + id, Password: "Aa1-" + randomHex(t)}
	roleName := "aspaudit_minus_get_" + id
	securityAPI(t, s, http.MethodPut, "roles/"+roleName, role)
	securityAPI(t, s, http.MethodPut, "internalusers/"+u.Name, map[string]any{"password": u.Password})
	securityAPI(t, s, http.MethodPut, "rolesmapping/"+roleName, map[string]any{"users": []string{u.Name}})
	t.Cleanup(func() {
		for _, p := range []string{"rolesmapping/" + roleName, "internalusers/" + u.Name, "roles/" + roleName} {
			securityAPI(t, s, http.MethodDelete, p, nil, http.StatusNotFound)
		}
	})

	r := aspaudit(t, as(u, s.CAFile, prefix), "check")
	mustExit(t, r, exitIncomplete, "check without "+action)
	if !strings.Contains(r.stderr, action) || !strings.Contains(r.stderr, secureState) {
		t.Errorf("check does not name the missing %s on %s:\n%s", action, secureState, r.stderr)
	}
}

// securityAPI calls the security plugin's REST API (path under
// /_plugins/_security/api/) as the admin, failing the test unless the
// answer is 2xx or one of okAlso. The plugin keeps each kind of object
// (users, roles, mappings) in one document: runs changing it at once meet
// a version conflict (409), which is retried.
func securityAPI(t *testing.T, s *searchtest.Secure, method, path string, body any, okAlso ...int) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		st, b := s.Do(t, s.Admin, method, "/_plugins/_security/api/"+path, body)
		if st == http.StatusConflict && attempt < 20 {
			time.Sleep(time.Duration(attempt) * 50 * time.Millisecond)
			continue
		}
		if st/100 != 2 && !slices.Contains(okAlso, st) {
			t.Fatalf("%s %s as admin: HTTP %d: %.500s", method, path, st, b)
		}
		return
	}
}

// testSecureDeadLetters: events the cluster refuses (event.original mapped
// as a number in a pre-created index) land in the dead-letter index, under
// the writer's role, each with its reason.
func testSecureDeadLetters(t *testing.T, s *searchtest.Secure, as func(searchtest.User, string, string, ...string) env, run *secureRun, backfill []string, events int64, from, to time.Time) {
	prefix := run.prefix
	// Start over: no events, the template kept; --force reads the range
	// again although it is covered.
	s.AdminDo(t, http.MethodDelete, "/"+prefix+"-*", nil)
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		idx := prefix + "-" + m.Format("2006.01")
		s.AdminDo(t, http.MethodPut, "/"+idx, map[string]any{
			"mappings": map[string]any{"properties": map[string]any{"event": map[string]any{
				"properties": map[string]any{"original": map[string]any{"type": "long"}}}}},
		})
	}
	r := aspaudit(t, as(s.Writer, s.CAFile, prefix), append(slices.Clone(backfill), "--force")...)
	rep := parseReport(t, r)
	if rep.DeadLettered != events || rep.EventsStored != 0 {
		t.Fatalf("backfill into refusing indices: %+v; want all %d events dead-lettered\n%v", rep, events, r)
	}
	s.AdminDo(t, http.MethodPost, "/"+secureDeadLetter+"/_refresh", nil)
	var got struct {
		Count int64 `json:"count"`
	}
	if err := json.Unmarshal(s.AdminDo(t, http.MethodPost, "/"+secureDeadLetter+"/_count", map[string]any{"query": run.deadLetters()}), &got); err != nil {
		t.Fatal(err)
	}
	if got.Count != events {
		t.Errorf("dead-letter index holds %d entries; want %d", got.Count, events)
	}
}

// secureIDs returns every document id under pattern with its count.
func secureIDs(t *testing.T, s *searchtest.Secure, pattern string) map[string]int {
	t.Helper()
	s.AdminDo(t, http.MethodPost, "/"+pattern+"/_refresh", nil)
	got := map[string]int{}
	ids, found := secureHits(t, s, pattern, map[string]any{"match_all": map[string]any{}})
	if !found {
		t.Fatalf("no index %s", pattern)
	}
	for _, id := range ids {
		got[id]++
	}
	return got
}

// secureHits returns the ids of the documents (up to 10,000) under
// pattern that query matches, as the admin; found is false when no such
// index exists.
func secureHits(t *testing.T, s *searchtest.Secure, pattern string, query map[string]any) (ids []string, found bool) {
	t.Helper()
	st, b := s.Do(t, s.Admin, http.MethodPost, "/"+pattern+"/_search", map[string]any{"size": 10000, "_source": false, "query": query})
	if st == http.StatusNotFound {
		return nil, false
	}
	var page struct {
		Hits struct {
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &page); err != nil || st != http.StatusOK {
		t.Fatalf("searching %s: HTTP %d %v: %.300s", pattern, st, err, b)
	}
	for _, h := range page.Hits.Hits {
		ids = append(ids, h.ID)
	}
	return ids, true
}

// otherCA writes a CA certificate the server's certificate does not chain
// to, and returns its file.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "some other CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// randomHex returns 24 random hexadecimal digits (the shape of an Atlas
// project id).
func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// TestSecureRolesMatchREADME: README's OpenSearch privileges table names
// exactly the actions of the roles the secured test server runs with.
func TestSecureRolesMatchREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "#### OpenSearch privileges")
	end := strings.Index(text, "#### Elasticsearch privileges")
	if start < 0 || end < start {
		t.Fatal("README has no OpenSearch privileges section followed by the Elasticsearch one")
	}
	section := text[start:end]
	// The ISM paragraph after the table names untested extras.
	if i := strings.Index(section, "Where the ISM plugin"); i >= 0 {
		section = section[:i]
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("`((?:cluster|indices):[^`]+)`").FindAllStringSubmatch(section, -1) {
		documented[m[1]] = true
	}
	b, err := os.ReadFile("../../scripts/os-secure-roles.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Roles map[string]searchtest.Role `json:"roles"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	granted := map[string]bool{}
	for name, r := range f.Roles {
		if len(r.ClusterPerms) == 0 || len(r.IndexPermissions) == 0 {
			t.Errorf("role %s grants nothing", name)
		}
		for _, a := range r.ClusterPerms {
			granted[a] = true
		}
		for _, p := range r.IndexPermissions {
			for _, a := range p.Actions {
				granted[a] = true
			}
			for _, pat := range p.Patterns {
				if !strings.Contains(section, "`"+pat+"`") {
					t.Errorf("README does not name the index pattern %s of role %s", pat, name)
				}
			}
		}
	}
	for a := range granted {
		if !documented[a] {
			t.Errorf("the test roles grant %s, README does not document it", a)
		}
	}
	for a := range documented {
		if !granted[a] {
			t.Errorf("README documents %s, the test roles do not grant it", a)
		}
	}
}
