package pipelinetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

func TestCheckpointsHooks(t *testing.T) {
	ctx := context.Background()
	a := pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "a"}
	b := pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "b"}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	r := pipeline.Range{Start: t0, End: t0.Add(time.Hour)}
	unreachable := errors.New("unreachable")
	var seen []pipeline.Series
	c := &Checkpoints{
		OnMark: func(s pipeline.Series, _ pipeline.Range) { seen = append(seen, s) },
		CoverageErr: func(s pipeline.Series) error {
			if s == b {
				return unreachable
			}
			return nil
		},
	}
	c.Set(a, pipeline.Coverage{{Start: t0.Add(-time.Hour), End: t0}})
	if _, err := c.Coverage(ctx, b); !errors.Is(err, unreachable) {
		t.Errorf("Coverage(b) = %v, want the injected error", err)
	}
	if err := c.MarkStored(ctx, a, r); err != nil {
		t.Fatal(err)
	}
	got, err := c.Coverage(ctx, a)
	if err != nil || len(got) != 1 || !got[0].Start.Equal(t0.Add(-time.Hour)) || !got[0].End.Equal(r.End) {
		t.Errorf("Coverage(a) = %v, %v; want the set range joined with the marked one", got, err)
	}
	if cov := c.Covered(a); len(cov) != 1 || c.Marks() != 1 {
		t.Errorf("Covered(a) = %v, %d marks", cov, c.Marks())
	}
	c.MarkErr = unreachable
	if err := c.MarkStored(ctx, b, r); !errors.Is(err, unreachable) || c.Marks() != 1 {
		t.Errorf("MarkStored with MarkErr = %v, %d marks", err, c.Marks())
	}
	if len(seen) != 2 || seen[0] != a || seen[1] != b {
		t.Errorf("OnMark saw %v, want a then b (before MarkErr applies)", seen)
	}
}
