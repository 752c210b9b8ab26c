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
//
// # AWS SigV4
//
// With aws.sigv4 the HTTP transport is wrapped by a signer for Amazon
// OpenSearch Service (service "es"): aws-sdk-go-v2's config module finds
// region and credentials as the AWS CLI does, and its v4 signer signs a
// copy of each request over the body as sent (compressed bytes included,
// hashed in X-Amz-Content-Sha256). It sits below elastictransport, so
// every request, whichever node it goes to and however often it is sent,
// is signed at the moment it leaves. The SDK's config module brings its
// credential providers (STS, SSO, IMDS) with it, about 4 MB of binary;
// writing that chain by hand would miss the cases users rely on.
package conn
