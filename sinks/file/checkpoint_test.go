package file

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

var testSeries = pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-a", Processor: "proc"}

func testRange() pipeline.Range {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return pipeline.Range{Start: start, End: start.Add(6 * time.Hour)}
}

func TestCheckpointFile(t *testing.T) {
	st, err := NewCheckpointStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkStored(context.Background(), testSeries, testRange()); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(st.File())
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v; want 0600", info.Mode().Perm())
	}
	var got state
	b, _ := os.ReadFile(st.File())
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || len(got.Series) != 1 || got.Series[0].Processor != "proc" || len(got.Series[0].Covered) != 1 {
		t.Errorf("state file holds %s", b)
	}
}

func TestCheckpointCorruptFile(t *testing.T) {
	for name, content := range map[string]string{
		"truncated": `{"version":1,"series":[{"project_id":"x","work`,
		"newer":     `{"version":7,"series":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			st, err := NewCheckpointStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(st.File(), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, cerr := st.Coverage(context.Background(), testSeries)
			merr := st.MarkStored(context.Background(), testSeries, testRange())
			for _, err := range []error{cerr, merr} {
				if err == nil || !strings.Contains(err.Error(), st.File()) || !pipeline.IsPermanent(err) {
					t.Errorf("got %v; want a permanent error naming %s", err, st.File())
				}
			}
			if b, _ := os.ReadFile(st.File()); string(b) != content {
				t.Error("the corrupt file was changed")
			}
		})
	}
}

func TestCheckpointCancelledWhileLocked(t *testing.T) {
	dir := t.TempDir()
	st, _ := NewCheckpointStore(dir)
	lf, err := os.OpenFile(filepath.Join(filepath.Dir(st.File()), coverageLock), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	if err := flock(context.Background(), lf, lockExclusive); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := st.MarkStored(ctx, testSeries, testRange()); err == nil {
		t.Fatal("MarkStored went on while another holder had the lock")
	}
	_ = funlock(lf)
	if err := st.MarkStored(context.Background(), testSeries, testRange()); err != nil {
		t.Fatalf("MarkStored after the lock was released: %v", err)
	}
}
