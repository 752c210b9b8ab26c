package main

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// wedgedAfter is how long window attempts may be in flight without any of
// them taking a step (a window started or ended, a batch written) before
// /livez calls the engine wedged. It is longer than any wait the engine
// makes by itself: the sink retries a write for its retry budget (15
// minutes by default), Atlas asks to wait a refill step (a minute) at most,
// and a download that goes quiet fails after atlas.timeouts.idle_read.
const wedgedAfter = time.Hour

// liveness answers /livez, the liveness probe: 200 while the process
// serves and the engine is not wedged. Unlike /healthz (readiness, with
// detail), it does not fail for what a restart cannot mend (a full sink, a
// parked series): a failing liveness probe restarts the container. Between
// passes, with nothing in flight, nothing can be wedged. It is safe for
// concurrent use.
type liveness struct {
	now func() time.Time

	mu       sync.Mutex
	inFlight int       // window attempts started and not ended
	last     time.Time // the last step
}

func newLiveness() *liveness {
	return &liveness{now: time.Now, last: time.Now()}
}

// step records a step of the engine: inFlight changes by delta (+1 when a
// window attempt starts, -1 when it ends, 0 for a batch written).
func (l *liveness) step(delta int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight = max(0, l.inFlight+delta)
	l.last = l.now()
}

// ServeHTTP answers 200 "ok", or 503 saying since when the windows in
// flight have not moved.
func (l *liveness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	l.mu.Lock()
	n, last := l.inFlight, l.last
	l.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if idle := l.now().Sub(last); n > 0 && idle > wedgedAfter {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "engine wedged: %d window attempts in flight and none took a step (window started or ended, batch written) for %s, since %s\n",
			n, idle.Round(time.Second), last.UTC().Format(time.RFC3339))
		return
	}
	fmt.Fprintln(w, "ok")
}
