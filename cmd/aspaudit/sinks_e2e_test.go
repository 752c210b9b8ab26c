package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/file"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/search/state"
)

// target is where a test's events go: the file sink in a temp directory,
// or a real search server with indices unique to the test.
type target struct {
	name string
	env  env
	// stored returns every stored document id with how many times it is
	// stored.
	stored func(t testing.TB) map[string]int
	// checkpoints opens the checkpoint store the binary records in.
	checkpoints func(t testing.TB) pipeline.CheckpointStore

	dataDir string // the file sink's directory (also dead letters)
	url     string // the search server, when there is one
	prefix  string // the index prefix, when there is one
	state   string // the state index, when there is one
}

func fileTarget(t testing.TB) target {
	dir := t.TempDir()
	return target{
		name:    "file",
		dataDir: dir,
		env:     env{"ASPAUDIT_SINK__TYPE": "file", "ASPAUDIT_SINK__FILE__PATH": dir},
		stored: func(t testing.TB) map[string]int {
			t.Helper()
			got := map[string]int{}
			err := file.Scan(context.Background(), dir, func(r file.Record) error {
				got[r.ID]++
				return nil
			})
			if err != nil {
				t.Fatalf("scanning the file sink: %v", err)
			}
			return got
		},
		checkpoints: func(t testing.TB) pipeline.CheckpointStore {
			t.Helper()
			cp, err := file.NewCheckpointStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			return cp
		},
	}
}

// searchTarget returns the ES or OS test server (skipping, or failing
// under CI, when it is not configured) with an index prefix and a state
// index unique to the test, deleted when it ends.
func searchTarget(t testing.TB, which string) target {
	t.Helper()
	u := searchtest.Require(t, which)
	return searchTargetAt(t, which, u, u)
}

// searchTargetAt is searchTarget with the binary talking to sinkURL (a
// proxy, say) while the test reads from u.
func searchTargetAt(t testing.TB, which, u, sinkURL string) target {
	t.Helper()
	prefix := searchtest.IndexName(t, "e2e-audit-")
	stateIdx := searchtest.IndexName(t, "e2e-state-")
	sinkType := "elasticsearch"
	if which == "OS" {
		sinkType = "opensearch"
	}
	searchtest.DeleteIndices(t, u, prefix+"-*")
	searchtest.DeleteIndices(t, u, stateIdx)
	searchtest.DeleteIndexTemplate(t, u, prefix)
	t.Cleanup(func() { deletePolicy(t, u, which, prefix+"-retention") })
	dir := t.TempDir()
	section := "ASPAUDIT_SINK__" + strings.ToUpper(sinkType) + "__"
	return target{
		name: which, url: u, prefix: prefix, state: stateIdx, dataDir: dir,
		env: env{
			"ASPAUDIT_SINK__TYPE":    sinkType,
			section + "URLS":         sinkURL,
			section + "INDEX_PREFIX": prefix,
			section + "STATE_INDEX":  stateIdx,
			section + "LOCAL_PATH":   dir,
		},
		stored: func(t testing.TB) map[string]int { return searchIDs(t, u, prefix+"-*") },
		checkpoints: func(t testing.TB) pipeline.CheckpointStore {
			t.Helper()
			c, err := conn.New(conn.Config{URLs: []string{u}, Timeout: time.Minute}, nil)
			if err != nil {
				t.Fatal(err)
			}
			cp, err := state.NewCheckpointStore(c, state.Config{StateIndex: stateIdx}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return cp
		},
	}
}

func deletePolicy(t testing.TB, u, which, name string) {
	path := "/_ilm/policy/" + url.PathEscape(name)
	if which == "OS" {
		path = "/_plugins/_ism/policies/" + url.PathEscape(name)
	}
	// The integ-test servers have no ILM / ISM plugin: 400 "no handler".
	st, b := searchtest.Do(t, http.MethodDelete, u, path, "")
	if st != http.StatusOK && st != http.StatusNotFound && st != http.StatusBadRequest {
		t.Errorf("deleting policy %s: status %d: %s", name, st, b)
	}
}

// searchIDs scrolls through every document of the indices matching
// pattern and counts each _id (the same id in two indices counts twice).
func searchIDs(t testing.TB, u, pattern string) map[string]int {
	t.Helper()
	searchtest.Refresh(t, u, pattern)
	got := map[string]int{}
	body := searchtest.MustDo(t, http.MethodPost, u,
		"/"+url.PathEscape(pattern)+"/_search?scroll=2m&ignore_unavailable=true&allow_no_indices=true",
		`{"size":5000,"_source":false,"sort":["_doc"],"query":{"match_all":{}}}`)
	for {
		var page struct {
			ScrollID string `json:"_scroll_id"`
			Hits     struct {
				Hits []struct {
					ID string `json:"_id"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("decoding a search page: %v: %.300s", err, body)
		}
		for _, h := range page.Hits.Hits {
			got[h.ID]++
		}
		if len(page.Hits.Hits) == 0 || page.ScrollID == "" {
			if page.ScrollID != "" {
				searchtest.Do(t, http.MethodDelete, u, "/_search/scroll", `{"scroll_id":"`+page.ScrollID+`"}`)
			}
			return got
		}
		body = searchtest.MustDo(t, http.MethodPost, u, "/_search/scroll", `{"scroll":"2m","scroll_id":"`+page.ScrollID+`"}`)
	}
}

// countDocs returns how many documents the indices matching pattern hold,
// as far as the last refresh shows.
func countDocs(t testing.TB, u, pattern string) int {
	t.Helper()
	st, b := searchtest.Do(t, http.MethodGet, u, "/"+url.PathEscape(pattern)+"/_count?ignore_unavailable=true&allow_no_indices=true", "")
	if st != http.StatusOK {
		return 0
	}
	var r struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decoding _count: %v: %s", err, b)
	}
	return r.Count
}

// hostPort returns the host:port of an http URL.
func hostPort(t testing.TB, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		t.Fatalf("%q is not a URL with a host: %v", raw, err)
	}
	return u.Host
}
