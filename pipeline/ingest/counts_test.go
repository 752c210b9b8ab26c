package ingest

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

// A window that stops mid-way has written some of its events: the summary
// counts them, and the attempts that follow count them as duplicates.
func TestSummaryCountsEventsOfUnfinishedWindows(t *testing.T) {
	bad := win(seriesA, day(1, 0), day(1, 6))
	r := newRig(t, nil)
	r.e.deps.Source = funcSource(func(_ context.Context, w pipeline.Window) (io.ReadCloser, error) {
		return &errReader{data: []byte(lines(w, 1024)), err: errors.New("connection reset")}, nil
	})
	sum, _ := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: bad.Start, End: bad.End}})
	if sum.Done != 0 || sum.Failed != 1 || sum.Failures[0].Attempts != 3 {
		t.Fatalf("summary %+v", sum)
	}
	st := sum.Stats
	// 20 full batches of 50 are written; the last 24 events wait for a
	// batch that the read error cuts short.
	if got := len(r.sink.docs()); got != 1000 {
		t.Fatalf("the sink holds %d events, want the 1000 of full batches", got)
	}
	if st.Stored != 1000 || st.Duplicates != 2000 || st.Events != 3*1024 || st.Lines != 3*1024 {
		t.Errorf("stats %+v: want stored 1000, duplicates 2000 (attempts 2 and 3), events and lines 3*1024", st)
	}
	if rep := sum.Report(); rep.EventsStored != 1000 {
		t.Errorf("report says stored %d", rep.EventsStored)
	}
}

// A run stopped while a window is being written counts what it wrote.
func TestSummaryCountsEventsOfAbandonedWindows(t *testing.T) {
	r := newRig(t, func(r *rig) { r.cfg.ShutdownTimeout = 0 })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.e.deps.Source = funcSource(func(_ context.Context, w pipeline.Window) (io.ReadCloser, error) {
		return &stopReader{data: []byte(lines(w, 1024)), cancel: cancel}, nil
	})
	sum, _ := r.e.Backfill(ctx, BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(1, 6)}})
	if sum.Done != 0 || sum.Canceled != 1 {
		t.Fatalf("summary %+v", sum)
	}
	stored := int64(len(r.sink.docs()))
	if stored == 0 || sum.Stats.Stored != stored {
		t.Errorf("summary says stored %d, the sink holds %d", sum.Stats.Stored, stored)
	}
}

// stopReader serves data, then cancels the run and blocks until the read
// is abandoned.
type stopReader struct {
	data   []byte
	cancel context.CancelFunc
}

func (r *stopReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		r.cancel()
		return 0, context.Canceled
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func (r *stopReader) Close() error { return nil }
