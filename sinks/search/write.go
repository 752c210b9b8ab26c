package search

import (
	"sync"
	"sync/atomic"

	"github.com/aspaudit/aspaudit/pipeline"
)

// kind is what became of one event.
type kind uint8

const (
	unsettled kind = iota
	stored
	duplicate
	rejected
	unknown // the outcome could not be learnt; err says why
)

// outcome is the settled state of one event.
type outcome struct {
	kind   kind
	status int
	reason string
}

// write tracks the events of one Write call until each is settled. Its
// items may travel in several requests, settled by several senders.
type write struct {
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
func (w *write) read(f func() error) error {
	w.use.RLock()
	defer w.use.RUnlock()
	if w.abandoned.Load() {
		return nil
	}
	return f()
}

// abandon marks the write as given up by its caller and waits until no
// sender reads its documents any more.
func (w *write) abandon() {
	w.abandoned.Store(true)
	w.use.Lock()
	defer w.use.Unlock()
}

func newWrite(n int) *write {
	w := &write{outcomes: make([]outcome, n), left: n, done: make(chan struct{})}
	if n == 0 {
		close(w.done)
	}
	return w
}

// settle records the outcome of event idx.
func (w *write) settle(idx int, o outcome) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.outcomes[idx].kind != unsettled {
		return
	}
	w.outcomes[idx] = o
	w.countDown()
}

// fail records that the outcome of event idx is unknown because of err.
func (w *write) fail(idx int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.outcomes[idx].kind != unsettled {
		return
	}
	if w.err == nil {
		w.err = err
	}
	w.outcomes[idx].kind = unknown
	w.countDown()
}

func (w *write) countDown() {
	w.left--
	if w.left == 0 {
		close(w.done)
	}
}

func (w *write) addRetries(n int) {
	w.mu.Lock()
	w.retries += n
	w.mu.Unlock()
}

// result builds the WriteResult of a settled write from its batch.
func (w *write) result(batch []pipeline.Event) (pipeline.WriteResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return pipeline.WriteResult{Retries: w.retries}, w.err
	}
	r := pipeline.WriteResult{Retries: w.retries}
	for i, o := range w.outcomes {
		switch o.kind {
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
