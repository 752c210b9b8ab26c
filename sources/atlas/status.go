package atlas

import "net/http"

// verdict is what the client does with an answer.
type verdict int

const (
	retryable verdict = iota // plain error: the caller may retry with backoff
	throttled                // pipeline.Throttle, with the server's Retry-After
	permanent                // pipeline.Permanent: retrying cannot help
	renewAuth                // renew the service account token once, then permanent
)

// statusTable decides, once for the whole package, what each status of the
// Atlas API means for retrying. Transport failures (timeouts, resets,
// refused connections) and bodies cut short are retryable too; they have no
// status. Statuses not listed: other 5xx retry, anything else is permanent.
var statusTable = map[int]verdict{
	http.StatusBadRequest:          permanent, // INVALID_QUERY_PARAMETER, START_DATE_AFTER_END_DATE, ...
	http.StatusUnauthorized:        renewAuth, // token expired or revoked: renew once; then bad credentials
	http.StatusForbidden:           permanent, // IP_ADDRESS_NOT_ON_ACCESS_LIST, ORG_REQUIRES_ACCESS_LIST, ACCESS_FORBIDDEN
	http.StatusNotFound:            permanent, // GROUP_NOT_FOUND, STREAM_TENANT_NOT_FOUND_FOR_NAME
	http.StatusMethodNotAllowed:    permanent,
	http.StatusNotAcceptable:       permanent, // api_version unknown to the server
	http.StatusRequestTimeout:      retryable,
	http.StatusConflict:            permanent, // Atlas documents 409 for conflicting writes only, never as transient for these reads
	http.StatusGone:                permanent, // api_version retired
	http.StatusTooManyRequests:     throttled, // RATE_LIMITED_TOKEN_BUCKET, RATE_LIMITED
	http.StatusInternalServerError: retryable,
	http.StatusNotImplemented:      permanent,
	http.StatusBadGateway:          retryable,
	http.StatusServiceUnavailable:  retryable, // throttled instead when it carries Retry-After
	http.StatusGatewayTimeout:      retryable,
}

func verdictFor(status int) verdict {
	if v, ok := statusTable[status]; ok {
		return v
	}
	if status >= 500 {
		return retryable
	}
	return permanent
}
