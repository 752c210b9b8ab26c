package conn

import (
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

// TestBlock: the status table of write blocks, with the answers Elasticsearch
// 8.19 and OpenSearch 2.19 give (checked by hand on both).
func TestBlock(t *testing.T) {
	for _, c := range []struct {
		status      int
		typ, reason string
		full        bool
		lift        string // "" when not a block
	}{
		{403, "cluster_block_exception", "index [a-2026.11] blocked by: [FORBIDDEN/8/index write (api)];", false, `PUT a-2026.11/_settings {"index.blocks.write": null}`},
		{403, "cluster_block_exception", "index [a-2026.11] blocked by: [FORBIDDEN/5/index read-only (api)];", false, `PUT a-2026.11/_settings {"index.blocks.read_only": null}`},
		{403, "cluster_block_exception", "blocked by: [FORBIDDEN/6/cluster read-only (api)];", false, `PUT _cluster/settings {"persistent": {"cluster.blocks.read_only": null}}`},
		{403, "cluster_block_exception", "index [b] blocked by: [FORBIDDEN/99/something new];", false, `PUT b/_settings with the index.blocks.*`},
		{429, "cluster_block_exception", "index [a] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has read-only-allow-delete block];", true, "read_only_allow_delete"},
		{403, "security_exception", "no permissions for [indices:data/write/bulk[s]]", false, ""},
		{400, "mapper_parsing_exception", "failed to parse", false, ""},
	} {
		err := Block(c.status, c.typ, c.reason)
		if c.lift == "" {
			if err != nil {
				t.Errorf("%d %s: %v; want no block", c.status, c.typ, err)
			}
			continue
		}
		if err == nil || pipeline.IsStorageFull(err) != c.full || pipeline.IsBlocked(err) == c.full || !pipeline.AwaitsOperator(err) {
			t.Errorf("%d %s: %v; want full=%v", c.status, c.reason, err, c.full)
			continue
		}
		if !strings.Contains(err.Error(), c.lift) {
			t.Errorf("%q does not say how to lift it (%s)", err, c.lift)
		}
		if it := (BulkItem{Status: c.status, Error: &ItemError{Type: c.typ, Reason: c.reason}}); ItemVerdictOf(it) != ItemFull {
			t.Errorf("%d %s: verdict %v; want ItemFull (not rejected)", c.status, c.reason, ItemVerdictOf(it))
		}
	}
}
