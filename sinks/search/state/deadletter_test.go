package state_test

import (
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/state"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

func newDeadLetters(t *testing.T, c cluster, index string) *state.DeadLetterIndex {
	t.Helper()
	cfg := state.NewDefaultConfig()
	cfg.DeadLetterIndex = index
	d, err := state.NewDeadLetterIndex(c.client, cfg, nil)
	if err != nil {
		t.Fatalf("NewDeadLetterIndex: %v", err)
	}
	return d
}

func TestDeadLetterIndexConformance(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		sinktest.RunDeadLetterSuite(t, func(t *testing.T) pipeline.DeadLetter {
			return newDeadLetters(t, c, freshIndex(t, c, "aspaudit-dl-test-"))
		}, sinktest.DeadLetterOptions{
			Stored: func(t *testing.T, d pipeline.DeadLetter) []pipeline.Rejection {
				return storedDeadLetters(t, c, d.(*state.DeadLetterIndex).Index())
			},
		})
	})
}

// TestDeadLetterKeepsEventDetails checks what the suite does not: the
// event's time and parse-failure mark survive, and putting the same event
// again replaces its dead letter instead of adding one.
func TestDeadLetterKeepsEventDetails(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		index := freshIndex(t, c, "aspaudit-dl-test-")
		d := newDeadLetters(t, c, index)
		rs := sinktest.Rejections(10)
		if err := d.Put(testCtx(t), rs); err != nil {
			t.Fatalf("Put: %v", err)
		}
		again := append([]pipeline.Rejection(nil), rs[:3]...)
		for i := range again {
			again[i].Reason = "refused again"
		}
		if err := d.Put(testCtx(t), again); err != nil {
			t.Fatalf("Put again: %v", err)
		}
		got := storedDeadLetters(t, c, index)
		if len(got) != len(rs) {
			t.Fatalf("%d dead letters after putting 10 and 3 of them again, want 10", len(got))
		}
		byID := map[string]pipeline.Rejection{}
		for _, r := range got {
			byID[r.Event.ID] = r
		}
		for i, want := range rs {
			g := byID[want.Event.ID]
			if !g.Event.Time.Equal(want.Event.Time) || g.Event.Failed != want.Event.Failed {
				t.Errorf("%s: time %s failed %v; want %s %v", want.Event.ID, g.Event.Time, g.Event.Failed, want.Event.Time, want.Event.Failed)
			}
			if wantReason := map[bool]string{true: "refused again", false: want.Reason}[i < 3]; g.Reason != wantReason {
				t.Errorf("%s: reason %q, want %q", want.Event.ID, g.Reason, wantReason)
			}
		}
	})
}
