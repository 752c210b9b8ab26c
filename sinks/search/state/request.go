package state

import (
	"context"
	"net/url"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 32 << 20

// call is conn.Call with this package's answer bound.
func call(ctx context.Context, tp esapi.Transport, method, path string, q url.Values, body any) (conn.Answer, error) {
	return conn.Call(ctx, tp, method, path, q, body, maxAnswer)
}
