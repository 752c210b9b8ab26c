package search

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errClosed is returned by Write after Close.
var errClosed = errors.New("search sink is closed")

// request is a bulk request being filled or waiting for a sender.
type request struct {
	items    []*item
	bytes    int
	first    time.Time // when its first item came
	timerSet bool
}

// queue coalesces the items of concurrent Write calls into bulk requests
// (group commit) and hands them to the senders. A request is sealed when
// full; a partly filled one goes to the next free sender as soon as no
// Write call is adding to it and it has waited the linger time. Full
// requests waiting for a sender are bounded; Write blocks beyond that, so
// backpressure reaches the caller.
type queue struct {
	mu         sync.Mutex
	cond       *sync.Cond
	pending    *request
	full       []*request
	submitting int // Write calls adding items right now
	closing    bool

	maxItems, maxBytes, maxFull int
	linger                      time.Duration
}

func newQueue(maxItems, maxBytes, maxFull int, linger time.Duration) *queue {
	q := &queue{maxItems: maxItems, maxBytes: maxBytes, maxFull: maxFull, linger: linger}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// add puts items into requests, blocking before it starts a new request
// while maxFull full ones already wait for a sender. It returns ctx's error
// if ctx ends while blocked (some items may have been queued) and
// errClosed after close.
func (q *queue) add(ctx context.Context, items []*item) error {
	stop := context.AfterFunc(ctx, q.wake)
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing {
		return errClosed
	}
	q.submitting++
	defer func() { q.submitting--; q.cond.Broadcast() }()
	for _, it := range items {
		if err := q.makeRoom(ctx, it.size()); err != nil {
			return err
		}
		q.pending.items = append(q.pending.items, it)
		q.pending.bytes += it.size()
		if len(q.pending.items) >= q.maxItems || q.pending.bytes >= q.maxBytes {
			q.seal()
		}
	}
	return nil
}

// makeRoom makes sure a pending request can take n more bytes: it seals
// the pending request if they would overflow it, and starts a new one,
// first waiting while maxFull requests wait for a sender. Other Write
// calls may add items while it waits.
func (q *queue) makeRoom(ctx context.Context, n int) error {
	for {
		p := q.pending
		switch {
		case p != nil && len(p.items) > 0 && p.bytes+n > q.maxBytes:
			q.seal()
		case p != nil:
			return nil
		case len(q.full) < q.maxFull:
			q.pending = &request{first: time.Now()}
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case q.closing:
			return errClosed
		default:
			q.cond.Wait()
		}
	}
}

// seal moves the pending request to the full ones, for the senders.
func (q *queue) seal() {
	q.full = append(q.full, q.pending)
	q.pending = nil
	q.cond.Broadcast()
}

// take blocks until a request is ready to send and returns it, or returns
// false once the queue is closed and empty.
func (q *queue) take() (*request, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		if len(q.full) > 0 {
			r := q.full[0]
			q.full[0] = nil
			q.full = q.full[1:]
			q.cond.Broadcast()
			return r, true
		}
		if p := q.pending; p != nil && q.submitting == 0 {
			waited := time.Since(p.first)
			if q.closing || waited >= q.linger {
				q.pending = nil
				return p, true
			}
			if !p.timerSet {
				p.timerSet = true
				time.AfterFunc(q.linger-waited, q.wake)
			}
		}
		if q.closing && q.pending == nil {
			return nil, false
		}
		q.cond.Wait()
	}
}

// close makes add fail and take return what is left, then false.
func (q *queue) close() {
	q.mu.Lock()
	q.closing = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

func (q *queue) wake() {
	q.mu.Lock()
	q.cond.Broadcast()
	q.mu.Unlock()
}
