package file

import (
	"context"
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
)

// heldIDs is the set of event ids a dead-letter directory holds, read from
// its files on the first Put. Dead letters are rare, so the set is small.
type heldIDs struct {
	mu     sync.Mutex
	loaded bool
	ids    map[string]bool
}

// load reads the ids of the directory's files once. Callers hold mu.
func (h *heldIDs) load(ctx context.Context, path string) error {
	if h.loaded {
		return nil
	}
	ids := map[string]bool{}
	err := ScanDeadLetters(ctx, path, func(rec DeadLetterRecord) error {
		ids[rec.ID] = true
		return nil
	})
	if err != nil {
		return err
	}
	h.ids, h.loaded = ids, true
	return nil
}

// fresh returns the rejections whose ids are not held, each id once.
// Callers hold mu.
func (h *heldIDs) fresh(rs []pipeline.Rejection) []pipeline.Rejection {
	var out []pipeline.Rejection
	seen := map[string]bool{}
	for _, r := range rs {
		id := r.Event.ID
		if id != "" && (h.ids[id] || seen[id]) {
			continue
		}
		seen[id] = true
		out = append(out, r)
	}
	return out
}

// add records rs as held. Callers hold mu.
func (h *heldIDs) add(rs []pipeline.Rejection) {
	for _, r := range rs {
		h.ids[r.Event.ID] = true
	}
}
