package sinktest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

// expectStored checks that s holds exactly the events of want (by id, with
// their documents), each exactly once, and nothing else.
func (h *sinkHarness) expectStored(t *testing.T, s pipeline.Sink, want []pipeline.Event) {
	t.Helper()
	ExpectDocs(t, h.opts.Stored(t, s), want)
}

// ExpectDocs checks that got holds every event of want exactly once, with
// a JSON-equal document, and nothing else. Events of want sharing an id
// are expected once.
func ExpectDocs(t testing.TB, got []Doc, want []pipeline.Event) {
	t.Helper()
	wantDoc := make(map[string][]byte, len(want))
	for _, e := range want {
		wantDoc[e.ID] = e.Doc
	}
	seen := make(map[string]int, len(got))
	bad := 0
	for _, d := range got {
		seen[d.ID]++
		w, ok := wantDoc[d.ID]
		switch {
		case !ok:
			bad++
			report(t, bad, "stored document %q was never written (or is from another test)", d.ID)
		case seen[d.ID] == 2:
			bad++
			report(t, bad, "document %q is stored more than once", d.ID)
		case seen[d.ID] == 1 && !JSONEqual(d.Source, w):
			bad++
			report(t, bad, "document %q differs:\n got  %s\n want %s", d.ID, d.Source, w)
		}
	}
	for id := range wantDoc {
		if seen[id] == 0 {
			bad++
			report(t, bad, "document %q is missing", id)
		}
	}
	if bad > 0 {
		t.Errorf("%d problems in %d stored documents (want %d distinct)", bad, len(got), len(wantDoc))
	}
}

// report logs the first few problems of a check.
func report(t testing.TB, n int, format string, args ...any) {
	t.Helper()
	if n <= 5 {
		t.Errorf(format, args...)
	}
}

// JSONEqual reports whether a and b hold the same JSON value (object key
// order and spacing aside). Values that are not JSON compare byte by byte.
func JSONEqual(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(va, vb)
}

// expectResult checks the counts of a settled batch.
func expectResult(t *testing.T, res pipeline.WriteResult, stored, dups, rejected int) {
	t.Helper()
	if res.Stored != stored || res.Duplicates != dups || len(res.Rejected) != rejected {
		t.Errorf("WriteResult: stored %d, duplicates %d, rejected %d; want %d, %d, %d",
			res.Stored, res.Duplicates, len(res.Rejected), stored, dups, rejected)
	}
}

// cloneEvents deep-copies events, so a sink that retains or modifies its
// input can be caught.
func cloneEvents(events []pipeline.Event) []pipeline.Event {
	out := slices.Clone(events)
	for i := range out {
		out[i].Doc = bytes.Clone(out[i].Doc)
	}
	return out
}

func sameEvents(a, b []pipeline.Event) bool {
	return slices.EqualFunc(a, b, func(x, y pipeline.Event) bool {
		return x.ID == y.ID && x.Time.Equal(y.Time) && x.Failed == y.Failed && bytes.Equal(x.Doc, y.Doc)
	})
}
