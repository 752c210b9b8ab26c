package ingest

import (
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// fullState tracks whether the sink's storage is full, from the attempts'
// outcomes. Windows run concurrently, so an attempt that started before
// the latest change of state is stale and does not flip it back.
type fullState struct {
	mu    sync.Mutex
	since time.Time // when the storage was found full; zero while it has room
	okAt  time.Time // when an attempt last succeeded
}

// failed reports whether an attempt started at start and refused for a
// full storage is news: the first such refusal since the storage had room.
func (f *fullState) failed(start time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.since.IsZero() || f.okAt.After(start) {
		return false
	}
	f.since = time.Now()
	return true
}

// succeeded reports whether an attempt started at start that succeeded
// shows the storage has room again.
func (f *fullState) succeeded(start time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.okAt = time.Now()
	if f.since.IsZero() || !start.After(f.since) {
		return false
	}
	f.since = time.Time{}
	return true
}

// storageFull looks at the outcome of a window attempt started at start
// for a full sink (pipeline.StorageFull: a full disk, a cluster past its
// flood stage). The first such failure is logged once, loudly, and the
// first later attempt that succeeds says space is back. One-shot runs
// (backfill, import, run --once) stop the window at once: the error is
// made permanent, so the window stays uncovered and the run exits 1
// instead of retrying for the whole budget. A service keeps retrying.
// A write block set by hand (pipeline.Blocked) is treated alike, without
// the storage-full report: its error says how to lift it.
func (r *run) storageFull(err error, start time.Time) error {
	if err == nil {
		if r.e.full.succeeded(start) {
			r.e.log.Info("the sink accepts writes again: its storage has room")
		}
		return nil
	}
	if pipeline.IsBlocked(err) && !r.service {
		return pipeline.Permanent(err)
	}
	if !pipeline.IsStorageFull(err) {
		return err
	}
	if r.e.full.failed(start) {
		what := "windows fail until space is freed; run the command again then"
		if r.service {
			what = "windows are retried, none is skipped, until space is freed; /healthz answers 503 meanwhile"
		}
		r.e.log.Error("THE SINK'S STORAGE IS FULL: "+what, "error", err)
	}
	if r.service {
		return err
	}
	return pipeline.Permanent(err)
}
