// Package conn connects aspaudit to an Elasticsearch or OpenSearch cluster:
// it builds the HTTP transport from the user's connection options, sends
// requests, and detects which product and version answers.
//
// # Why the transport and not the client
//
// go-elasticsearch's v8 client (elasticsearch.Client) checks the
// X-Elastic-Product header of the first successful answer and refuses to go
// on without it; OpenSearch never sends it. The check lives only in that
// client's Perform method. The library's own transport
// (elastic-transport-go's elastictransport.Client) and its typed requests
// (esapi.BulkRequest, esapi.IndicesPutIndexTemplateRequest, ...) do no
// such check: esapi requests accept any esapi.Transport, which Client is.
// So both products are spoken to through the same, well-kept code paths,
// with one dependency instead of two (opensearch-go would add a second
// client for an API that, for what aspaudit sends, is the same). Where the
// products differ (flattened vs flat_object, ILM vs ISM) callers look at
// Server.Flavor.
//
// The transport's own retries are turned off: aspaudit's retry loop
// (pipeline/retry) is the only one, so that budgets, jitter and per-item
// retries are decided in one place. Several URLs are rotated by the
// transport's connection pool, which sets a failing node aside for a while.
// Request bodies are sent as given: the bulk sink compresses them itself
// so that a retried request does not compress again.
package conn
