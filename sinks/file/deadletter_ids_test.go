package file

import (
	"context"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

// TestDeadLetterIDsAcrossProcesses: a second place on the same directory
// (the next run) does not add a dead letter the first already keeps.
func TestDeadLetterIDsAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	rs := sinktest.Rejections(6)
	first, err := NewDeadLetter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Put(ctx, rs[:4]); err != nil {
		t.Fatal(err)
	}
	_ = first.Close(context.Background())
	second, err := NewDeadLetter(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close(context.Background())
	if err := second.Put(ctx, rs[2:]); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	err = ScanDeadLetters(ctx, dir, func(rec DeadLetterRecord) error {
		count[rec.ID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(count) != len(rs) {
		t.Fatalf("%d ids kept, want %d", len(count), len(rs))
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("dead letter %s kept %d times", id, n)
		}
	}
}
