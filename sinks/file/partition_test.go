package file

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

// monthEvents returns n fresh events all in November 2026.
func monthEvents(n int) []pipeline.Event {
	events := sinktest.Events(n)
	for i := range events {
		events[i].Time = time.Date(2026, 11, 2, 0, 0, i, 0, time.UTC)
	}
	return events
}

func novemberDir(path string) string { return filepath.Join(path, "events", "2026.11") }

func TestMergingBoundsFiles(t *testing.T) {
	path := t.TempDir()
	s := openSink(t, path, func(c *Config) { c.CompactSegments = 4 })
	var all []pipeline.Event
	for range 40 {
		batch := monthEvents(5)
		all = append(all, batch...)
		mustWrite(t, s, batch)
	}
	files := ndjsonFiles(t, path)
	if len(files) >= 8 {
		t.Errorf("%d segment files after 40 writes with compact_segments 4: %v", len(files), files)
	}
	sinktest.ExpectDocs(t, scanAll(t, path), all)
	if res := mustWrite(t, s, all); res.Duplicates != len(all) {
		t.Errorf("re-writing after merges: %d duplicates; want %d", res.Duplicates, len(all))
	}
}

func TestMergeRun(t *testing.T) {
	small := func(first uint64) segment { return segment{first: first, last: first, size: 1000} }
	big := segment{first: 1, last: 1, size: maxMergeSize}
	mid := segment{first: 2, last: 5, size: 2 << 20}
	cases := []struct {
		segs []segment
		k    int
		want int
	}{
		{[]segment{small(1), small(2), small(3)}, 4, 0},
		{[]segment{small(1), small(2), small(3), small(4)}, 4, 4},
		{[]segment{big, mid, small(6), small(7), small(8)}, 3, 3},
		{[]segment{big, mid, small(6), small(7)}, 3, 0},
		{[]segment{small(1), small(2)}, 0, 0},
	}
	for i, c := range cases {
		if got := mergeRun(c.segs, c.k); len(got) != c.want {
			t.Errorf("case %d: merge run of %d segments; want %d", i, len(got), c.want)
		}
	}
}

// TestLeftoversOfInterruptedMerge builds the state a crash between a
// merge's rename and the removal of its inputs leaves: reopening removes
// the inputs and nothing is read twice.
func TestLeftoversOfInterruptedMerge(t *testing.T) {
	path := t.TempDir()
	s := openSink(t, path, func(c *Config) { c.CompactSegments = 0 })
	a, b := monthEvents(3), monthEvents(4)
	mustWrite(t, s, a)
	mustWrite(t, s, b)
	_ = s.Close(context.Background())
	dir := novemberDir(path)
	one, _ := os.ReadFile(filepath.Join(dir, "0000000001-0000000001.ndjson"))
	two, _ := os.ReadFile(filepath.Join(dir, "0000000002-0000000002.ndjson"))
	if err := os.WriteFile(filepath.Join(dir, "0000000001-0000000002.ndjson"), append(one, two...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, tmpStart+"123"), []byte(`{"_id":"half`), 0o600); err != nil {
		t.Fatal(err)
	}
	s2 := openSink(t, path)
	files := ndjsonFiles(t, path)
	if len(files) != 1 || !strings.HasSuffix(files[0], "0000000001-0000000002.ndjson") {
		t.Errorf("after reopening: %v; want only the merged segment", files)
	}
	if _, err := os.Stat(filepath.Join(dir, tmpStart+"123")); err == nil {
		t.Error("temp file not removed at open")
	}
	all := append(a, b...)
	sinktest.ExpectDocs(t, scanAll(t, path), all)
	if res := mustWrite(t, s2, all); res.Duplicates != len(all) {
		t.Errorf("%d duplicates; want %d", res.Duplicates, len(all))
	}
}

// TestIDsFilesRebuilt damages and removes ids files: duplicates are still
// recognised, from the segments themselves.
func TestIDsFilesRebuilt(t *testing.T) {
	path := t.TempDir()
	s := openSink(t, path, func(c *Config) { c.CompactSegments = 0 })
	a, b := monthEvents(5), monthEvents(5)
	mustWrite(t, s, a)
	mustWrite(t, s, b)
	_ = s.Close(context.Background())
	dir := novemberDir(path)
	if err := os.Remove(filepath.Join(dir, "0000000001-0000000001.ids")); err != nil {
		t.Fatal(err)
	}
	ids2 := filepath.Join(dir, "0000000002-0000000002.ids")
	raw, _ := os.ReadFile(ids2)
	raw[len(idsMagic)] ^= 0xff
	if err := os.WriteFile(ids2, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	s2 := openSink(t, path)
	if res := mustWrite(t, s2, append(a, b...)); res.Duplicates != 10 || res.Stored != 0 {
		t.Errorf("stored %d duplicates %d; want 0, 10", res.Stored, res.Duplicates)
	}
	if _, err := readIDs(dir, "0000000001-0000000001.ids"); err != nil {
		t.Errorf("ids file not rebuilt: %v", err)
	}
}

// TestDamagedSegmentIsAnError: a segment that does not parse (damaged by
// hand) stops writes to its month with an error naming it, rather than
// letting duplicates in.
func TestDamagedSegmentIsAnError(t *testing.T) {
	path := t.TempDir()
	s := openSink(t, path)
	mustWrite(t, s, monthEvents(3))
	_ = s.Close(context.Background())
	dir := novemberDir(path)
	_ = os.Remove(filepath.Join(dir, "0000000001-0000000001.ids"))
	if err := os.WriteFile(filepath.Join(dir, "0000000001-0000000001.ndjson"), []byte(`{"_id":"x","a":`), 0o600); err != nil {
		t.Fatal(err)
	}
	s2 := openSink(t, path)
	_, err := s2.Write(context.Background(), monthEvents(1))
	if err == nil || !strings.Contains(err.Error(), "0000000001-0000000001.ndjson") {
		t.Errorf("Write over a damaged segment: %v; want an error naming it", err)
	}
}

// TestTwoSinksShareADirectory writes the same events through two sinks over
// one directory at once, as two processes would: each is stored once.
func TestTwoSinksShareADirectory(t *testing.T) {
	path := t.TempDir()
	sinks := []*Sink{openSink(t, path), openSink(t, path)}
	events := sinktest.Events(300)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var total pipeline.WriteResult
	for i := range 8 {
		wg.Go(func() {
			off := (i * 37) % 200
			res, err := sinks[i%2].Write(context.Background(), events[off:off+100])
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total.Add(res)
			mu.Unlock()
		})
	}
	wg.Wait()
	got := scanAll(t, path)
	if total.Stored != len(got) || total.Stored+total.Duplicates != 800 {
		t.Errorf("stored %d + duplicates %d over %d stored documents; want stored = documents and a sum of 800", total.Stored, total.Duplicates, len(got))
	}
	seen := map[string]bool{}
	for _, d := range got {
		if seen[d.ID] {
			t.Errorf("%s stored twice", d.ID)
		}
		seen[d.ID] = true
	}
}

func TestWriteAfterClose(t *testing.T) {
	s := openSink(t, t.TempDir())
	_ = s.Close(context.Background())
	_, err := s.Write(context.Background(), sinktest.Events(1))
	if !pipeline.IsPermanent(err) {
		t.Errorf("Write after Close: %v; want a permanent error", err)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := NewDefaultConfig().Validate(); err != nil {
		t.Errorf("default config: %v", err)
	}
	err := Config{CompactSegments: 1}.Validate()
	for _, key := range []string{"path:", "max_loaded_partitions:", "compact_segments:"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Validate: %v; want a problem with %s", err, key)
		}
	}
}
