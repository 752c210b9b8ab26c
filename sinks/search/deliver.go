package search

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// errItemsToRetry makes the retry loop wait before resending the items the
// cluster asked to retry.
var errItemsToRetry = errors.New("the cluster asked to retry some items (429 or 5xx)")

// deliver sends items until each is settled, retrying the whole request
// (429, 5xx, connection failures) or just the items the cluster asked to
// retry, with the configured backoff. When the retry budget is spent, a
// permanent error comes, or ctx ends, the items left are failed with the
// error: their Write calls return it.
func (s *Sink) deliver(ctx context.Context, items []*item) {
	pending := items
	whole := false // whether the last failure was the whole request's
	op := func(ctx context.Context) error {
		sent, again, err := s.attempt(ctx, pending)
		pending = sent // the items of abandoned writes are dropped
		switch {
		case errors.Is(err, errTooLarge):
			s.split(ctx, sent)
			pending = nil
			return nil
		case pipeline.AwaitsOperator(err):
			// Not retried here: the window layer decides (pipeline/retry).
			for _, it := range sent {
				it.w.fail(it.idx, err)
			}
			pending = nil
			return nil
		case err != nil:
			whole = true
			return err
		}
		whole, pending = false, again
		if len(pending) > 0 {
			return errItemsToRetry
		}
		return nil
	}
	notify := func(attempt int, err error, wait time.Duration) {
		s.noteRetry(pending, whole, attempt, err, wait)
	}
	if err := s.cfg.Retry.Do(ctx, op, notify); err != nil {
		err = fmt.Errorf("writing to %s: %w", s.clusterName(), err)
		for _, it := range pending {
			it.w.fail(it.idx, err)
		}
	}
}

// split handles a request the cluster found too large: each half is
// delivered on its own, and an event too large alone is rejected.
func (s *Sink) split(ctx context.Context, items []*item) {
	if len(items) == 1 {
		it := items[0]
		it.w.settle(it.idx, outcome{fate: rejected, status: http.StatusRequestEntityTooLarge,
			reason: fmt.Sprintf("request_entity_too_large: the event alone (%d bytes) exceeds the cluster's http.max_content_length", it.size())})
		return
	}
	s.log.Warn("the cluster refused a bulk request as too large (413); splitting it in two: lower batch_bytes",
		"events", len(items), "bytes", totalBytes(items))
	h := len(items) / 2
	s.deliver(ctx, items[:h])
	s.deliver(ctx, items[h:])
}

// noteRetry counts a retry in each Write call concerned and logs it.
func (s *Sink) noteRetry(items []*item, whole bool, attempt int, err error, wait time.Duration) {
	seen := map[*writeCall]int{}
	for _, it := range items {
		if whole {
			seen[it.w] = 1
		} else {
			seen[it.w]++
		}
	}
	for w, n := range seen {
		w.addRetries(n)
	}
	if whole {
		s.log.Warn("bulk request failed; retrying", "events", len(items), "attempt", attempt, "wait", wait, "error", err)
		return
	}
	s.log.Debug("retrying bulk items the cluster asked to retry", "events", len(items), "attempt", attempt, "wait", wait)
}

func totalBytes(items []*item) int {
	n := 0
	for _, it := range items {
		n += it.size()
	}
	return n
}
