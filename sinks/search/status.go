package search

import (
	"fmt"
	"net/http"
)

// The bulk item status table, the one place that decides what an item's
// answer means (create actions only):
//
//	2xx               stored
//	409               already stored (create found the id): a duplicate, counts as stored
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
