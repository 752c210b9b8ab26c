package conn

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
)

// FloodStage returns a pipeline.StorageFull error naming the cause and the
// fix when an answer (a whole request's or one bulk item's) is the block
// a cluster puts on indices once a data node's disk passes the flood-stage
// watermark: 429 cluster_block_exception "...read-only-allow-delete
// block" (Elasticsearch and OpenSearch alike). Otherwise it returns nil.
func FloodStage(status int, typ, reason string) error {
	if status != http.StatusTooManyRequests || typ != "cluster_block_exception" ||
		!strings.Contains(reason, "read-only-allow-delete") && !strings.Contains(reason, "flood-stage") {
		return nil
	}
	return pipeline.StorageFull(fmt.Errorf("the cluster's disk is full: %s: %s; free disk space on its data nodes "+
		"(delete old indices, shorten sink.<type>.retention, add disk): the cluster lifts the block itself once disk usage falls "+
		"below the high watermark, or by hand with PUT <index>/_settings {\"index.blocks.read_only_allow_delete\": null}",
		typ, strings.TrimSuffix(reason, ";")))
}
