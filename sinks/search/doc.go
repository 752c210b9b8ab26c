// Package search is aspaudit's Elasticsearch and OpenSearch sink: it writes
// events with the _bulk API so that no event is lost or stored twice.
//
// # Talking to both products
//
// Package conn holds the connection: go-elasticsearch's own transport and
// esapi request types, which (unlike the v8 client) do not refuse servers
// that lack the X-Elastic-Product header, so OpenSearch is spoken to by the
// same code (see package conn for the reasons). The first Write detects
// the product and version from GET / and, unless turned off, installs the
// index template (package templates), so that setup is optional.
//
// # Bulk semantics
//
// Each event becomes a create action with its deterministic id, in the
// index of its own time (IndexName: "atlas-streams-audit-2026.11" by
// default), so a re-run finds the document already there (409, counted as
// a duplicate) instead of storing it again. Requests are bounded by
// batch_size events and batch_bytes uncompressed bytes and gzipped unless
// compress is off. What each answer means is one table (status.go): per
// item, 2xx stored, 409 duplicate, 429 and 5xx retried alone with jittered
// backoff, other 4xx rejected with the cluster's "type: reason". A whole
// request refused with 413 is split in halves, down to a single event,
// which is then rejected; a whole request answered 429 or 5xx, or lost to
// a connection failure or timeout, is sent again. All retries follow the
// configured retry policy (pipeline/retry); when its budget is spent Write
// returns an error and the caller retries the batch later, which the ids
// make safe.
//
// # Group commit
//
// Write is safe for concurrent use. Events of concurrent Write calls are
// coalesced into shared requests: a request is sent when it is full, or,
// partly filled, when a sender is free, no Write call is adding to it and
// it has waited flush_interval (zero by default: a lone writer never
// waits). While all concurrency senders are busy, requests fill up instead
// of queueing small ones, so many small concurrent Writes (continuous
// mode) cost few requests. Each Write returns as soon as its own events
// are settled. At most concurrency requests are on the wire, as many more
// are being compressed and as many wait, full; beyond that Write blocks,
// so backpressure reaches the caller. Documents are not copied: they are
// read in place while their Write call waits, and never after it returned
// (a Write giving up first waits for any body being built from them).
package search
