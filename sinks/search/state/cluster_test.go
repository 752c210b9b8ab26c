package state_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// cluster is a real test server reached through aspaudit's client.
type cluster struct {
	url    string
	client *conn.Client
}

// connect returns the real server of the flavour ("ES" or "OS"), skipping
// when it is not configured (failing under CI).
func connect(t *testing.T, which string) cluster {
	t.Helper()
	u := searchtest.Require(t, which)
	return cluster{url: u, client: newClient(t, u)}
}

// newClient returns a client of its own for the server at u, as another
// process would have.
func newClient(t testing.TB, u string) *conn.Client {
	t.Helper()
	cfg := conn.NewDefaultConfig()
	cfg.URLs = []string{u}
	c, err := conn.New(cfg, nil)
	if err != nil {
		t.Fatalf("conn.New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// forEachCluster runs f as a subtest against each real server.
func forEachCluster(t *testing.T, f func(t *testing.T, c cluster)) {
	for _, which := range []string{"ES", "OS"} {
		t.Run(which, func(t *testing.T) { f(t, connect(t, which)) })
	}
}

// freshIndex returns an index name unique to the test, deleted afterwards.
func freshIndex(t *testing.T, c cluster, prefix string) string {
	name := searchtest.IndexName(t, prefix)
	searchtest.DeleteIndices(t, c.url, name)
	return name
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// storedDeadLetters reads every dead letter of index back as rejections.
func storedDeadLetters(t *testing.T, c cluster, index string) []pipeline.Rejection {
	t.Helper()
	searchtest.Refresh(t, c.url, index)
	b := searchtest.MustDo(t, http.MethodGet, c.url, "/"+index+"/_search?size=10000&ignore_unavailable=true&allow_no_indices=true", "")
	var res struct {
		Hits struct {
			Hits []struct {
				ID     string `json:"_id"`
				Source struct {
					EventID        string    `json:"event_id"`
					EventTime      time.Time `json:"event_time"`
					ParseFailure   bool      `json:"parse_failure"`
					Status         int       `json:"status"`
					Reason         string    `json:"reason"`
					Document       *string   `json:"document"`
					DocumentBase64 string    `json:"document_base64"`
				} `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("decoding dead letters: %v", err)
	}
	out := make([]pipeline.Rejection, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		s := h.Source
		if h.ID != s.EventID {
			t.Errorf("dead letter _id %q holds event %q", h.ID, s.EventID)
		}
		var doc []byte
		if s.Document != nil {
			doc = []byte(*s.Document)
		} else {
			var err error
			if doc, err = base64.StdEncoding.DecodeString(s.DocumentBase64); err != nil {
				t.Errorf("dead letter %s: document_base64: %v", h.ID, err)
			}
		}
		out = append(out, pipeline.Rejection{
			Event:  pipeline.Event{ID: s.EventID, Time: s.EventTime, Doc: doc, Failed: s.ParseFailure},
			Status: s.Status, Reason: s.Reason,
		})
	}
	return out
}
