package sinktest

import (
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

// ExpectRejections checks that got holds every rejection of want, by event
// id, with its status, reason and document (JSON-equal, or byte-equal when
// not JSON), and nothing else. Extra copies of a wanted rejection are
// allowed: putting again after a failed Put may store twice.
func ExpectRejections(t testing.TB, got, want []pipeline.Rejection) {
	t.Helper()
	byID := make(map[string]pipeline.Rejection, len(want))
	for _, r := range want {
		byID[r.Event.ID] = r
	}
	seen := make(map[string]bool, len(got))
	bad := 0
	for _, g := range got {
		w, ok := byID[g.Event.ID]
		seen[g.Event.ID] = true
		switch {
		case !ok:
			bad++
			report(t, bad, "dead letter %q was never put", g.Event.ID)
		case g.Status != w.Status || g.Reason != w.Reason:
			bad++
			report(t, bad, "dead letter %q: status %d reason %q; want %d %q", g.Event.ID, g.Status, g.Reason, w.Status, w.Reason)
		case !JSONEqual(g.Event.Doc, w.Event.Doc):
			bad++
			report(t, bad, "dead letter %q: document %q; want %q", g.Event.ID, g.Event.Doc, w.Event.Doc)
		}
	}
	for id := range byID {
		if !seen[id] {
			bad++
			report(t, bad, "dead letter %q is missing", id)
		}
	}
	if bad > 0 {
		t.Errorf("%d problems in %d dead letters (want %d)", bad, len(got), len(want))
	}
}
