package search

import (
	"fmt"
	"net/http"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// The bulk item status table, the one place that decides what an item's
// answer means (create actions only):
//
//	2xx               stored
//	409               already stored (create found the id): a duplicate, counts as stored
//	429 flood stage   cluster_block_exception, read-only-allow-delete: the
//	                  cluster's disk is full; the Write fails with
//	                  pipeline.StorageFull (conn.FloodStage), not retried here
//	429, 5xx          retry this item alone, with backoff
//	other 4xx         rejected for good: dead-lettered with "type: reason"
func itemKind(status int) (k kind, retry bool) {
	switch {
	case status >= 200 && status <= 299:
		return stored, false
	case status == http.StatusConflict:
		return duplicate, false
	case status == http.StatusTooManyRequests || status >= 500:
		return unsettled, true
	}
	return rejected, false
}

// floodStage is conn.FloodStage for a bulk item's answer.
func floodStage(status int, e *itemError) error {
	if e == nil {
		return nil
	}
	return conn.FloodStage(status, e.Type, e.Reason)
}

// itemError is the error object of a bulk item.
type itemError struct {
	Type     string     `json:"type"`
	Reason   string     `json:"reason"`
	CausedBy *itemError `json:"caused_by"`
}

// text returns "type: reason", with the first cause when there is one
// (mapper_parsing_exception says which field, its cause says why).
func (e *itemError) text() string {
	if e == nil {
		return ""
	}
	s := e.Type + ": " + e.Reason
	if c := e.CausedBy; c != nil && c.Reason != "" {
		s += fmt.Sprintf(" (caused by %s: %s)", c.Type, c.Reason)
	}
	return s
}
