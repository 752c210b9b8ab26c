// Package retry is aspaudit's one retry loop: jittered exponential backoff
// with a cap and a time budget, honouring a server's Retry-After, never
// sleeping past the context's deadline, and giving up at once on permanent
// errors.
//
// # Who retries what
//
// Errors are classified once, where they arise: Atlas answers by the status
// table of sources/atlas (status.go, one Retry-After parser in apierror.go),
// search-cluster answers by sinks/search/conn (Check and Classify for whole
// requests, ItemVerdictOf for bulk items, one Retry-After parser for the
// cluster, Kibana and OpenSearch Dashboards). Permanent errors (400, 401
// after one token renewal, 403, 404, a refused document) are retried
// nowhere. The layers, innermost first:
//
//   - The Atlas client makes one request per attempt and does not loop over
//     downloads: a 429 holds every request of the project for Retry-After
//     (or atlas.retry.initial) and returns a throttle error; only the
//     workspace listing, which no window owns, loops itself under
//     atlas.retry (30 minutes).
//   - The search sink retries, inside one Write, whole bulk requests
//     refused with 429/5xx or lost on the way, and the single items the
//     cluster answered 429/5xx, under sink.retry (15 minutes); a 413 splits
//     the request. Its first-write preparation (detection, template) uses
//     the same policy. The dead-letter index retries its own items for 2
//     minutes, the checkpoint index its version conflicts and brief failures
//     for 1 minute.
//   - The window, in pipeline/ingest, retries everything else under
//     pipeline.retry (30 minutes): a download that failed, was throttled or
//     cut short, a file sink's write error, starting the window over (fetch,
//     parse, write; ids keep re-written events from doubling). What an inner
//     layer gave up on comes as a SpentError, which no outer loop retries:
//     the window fails with it. In `run` a window that failed is planned
//     again by the next pass, never skipped.
//
// A full storage (pipeline.StorageFull: a full disk under the file sink,
// its dead letters or checkpoints; a cluster past its flood-stage
// watermark) is retried by none of the inner layers: the window layer
// alone decides. One-shot commands stop the window at once; `run` retries
// it and reports the full storage (see pipeline/ingest).
package retry
