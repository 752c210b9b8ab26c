package templates

import (
	"context"
	"fmt"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// Lifecycle is the index lifecycle feature a cluster offers.
type Lifecycle string

// The lifecycle features aspaudit uses.
const (
	NoLifecycle Lifecycle = ""
	ILM         Lifecycle = "Elasticsearch ILM"
	ISM         Lifecycle = "OpenSearch ISM"
)

// DetectLifecycle asks the cluster whether it has ILM (Elasticsearch) or
// ISM (OpenSearch). NoLifecycle with a nil error means the cluster lacks
// the feature (the integ-test distributions, clusters built without the
// plugin). A refused request (401, 403) is an error: the feature may be
// there but aspaudit may not use it.
func DetectLifecycle(ctx context.Context, tp esapi.Transport, srv conn.Server) (Lifecycle, error) {
	feature, path := ILM, "/_ilm/status"
	if srv.Flavor == conn.OpenSearch {
		feature, path = ISM, "/_plugins/_ism/policies"
	}
	a, err := call(ctx, tp, http.MethodGet, path, nil, nil)
	if err != nil {
		return NoLifecycle, fmt.Errorf("detecting %s: %w", feature, err)
	}
	switch {
	case a.OK():
		return feature, nil
	case a.NoHandler():
		return NoLifecycle, nil
	}
	return NoLifecycle, fmt.Errorf("detecting %s: GET %s: %w", feature, path, a.Err())
}
