package sinktest

import (
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/pipelinetest"
)

// The doubles must pass the suites they stand in for.

func recorderOf(t *testing.T, s pipeline.Sink) *pipelinetest.Recorder {
	switch s := s.(type) {
	case *pipelinetest.Recorder:
		return s
	case *pipelinetest.Failing:
		return recorderOf(t, s.Next)
	}
	t.Fatalf("unexpected sink %T", s)
	return nil
}

func TestRecorderSuite(t *testing.T) {
	RunSinkSuite(t, func(*testing.T) pipeline.Sink { return &pipelinetest.Recorder{} }, SinkOptions{
		Stored: func(t *testing.T, s pipeline.Sink) []Doc { return recorderOf(t, s).Docs() },
		Reopen: func(t *testing.T, s pipeline.Sink) pipeline.Sink { return s },
		Reject: func(*testing.T) pipeline.Event { return pipeline.Event{ID: "bad", Doc: []byte(`[1,2]`)} },
		Faulty: func(*testing.T) pipeline.Sink {
			return &pipelinetest.Failing{Next: &pipelinetest.Recorder{}, Failures: 2, Partial: true}
		},
	})
}

func TestFailingSuite(t *testing.T) {
	rejectMe := func(e pipeline.Event) bool { return strings.HasPrefix(e.ID, "reject-me-") }
	newSink := func(*testing.T) pipeline.Sink {
		return &pipelinetest.Failing{Next: &pipelinetest.Recorder{}, Reject: rejectMe}
	}
	RunSinkSuite(t, newSink, SinkOptions{
		Stored: func(t *testing.T, s pipeline.Sink) []Doc { return recorderOf(t, s).Docs() },
		Reject: func(*testing.T) pipeline.Event {
			e := Events(1)[0]
			e.ID = "reject-me-" + e.ID
			return e
		},
		Faulty: func(*testing.T) pipeline.Sink {
			return &pipelinetest.Failing{Next: &pipelinetest.Recorder{}, Failures: 1}
		},
	})
}

func TestCheckpointsSuite(t *testing.T) {
	RunCheckpointSuite(t, func(*testing.T) pipeline.CheckpointStore { return &pipelinetest.Checkpoints{} }, CheckpointOptions{
		Reopen: func(_ *testing.T, s pipeline.CheckpointStore) pipeline.CheckpointStore { return s },
	})
}

func TestDeadLettersSuite(t *testing.T) {
	RunDeadLetterSuite(t, func(*testing.T) pipeline.DeadLetter { return &pipelinetest.DeadLetters{} }, DeadLetterOptions{
		Stored: func(_ *testing.T, d pipeline.DeadLetter) []pipeline.Rejection {
			return d.(*pipelinetest.DeadLetters).Rejections()
		},
	})
}

func TestEventsSpreadAndUnique(t *testing.T) {
	a, b := Events(30), SizedEvents(30, 500)
	ids := map[string]bool{}
	months := map[string]bool{}
	for _, e := range append(a, b...) {
		if ids[e.ID] {
			t.Fatalf("id %q generated twice", e.ID)
		}
		ids[e.ID] = true
		months[e.Time.Format("2006.01")] = true
		if pipelinetest.Invalid(e) != "" {
			t.Fatalf("generated event %q is invalid: %s", e.ID, pipelinetest.Invalid(e))
		}
	}
	if len(months) != 3 {
		t.Errorf("events span months %v; want 3", months)
	}
	for _, e := range b {
		if n := len(e.Doc); n < 480 || n > 520 {
			t.Errorf("SizedEvents(_, 500) doc of %d bytes", n)
		}
	}
	if !strings.Contains(string(b[9].Doc), "pipeline_error") || !b[9].Failed {
		t.Error("every tenth event should be a marked parse failure")
	}
}

func TestLeasesSuite(t *testing.T) {
	RunLeaseSuite(t, func(*testing.T) pipeline.LeaseStore { return &pipelinetest.Leases{} }, LeaseOptions{})
}
