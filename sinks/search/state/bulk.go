package state

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// putChunk sends one bulk request of items (action and document lines)
// and retries the items the cluster asks to retry until all are stored,
// one is refused for good, or the retry budget is spent.
func (d *DeadLetterIndex) putChunk(ctx context.Context, items [][]byte) error {
	pending := items
	var full error // a full disk is not retried here: see pipeline/retry
	err := d.policy.Do(ctx, func(ctx context.Context) error {
		var err error
		pending, err = d.sendBulk(ctx, pending)
		if pipeline.AwaitsOperator(err) {
			full = err
			return nil
		}
		return err
	}, func(attempt int, err error, wait time.Duration) {
		d.log.Debug("dead-letter write retried", "index", d.index.name, "attempt", attempt, "items", len(pending), "error", err)
	})
	if full != nil {
		return full
	}
	return err
}

// sendBulk sends the pending items (pairs of lines) through conn.Bulk, the
// event sink's bulk path, and returns those to send again, read with the
// same item status table (conn.ItemVerdictOf). The error is nil when none
// remains, retryable when some were throttled or failed transiently,
// pipeline.StorageFull at flood stage, permanent when one was refused.
func (d *DeadLetterIndex) sendBulk(ctx context.Context, pending [][]byte) ([][]byte, error) {
	header := http.Header{"Content-Type": {"application/x-ndjson"}}
	raw, err := conn.Bulk(ctx, d.tp, bytes.NewReader(bytes.Join(pending, nil)), header, nil, "")
	if err != nil {
		return pending, err
	}
	items, err := conn.BulkItems(raw, len(pending))
	if err != nil {
		return pending, err
	}
	var again [][]byte
	var last error
	for i, it := range items {
		switch conn.ItemVerdictOf(it) {
		case conn.ItemStored, conn.ItemDuplicate:
		case conn.ItemFull:
			return pending, conn.Block(it.Status, it.Error.Type, it.Error.Reason)
		case conn.ItemRetry:
			again = append(again, pending[i])
			last = fmt.Errorf("status %d: %s", it.Status, it.Error.Text())
		default:
			return again, pipeline.Permanent(fmt.Errorf("a dead letter was refused: status %d: %s", it.Status, it.Error.Text()))
		}
	}
	if len(again) > 0 {
		return again, fmt.Errorf("%d dead letters to retry (last: %w)", len(again), last)
	}
	return nil, nil
}
