package templates

import (
	"context"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Exists reports whether the layout's index template is on the cluster,
// whatever its content. The search sink asks before a new period's index
// is created, since a cluster may lose the template while aspaudit runs (a
// wiped or restored cluster).
func Exists(ctx context.Context, tp esapi.Transport, l Layout) (bool, error) {
	_, found, err := templateHash(ctx, tp, l)
	return found, err
}
