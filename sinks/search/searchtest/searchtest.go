// Package searchtest helps integration tests that need a real Elasticsearch
// or OpenSearch server: it finds the server's URL, names indices uniquely and
// cleans them up, and counts documents.
//
// The servers come from scripts/search-servers.sh, which prints the URLs to
// export as ASPAUDIT_TEST_ES_URL and ASPAUDIT_TEST_OS_URL.
package searchtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// Env names the environment variable holding the URL of each flavour.
var Env = map[string]string{
	"ES": "ASPAUDIT_TEST_ES_URL",
	"OS": "ASPAUDIT_TEST_OS_URL",
}

// Require returns the URL of the test server of the given flavour, "ES" or
// "OS". When its variable is unset the test is skipped, except under CI
// (CI=true) where a skip would hide a missing server, so the test fails.
func Require(t testing.TB, which string) string {
	t.Helper()
	name, ok := Env[which]
	if !ok {
		t.Fatalf("searchtest.Require: unknown flavour %q (want ES or OS)", which)
	}
	u := strings.TrimRight(os.Getenv(name), "/")
	if u != "" {
		return u
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: integration tests must not skip under CI (start the servers with scripts/search-servers.sh up)", name)
	}
	t.Skipf("%s not set; start the servers with scripts/search-servers.sh up and export it", name)
	return ""
}

// IndexName returns prefix followed by a random suffix, lower case, so that
// concurrent tests and repeated runs never share an index.
func IndexName(t testing.TB, prefix string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random index suffix: %v", err)
	}
	return strings.ToLower(prefix) + hex.EncodeToString(b[:])
}

// client is used for all helper requests; the servers are local.
var client = &http.Client{Timeout: 60 * time.Second}

// Do sends a request with an optional JSON (or NDJSON) body and returns the
// status and body. It fails the test on a transport error only, so callers
// can assert on any status.
func Do(t testing.TB, method, u, path string, body string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	// Not t.Context(): Do also runs in cleanups, after it is canceled.
	req, err := http.NewRequestWithContext(context.Background(), method, strings.TrimRight(u, "/")+path, r)
	if err != nil {
		t.Fatalf("building %s %s: %v", method, path, err)
	}
	if body != "" {
		ct := "application/json"
		if strings.HasSuffix(path, "_bulk") || strings.Contains(path, "_bulk?") {
			ct = "application/x-ndjson"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// MustDo is Do that also fails the test unless the status is 2xx.
func MustDo(t testing.TB, method, u, path string, body string) []byte {
	t.Helper()
	st, b := Do(t, method, u, path, body)
	if st < 200 || st > 299 {
		t.Fatalf("%s %s: status %d: %s", method, path, st, b)
	}
	return b
}

// Count refreshes the indices matching index (a name or pattern) and
// returns how many documents they hold.
func Count(t testing.TB, u, index string) int {
	t.Helper()
	p := "/" + url.PathEscape(index)
	MustDo(t, http.MethodPost, u, p+"/_refresh?ignore_unavailable=true&allow_no_indices=true", "")
	b := MustDo(t, http.MethodGet, u, p+"/_count?ignore_unavailable=true&allow_no_indices=true", "")
	var r struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decoding _count of %s: %v: %s", index, err, b)
	}
	return r.Count
}

// DeleteIndices registers a cleanup that deletes every index matching
// pattern (a name or a wildcard pattern) when the test ends. Names are
// resolved first, because Elasticsearch refuses wildcard deletes by default
// (action.destructive_requires_name).
func DeleteIndices(t testing.TB, u, pattern string) {
	t.Helper()
	t.Cleanup(func() {
		for _, name := range Indices(t, u, pattern) {
			st, b := Do(t, http.MethodDelete, u, "/"+url.PathEscape(name), "")
			if st != http.StatusOK && st != http.StatusNotFound {
				t.Errorf("deleting index %s: status %d: %s", name, st, b)
			}
		}
	})
}

// Indices returns the names of the indices matching pattern, hidden ones
// included.
func Indices(t testing.TB, u, pattern string) []string {
	t.Helper()
	p := "/" + url.PathEscape(pattern) + "/_settings/index.uuid?expand_wildcards=all&ignore_unavailable=true&allow_no_indices=true"
	b := MustDo(t, http.MethodGet, u, p, "")
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decoding index list for %s: %v", pattern, err)
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	return names
}

// Refresh makes recent writes to the indices matching index searchable.
func Refresh(t testing.TB, u, index string) {
	t.Helper()
	MustDo(t, http.MethodPost, u, "/"+url.PathEscape(index)+"/_refresh?ignore_unavailable=true&allow_no_indices=true", "")
}

// DeleteIndexTemplate registers a cleanup that deletes the composable
// index template name, then the component template name@custom it
// composes, when the test ends.
func DeleteIndexTemplate(t testing.TB, u, name string) {
	t.Helper()
	t.Cleanup(func() {
		st, b := Do(t, http.MethodDelete, u, "/_index_template/"+url.PathEscape(name), "")
		if st != http.StatusOK && st != http.StatusNotFound {
			t.Errorf("deleting index template %s: status %d: %s", name, st, b)
		}
		st, b = Do(t, http.MethodDelete, u, "/_component_template/"+url.PathEscape(name+"@custom"), "")
		if st != http.StatusOK && st != http.StatusNotFound {
			t.Errorf("deleting component template %s@custom: status %d: %s", name, st, b)
		}
	})
}
