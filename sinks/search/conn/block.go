package conn

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Block returns the error of an answer (a whole request's or one bulk
// item's) that is a block on writes, or nil:
//
//	429 cluster_block_exception, flood stage   FloodStage (pipeline.StorageFull)
//	403 cluster_block_exception                pipeline.Blocked: a write block set
//	                                           by hand (index.blocks.write,
//	                                           index.blocks.read_only, cluster.blocks.*)
//
// Neither is a problem of the events: they are not dead-lettered.
func Block(status int, typ, reason string) error {
	if full := FloodStage(status, typ, reason); full != nil {
		return full
	}
	if status != http.StatusForbidden || typ != "cluster_block_exception" {
		return nil
	}
	return pipeline.Blocked(fmt.Errorf("the cluster refuses writes: %s: %s; the block was set by hand or by a tool, "+
		"not for a full disk: find out why, then lift it with %s; the windows stay uncovered until then (run retries them)",
		typ, strings.TrimSuffix(reason, ";"), liftBlock(reason)))
}

// blockedIndex finds the index an answer names: "index [name] blocked by: ...".
var blockedIndex = regexp.MustCompile(`index \[([^\]]+)\] blocked by`)

// liftBlock says which request lifts the block that reason describes
// ("[FORBIDDEN/8/index write (api)]"); it only builds advice, the error
// is classified by status and type.
func liftBlock(reason string) string {
	index := "<index>"
	if m := blockedIndex.FindStringSubmatch(reason); m != nil {
		index = m[1]
	}
	for _, b := range []struct{ desc, setting string }{
		{"index read-only / allow delete", "index.blocks.read_only_allow_delete"},
		{"index read-only", "index.blocks.read_only"},
		{"index write", "index.blocks.write"},
	} {
		if strings.Contains(reason, b.desc) {
			return fmt.Sprintf(`PUT %s/_settings {"%s": null}`, index, b.setting)
		}
	}
	for _, b := range []struct{ desc, setting string }{
		{"cluster read-only / allow delete", "cluster.blocks.read_only_allow_delete"},
		{"cluster read-only", "cluster.blocks.read_only"},
	} {
		if strings.Contains(reason, b.desc) {
			return fmt.Sprintf(`PUT _cluster/settings {"persistent": {"%s": null}}`, b.setting)
		}
	}
	return fmt.Sprintf(`PUT %s/_settings with the index.blocks.* setting named above set to null (or the cluster.blocks.* setting in PUT _cluster/settings)`, index)
}
