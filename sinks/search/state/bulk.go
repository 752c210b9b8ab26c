package state

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// bulkAnswer is the part of a _bulk answer Put needs.
type bulkAnswer struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		Status int `json:"status"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

// putChunk sends one bulk request of items (action and document lines)
// and retries the items the cluster asks to retry until all are stored,
// one is refused for good, or the retry budget is spent.
func (d *DeadLetterIndex) putChunk(ctx context.Context, items [][]byte) error {
	pending := items
	return d.policy.Do(ctx, func(ctx context.Context) error {
		var err error
		pending, err = d.sendBulk(ctx, pending)
		return err
	}, func(attempt int, err error, wait time.Duration) {
		d.log.Debug("dead-letter write retried", "index", d.index.name, "attempt", attempt, "items", len(pending), "error", err)
	})
}

// sendBulk sends the pending items (pairs of lines) and returns those to
// send again. The error is nil when none remains, retryable when some
// were throttled or failed transiently, permanent when one was refused.
func (d *DeadLetterIndex) sendBulk(ctx context.Context, pending [][]byte) ([][]byte, error) {
	a, err := call(ctx, d.tp, http.MethodPost, "/_bulk", nil, bytes.Join(pending, nil))
	if err != nil {
		return pending, err
	}
	if err := a.Err(); err != nil {
		return pending, err
	}
	var got bulkAnswer
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return pending, fmt.Errorf("decoding the _bulk answer: %w", err)
	}
	if len(got.Items) != len(pending) {
		return pending, fmt.Errorf("_bulk answered %d items for %d sent", len(got.Items), len(pending))
	}
	var again [][]byte
	var last error
	for i, item := range got.Items {
		for _, res := range item {
			switch {
			case res.Status >= 200 && res.Status <= 299:
			case res.Status == http.StatusTooManyRequests || res.Status >= 500:
				again = append(again, pending[i])
				last = fmt.Errorf("status %d", res.Status)
			default:
				reason := ""
				if res.Error != nil {
					reason = res.Error.Type + ": " + res.Error.Reason
				}
				return again, pipeline.Permanent(fmt.Errorf("a dead letter was refused: status %d: %s", res.Status, reason))
			}
		}
	}
	if len(again) > 0 {
		return again, fmt.Errorf("%d dead letters to retry (last: %w)", len(again), last)
	}
	return nil, nil
}
