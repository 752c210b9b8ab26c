package search

import (
	"context"
	"net/http"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// errTooLarge is a whole request refused with 413.
var errTooLarge = conn.ErrTooLarge

// filterPath asks the cluster for no more of a _bulk answer than the sink
// reads.
var filterPath = []string{"errors", "items.*.status", "items.*.error"}

// attempt sends items in one bulk request (conn.Bulk), leaving out those of
// Write calls that returned already, and settles each item the cluster
// answered for. It returns the items it sent and, of those, the ones to
// retry (429, 5xx); or an error when the request as a whole failed:
// errTooLarge, an error classified by conn.Check (a throttle, retryable, or
// permanent), or a transport error (retryable).
func (s *Sink) attempt(ctx context.Context, items []*item) (sent, again []*item, err error) {
	body, header, sent, err := s.body(items)
	if err != nil {
		return items, nil, err
	}
	if len(sent) == 0 {
		return nil, nil, nil
	}
	select {
	case s.inflight <- struct{}{}:
	case <-ctx.Done():
		return sent, nil, ctx.Err()
	}
	defer func() { <-s.inflight }()
	raw, err := conn.Bulk(ctx, s.client, body, header, filterPath, s.cfg.Templates.Pipeline)
	if err != nil {
		return sent, nil, err
	}
	again, err = s.readAnswer(raw, sent)
	return sent, again, err
}

// readAnswer settles the items of a 2xx answer and returns those to retry.
func (s *Sink) readAnswer(raw []byte, sent []*item) ([]*item, error) {
	if conn.AllCreated(raw, len(sent)) {
		for _, it := range sent {
			it.w.settle(it.idx, outcome{fate: stored, status: http.StatusCreated})
		}
		return nil, nil
	}
	items, err := conn.BulkItems(raw, len(sent))
	if err != nil {
		return nil, err
	}
	return s.settleItems(sent, items), nil
}

// settleItems records each item's outcome (conn.ItemVerdictOf) and returns
// those to retry.
func (s *Sink) settleItems(items []*item, answers []conn.BulkItem) []*item {
	var again []*item
	for i, it := range items {
		a := answers[i]
		switch conn.ItemVerdictOf(a) {
		case conn.ItemStored:
			it.w.settle(it.idx, outcome{fate: stored, status: a.Status})
		case conn.ItemDuplicate:
			it.w.settle(it.idx, outcome{fate: duplicate, status: a.Status})
		case conn.ItemFull:
			// Retrying waits for someone to free space or lift the block:
			// the window layer decides whether to (pipeline.AwaitsOperator).
			it.w.fail(it.idx, conn.Block(a.Status, a.Error.Type, a.Error.Reason))
		case conn.ItemRetry:
			again = append(again, it)
		default:
			it.w.settle(it.idx, outcome{fate: rejected, status: a.Status, reason: a.Error.Text()})
		}
	}
	return again
}
