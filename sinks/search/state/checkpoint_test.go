package state_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/search/state"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

func newStore(t *testing.T, c cluster, index string) *state.CheckpointStore {
	t.Helper()
	cfg := state.NewDefaultConfig()
	cfg.StateIndex = index
	st, err := state.NewCheckpointStore(c.client, cfg, nil)
	if err != nil {
		t.Fatalf("NewCheckpointStore: %v", err)
	}
	return st
}

func TestCheckpointStoreConformance(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		indexOf := map[pipeline.CheckpointStore]string{}
		var mu sync.Mutex
		sinktest.RunCheckpointSuite(t, func(t *testing.T) pipeline.CheckpointStore {
			index := freshIndex(t, c, "aspaudit-state-test-")
			st := newStore(t, c, index)
			mu.Lock()
			indexOf[st] = index
			mu.Unlock()
			return st
		}, sinktest.CheckpointOptions{
			// Another store over the same index, with its own client: as a
			// second process would be.
			Reopen: func(t *testing.T, s pipeline.CheckpointStore) pipeline.CheckpointStore {
				mu.Lock()
				index := indexOf[s]
				mu.Unlock()
				return newStore(t, cluster{url: c.url, client: newClient(t, c.url)}, index)
			},
		})
	})
}

// TestTwoStoresInterleaved has two stores over one index mark interleaved,
// touching ranges of one series in parallel: the final coverage is their
// union, a single range, whatever order the writes land in.
func TestTwoStoresInterleaved(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		index := freshIndex(t, c, "aspaudit-state-test-")
		var retries countingHandler
		cfg := state.NewDefaultConfig()
		cfg.StateIndex = index
		var stores []*state.CheckpointStore
		for range 2 {
			st, err := state.NewCheckpointStore(newClient(t, c.url), cfg, slog.New(&retries))
			if err != nil {
				t.Fatal(err)
			}
			stores = append(stores, st)
		}
		s := pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-a", Processor: "p"}
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		const n = 60
		var wg sync.WaitGroup
		for w := range 6 {
			st := stores[w%2]
			wg.Go(func() {
				for i := w; i < n; i += 6 {
					r := pipeline.Range{Start: base.Add(time.Duration(i) * time.Hour), End: base.Add(time.Duration(i+1) * time.Hour)}
					if err := st.MarkStored(testCtx(t), s, r); err != nil {
						t.Errorf("MarkStored %d: %v", i, err)
						return
					}
				}
			})
		}
		wg.Wait()
		t.Logf("%d marks, %d writes retried after a conflict", n, retries.n.Load())
		want := pipeline.Range{Start: base, End: base.Add(n * time.Hour)}
		for i, st := range stores {
			cov, err := st.Coverage(testCtx(t), s)
			if err != nil {
				t.Fatalf("Coverage: %v", err)
			}
			if len(cov) != 1 || !cov[0].Start.Equal(want.Start) || !cov[0].End.Equal(want.End) {
				t.Errorf("store %d: coverage %v, want the union %v", i, cov, want)
			}
		}
	})
}

// TestStateIndexMapping checks that the store creates its index hidden,
// with its own strict mapping, and that the document id does not depend on
// the series text layout.
func TestStateIndexMapping(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		index := freshIndex(t, c, "aspaudit-state-test-")
		st := newStore(t, c, index)
		s := pipeline.Series{ProjectID: "p", Workspace: "w"}
		r := pipeline.Range{Start: time.Unix(0, 0), End: time.Unix(3600, 0)}
		if err := st.MarkStored(testCtx(t), s, r); err != nil {
			t.Fatalf("MarkStored: %v", err)
		}
		b := searchtest.MustDo(t, http.MethodGet, c.url, "/"+index+"/_settings/index.hidden?flat_settings=true", "")
		if want := fmt.Sprintf(`{"%s":{"settings":{"index.hidden":"true"}}}`, index); string(b) != want {
			t.Errorf("settings %s, want %s", b, want)
		}
		if got := searchtest.Count(t, c.url, index); got != 1 {
			t.Errorf("%d documents for one series", got)
		}
		// strict: a stray field is refused, so the mapping is ours.
		st2, _ := searchtest.Do(t, http.MethodPost, c.url, "/"+index+"/_doc", `{"stray":1}`)
		if st2 != http.StatusBadRequest {
			t.Errorf("a document with an unknown field got status %d, want 400 (strict mapping)", st2)
		}
	})
}

// countingHandler counts log records (the store logs each retry at debug).
type countingHandler struct{ n atomic.Int64 }

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(context.Context, slog.Record) error {
	h.n.Add(1)
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

// TestCheckpointOnBlockedStateIndex: a write block set by hand on the
// state index fails MarkStored at once with a blocked error naming the
// request that lifts it, not after the store's minute of retries (the
// window layer decides: one-shot commands stop, run retries); once lifted,
// the same mark is recorded.
func TestCheckpointOnBlockedStateIndex(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		index := freshIndex(t, c, "aspaudit-state-test-")
		var logged countingHandler // the store logs each retry
		cfg := state.NewDefaultConfig()
		cfg.StateIndex = index
		st, err := state.NewCheckpointStore(c.client, cfg, slog.New(&logged))
		if err != nil {
			t.Fatal(err)
		}
		s := pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-blocked"}
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		first := pipeline.Range{Start: base, End: base.Add(time.Hour)}
		if err := st.MarkStored(testCtx(t), s, first); err != nil {
			t.Fatal(err)
		}
		searchtest.MustDo(t, http.MethodPut, c.url, "/"+index+"/_settings", `{"index.blocks.write": true}`)
		lift := func() {
			searchtest.MustDo(t, http.MethodPut, c.url, "/"+index+"/_settings", `{"index.blocks.write": null}`)
		}
		t.Cleanup(lift)

		next := pipeline.Range{Start: first.End, End: first.End.Add(time.Hour)}
		before := logged.n.Load()
		err = st.MarkStored(testCtx(t), s, next)
		t.Logf("blocked mark: %v", err)
		if !pipeline.IsBlocked(err) || !strings.Contains(err.Error(), `PUT `+index+`/_settings {"index.blocks.write": null}`) {
			t.Fatalf("want a blocked error naming how to lift the block, got %v", err)
		}
		if n := logged.n.Load() - before; n != 0 {
			t.Errorf("the store logged %d retries of the blocked write; want none", n)
		}
		lift()
		if err := st.MarkStored(testCtx(t), s, next); err != nil {
			t.Fatalf("after lifting the block: %v", err)
		}
		if cov, err := st.Coverage(testCtx(t), s); err != nil || len(cov) != 1 || !cov[0].End.Equal(next.End) {
			t.Errorf("coverage %v (%v), want %v–%v", cov, err, first.Start, next.End)
		}
	})
}
