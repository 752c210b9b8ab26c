package state_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/search/state"
)

// BenchmarkMarkStored measures one checkpoint write (read, merge,
// conditional write) against each real server, with a coverage growing by
// disjoint ranges as a long backfill's does.
func BenchmarkMarkStored(b *testing.B) {
	for _, which := range []string{"ES", "OS"} {
		b.Run(which, func(b *testing.B) {
			u := searchtest.Require(b, which)
			c := cluster{url: u, client: newClient(b, u)}
			index := searchtest.IndexName(b, "aspaudit-state-bench-")
			searchtest.DeleteIndices(b, u, index)
			cfg := state.NewDefaultConfig()
			cfg.StateIndex = index
			st, err := state.NewCheckpointStore(c.client, cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			s := pipeline.Series{ProjectID: "p", Workspace: fmt.Sprint("w", which)}
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				r := pipeline.Range{Start: base.Add(time.Duration(2*i) * time.Hour), End: base.Add(time.Duration(2*i+1) * time.Hour)}
				if err := st.MarkStored(ctx, s, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
