package search

import (
	"sync"
	"sync/atomic"

	"github.com/aspaudit/aspaudit/pipeline"
)

// fate is what became of one event.
type fate uint8

const (
	unsettled fate = iota
	stored
	duplicate
	rejected
	unknown // the outcome could not be learnt; err says why
)

// outcome is the settled state of one event.
type outcome struct {
	fate   fate
	status int
	reason string
}

// writeCall tracks the events of one Write call until each is settled. Its
// items may travel in several requests, settled by several senders.
type writeCall struct {
	mu       sync.Mutex
	outcomes []outcome
	left     int
	err      error // the first failure: the outcome of some events is unknown
	retries  int
	done     chan struct{}

	// use guards the caller's documents: senders read them only under
	// use.RLock and after checking abandoned, and a Write call returning
	// early takes use.Lock after setting abandoned, so that once it has
	// returned nothing reads the batch it was given.
	use       sync.RWMutex
	abandoned atomic.Bool
}

// read runs f, which reads the write's documents, unless the write was
// abandoned; then it does nothing.
func (w *writeCall) read(f func() error) error {
	w.use.RLock()
	defer w.use.RUnlock()
	if w.abandoned.Load() {
		return nil
	}
	return f()
}

// abandon marks the write as given up by its caller and waits until no
// sender reads its documents any more.
func (w *writeCall) abandon() {
	w.abandoned.Store(true)
	w.use.Lock()
	defer w.use.Unlock()
}

func newWriteCall(n int) *writeCall {
	w := &writeCall{outcomes: make([]outcome, n), left: n, done: make(chan struct{})}
	if n == 0 {
		close(w.done)
	}
	return w
}

// settle records the outcome of event idx.
func (w *writeCall) settle(idx int, o outcome) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.outcomes[idx].fate != unsettled {
		return
	}
	w.outcomes[idx] = o
	w.countDown()
}

// fail records that the outcome of event idx is unknown because of err.
func (w *writeCall) fail(idx int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.outcomes[idx].fate != unsettled {
		return
	}
	if w.err == nil {
		w.err = err
	}
	w.outcomes[idx].fate = unknown
	w.countDown()
}

func (w *writeCall) countDown() {
	w.left--
	if w.left == 0 {
		close(w.done)
	}
}

func (w *writeCall) addRetries(n int) {
	w.mu.Lock()
	w.retries += n
	w.mu.Unlock()
}

// result builds the WriteResult of a settled write from its batch.
func (w *writeCall) result(batch []pipeline.Event) (pipeline.WriteResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return pipeline.WriteResult{Retries: w.retries}, w.err
	}
	r := pipeline.WriteResult{Retries: w.retries}
	for i, o := range w.outcomes {
		switch o.fate {
		case stored:
			r.Stored++
		case duplicate:
			r.Duplicates++
		case rejected:
			r.Rejected = append(r.Rejected, pipeline.Rejection{Event: batch[i], Status: o.status, Reason: o.reason})
		}
	}
	return r, nil
}
