// Package atlas fetches Atlas Stream Processing audit logs from the Atlas
// Admin API v2 and discovers the workspaces of a project.
//
// Client implements pipeline.Source and pipeline.WorkspaceLister. One Fetch
// makes one audit-log request (plus the unauthenticated challenge leg of
// HTTP Digest, and one retry with a renewed token when a service account's
// token is refused) and returns the decompressed body as a stream. Fetch
// does not retry: a body cut short is only seen while reading, long after
// Fetch returned, so the caller retries the whole window (fetch, read,
// store) with pipeline/retry, and Fetch's errors are classified for it:
// pipeline.Permanent for answers that will not change (see the status table
// in status.go), pipeline.Throttle with the server's Retry-After for 429s,
// plain errors for everything worth another try. Workspace discovery, which
// has no stream to hand back, retries its pages itself with Config.Retry.
//
// The client is polite and fast: it paces each project after Atlas's
// Streams token bucket (Bucket; shared by every call to that project),
// one refill step behind Atlas's own count so that, alone, it is never
// refused, lowers its count to Atlas's RateLimit-Remaining, and after a
// 429 holds the whole project (for its Retry-After, or for Config.Retry's
// first wait when it sends none) and slows down until the 429s stop. Ready
// lets a caller wait for a project before taking scarce resources. A
// bound on concurrent requests across
// projects, connect/TLS/response-header timeouts and a timeout on idle body
// reads rather than on the whole download, so large windows can take as
// long as they need.
//
// Credentials are a service account (OAuth 2.0 client credentials, token
// cached and renewed before expiry) or a programmatic API key (HTTP
// Digest). Config.Resolve completes them from *_file paths and from the
// Atlas CLI's MONGODB_ATLAS_* environment variables.
package atlas
