package templates

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// maxAnswer bounds how much of an answer is read (index lists of large
// clusters are the biggest).
const maxAnswer = 64 << 20

// call is conn.Call with this package's answer bound.
func call(ctx context.Context, tp esapi.Transport, method, path string, q url.Values, body any) (conn.Answer, error) {
	return conn.Call(ctx, tp, method, path, q, body, maxAnswer)
}

// callOK is call that also turns a non-2xx status into an error.
func callOK(ctx context.Context, tp esapi.Transport, method, path string, q url.Values, body any) (conn.Answer, error) {
	a, err := call(ctx, tp, method, path, q, body)
	if err != nil {
		return a, err
	}
	if err := a.Err(); err != nil {
		return a, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return a, nil
}

// escape makes names safe as one path segment, comma-separated.
func escape(names ...string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = url.PathEscape(n)
	}
	return strings.Join(out, ",")
}
