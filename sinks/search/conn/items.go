package conn

import "net/http"

// ItemVerdict is what a bulk item's answer means.
type ItemVerdict int

// The verdicts of the bulk item status table.
const (
	ItemStored    ItemVerdict = iota // 2xx
	ItemDuplicate                    // 409 on create: the id is stored already; counts as stored
	ItemFull                         // a block on writes: flood stage (the cluster's disk is full) or set by hand (Block)
	ItemRetry                        // other 429, 5xx: retry this item alone, with backoff
	ItemRejected                     // other 4xx: refused for good, with "type: reason"
)

// ItemVerdictOf is the bulk item status table, the one place that decides
// what an item's answer means, for the event sink and the dead-letter
// index alike:
//
//	2xx               stored
//	409               already stored (create found the id): a duplicate
//	429 flood stage   cluster_block_exception, read-only-allow-delete: the
//	                  cluster's disk is full (pipeline.StorageFull, see
//	                  FloodStage); not retried by the sink
//	403 block         cluster_block_exception: a write block set by hand
//	                  (pipeline.Blocked, see Block); not retried by the
//	                  sink, not dead-lettered
//	429, 5xx          retry this item alone, with backoff
//	other 4xx         rejected for good: dead-lettered with "type: reason"
func ItemVerdictOf(it BulkItem) ItemVerdict {
	switch s := it.Status; {
	case s >= 200 && s <= 299:
		return ItemStored
	case s == http.StatusConflict:
		return ItemDuplicate
	case it.Error != nil && Block(s, it.Error.Type, it.Error.Reason) != nil:
		return ItemFull
	case s == http.StatusTooManyRequests || s >= 500:
		return ItemRetry
	}
	return ItemRejected
}
