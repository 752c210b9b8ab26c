package atlastest

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Ingestion is an audit log that keeps growing while it is read, as a
// live workspace's does in Atlas, and whose events are published late:
// from Start on, one event happens in each slot of Every (at a repeatable
// moment inside it), and a share Late of them becomes downloadable only a
// repeatable delay of up to MaxDelay after it happened (the others at
// once). A download serves the events of its window published by the
// moment it arrived (Query.At), so a window read early misses the late
// ones, and reading it again later finds them: what a client's lag and
// overlap must cope with. Stop ends the ingestion: no event happens from
// then on, while those that happened before it are still published late.
//
// One Ingestion drives the logs of several workspaces (Func, one per
// workspace with a distinct Generator seed). It is safe for concurrent use.
type Ingestion struct {
	// Start is when the first event happens (its slot begins).
	Start time.Time
	// Every is the slot length: one event per slot; zero means a second.
	Every time.Duration
	// MaxDelay is the longest publication delay of a late event.
	MaxDelay time.Duration
	// Late is the share of events published late, between 0 and 1.
	Late float64

	mu      sync.Mutex
	stop    time.Time
	skipped map[uint64]map[int]bool // seed -> events a download reached unpublished
}

// Func returns the log of one workspace whose lines g writes; give each
// workspace a distinct g.Seed. Use it with AddWorkspaceFunc.
func (in *Ingestion) Func(g Generator) LogFunc {
	return func(q Query, yield func([]byte) bool) {
		at := q.At
		if at.IsZero() {
			at = time.Now()
		}
		end := q.End
		if stop := in.Stopped(); !stop.IsZero() && stop.Before(end) {
			end = stop
		}
		for i := in.first(q.Start); ; i++ {
			t, delay := in.event(g.Seed, i)
			if !t.Before(end) {
				return
			}
			if t.Before(q.Start) {
				continue
			}
			if t.Add(delay).After(at) {
				in.reachedUnpublished(g.Seed, i)
				continue
			}
			l := g.Line(i, t)
			if q.Processor != "" && l.Processor != q.Processor {
				continue
			}
			if !yield([]byte(l.Text)) {
				return
			}
		}
	}
}

// Stop ends the ingestion now, if it was not stopped yet, and returns the
// moment it stopped: no event happens from then on.
func (in *Ingestion) Stop() time.Time {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.stop.IsZero() {
		in.stop = time.Now().UTC()
	}
	return in.stop
}

// Stopped returns when the ingestion stopped, or the zero time.
func (in *Ingestion) Stopped() time.Time {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.stop
}

// Lines returns every event of g's log that happened before until (and
// before the stop), published or not yet, sorted by time.
func (in *Ingestion) Lines(g Generator, until time.Time) []Line {
	if stop := in.Stopped(); !stop.IsZero() && stop.Before(until) {
		until = stop
	}
	var out []Line
	for i := 0; ; i++ {
		t, _ := in.event(g.Seed, i)
		if !t.Before(until) {
			return out
		}
		out = append(out, g.Line(i, t))
	}
}

// ReachedUnpublished returns how many distinct events some download's
// window held before they were published: events only a later read of
// their window can find.
func (in *Ingestion) ReachedUnpublished() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := 0
	for _, s := range in.skipped {
		n += len(s)
	}
	return n
}

func (in *Ingestion) reachedUnpublished(seed uint64, i int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.skipped == nil {
		in.skipped = map[uint64]map[int]bool{}
	}
	if in.skipped[seed] == nil {
		in.skipped[seed] = map[int]bool{}
	}
	in.skipped[seed][i] = true
}

func (in *Ingestion) every() time.Duration {
	if in.Every <= 0 {
		return time.Second
	}
	return in.Every
}

// first is the first slot whose event may be at or after t.
func (in *Ingestion) first(t time.Time) int {
	if !t.After(in.Start) {
		return 0
	}
	return int(t.Sub(in.Start) / in.every())
}

// event returns when event i of the log seeded seed happens and how long
// after that it is published.
func (in *Ingestion) event(seed uint64, i int) (time.Time, time.Duration) {
	every := in.every()
	r := rand.New(rand.NewPCG(seed^0x1a7e, uint64(i)))
	t := in.Start.Add(every*time.Duration(i) + time.Duration(r.Int64N(int64(every)))).Truncate(time.Millisecond).UTC()
	var delay time.Duration
	if late := r.Float64(); late < in.Late && in.MaxDelay > 0 {
		delay = time.Duration(r.Int64N(int64(in.MaxDelay) + 1))
	}
	return t, delay
}
