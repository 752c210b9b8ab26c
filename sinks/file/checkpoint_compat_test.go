package file

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// TestCheckpointWrittenBeforeLogTypes reads a coverage file written by the
// release before log types existed (testdata/compat/coverage-v1.json, made
// by that code): its series are the audit log's, and the operational log
// of the same workspace starts uncovered.
func TestCheckpointWrittenBeforeLogTypes(t *testing.T) {
	dir := t.TempDir()
	old, err := os.ReadFile("testdata/compat/coverage-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	st, err := NewCheckpointStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(st.File(), old, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	audit := pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-a"}
	proc := audit
	proc.Processor = "proc"
	ops := audit
	ops.LogType = pipeline.OperationalLog
	for _, tc := range []struct {
		s    pipeline.Series
		want time.Duration
	}{{audit, 6 * time.Hour}, {proc, 2 * time.Hour}, {ops, 0}} {
		c, err := st.Coverage(ctx, tc.s)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Covers(pipeline.Range{Start: start, End: start.Add(tc.want)}); tc.want > 0 && !got {
			t.Fatalf("%s: coverage %v, want [0, %s)", tc.s, c, tc.want)
		}
		if tc.want == 0 && len(c) != 0 {
			t.Fatalf("%s: coverage %v, want none", tc.s, c)
		}
	}
	// Marking the operational log leaves the audit entries as they were.
	if err := st.MarkStored(ctx, ops, pipeline.Range{Start: start, End: start.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.Coverage(ctx, audit); !c.Covers(pipeline.Range{Start: start, End: start.Add(6 * time.Hour)}) {
		t.Fatalf("audit coverage after marking the operational log: %v", c)
	}
	if c, _ := st.Coverage(ctx, ops); !c.Covers(pipeline.Range{Start: start, End: start.Add(time.Hour)}) || c.Covers(pipeline.Range{Start: start, End: start.Add(2 * time.Hour)}) {
		t.Fatalf("operational coverage: %v", c)
	}
}
