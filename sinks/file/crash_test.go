package file

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

const crashChildEnv = "ASPAUDIT_FILE_CRASH_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		if err := crashChild(dir); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashPool returns the events the crash test writes: the same in every
// process, about 500 bytes each, over three months.
func crashPool() []pipeline.Event {
	out := make([]pipeline.Event, 3000)
	base := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	for i := range out {
		ts := base.Add(time.Duration(i) * 47 * time.Minute)
		doc := fmt.Sprintf(`{"@timestamp":%q,"event":{"action":"authenticate","original":%q}}`,
			ts.Format(time.RFC3339), strings.Repeat("x", 400)+strconv.Itoa(i))
		out[i] = pipeline.Event{ID: fmt.Sprintf("crash-%05d", i), Time: ts, Doc: []byte(doc)}
	}
	return out
}

// crashChild writes overlapping batches of the pool until it is killed,
// printing "ok <offset> <count>" after each Write that returned nil.
func crashChild(dir string) error {
	cfg := NewDefaultConfig()
	cfg.Path, cfg.CompactSegments, cfg.MaxLoadedPartitions = dir, 4, 1
	ctx := context.Background()
	s, err := New(ctx, cfg, nil)
	if err != nil {
		return err
	}
	pool := crashPool()
	for {
		n := 20 + rand.IntN(200)
		off := rand.IntN(len(pool) - n)
		if _, err := s.Write(ctx, pool[off:off+n]); err != nil {
			return err
		}
		fmt.Printf("ok %d %d\n", off, n)
	}
}

// TestCrash kills writers with SIGKILL at random moments, one or two at a
// time over the same directory, and checks after each kill that every
// visible file is whole, and at the end that every acknowledged event is
// stored exactly once.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	dir := t.TempDir()
	acked := make(map[int]bool)
	var mu sync.Mutex
	interrupted, child := 0, 0
	for round := range 12 {
		children := 1 + round%2
		var wg sync.WaitGroup
		for range children {
			k := killAt{after: time.Duration(rand.IntN(400)) * time.Millisecond}
			if child%3 == 0 {
				k = killAt{after: k.after + 50*time.Millisecond, fromStart: true}
			}
			child++
			wg.Go(func() {
				for _, i := range runAndKill(t, dir, k) {
					mu.Lock()
					acked[i] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		checkFilesWhole(t, dir)
		interrupted += countInterrupted(t, dir)
	}
	t.Logf("%d kills left temp files or merge leftovers behind", interrupted)
	t.Logf("%d of %d events acknowledged before the kills", len(acked), len(crashPool()))
	if len(acked) == 0 {
		t.Fatal("no child acknowledged a write: the test proved nothing")
	}
	checkAfterCrashes(t, dir, acked)
}

// killAt is when runAndKill kills its child: after this long from its start
// (maybe while it opens and recovers the directory, before any write), or
// from its first acknowledged write, whatever the time a loaded machine
// takes to start it (a child that never acknowledges is killed after a
// minute).
type killAt struct {
	after     time.Duration
	fromStart bool
}

// runAndKill runs a child writer, kills it at k and returns the pool
// indices of the events it acknowledged.
func runAndKill(t *testing.T, dir string, k killAt) []int {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(time.Minute, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	defer timer.Stop()
	if k.fromStart {
		timer.Reset(k.after)
	}
	var acked []int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var off, n int
		if _, err := fmt.Sscanf(sc.Text(), "ok %d %d", &off, &n); err != nil {
			t.Errorf("child said %q", sc.Text())
			continue
		}
		if !k.fromStart && len(acked) == 0 {
			timer.Reset(k.after)
		}
		for i := off; i < off+n; i++ {
			acked = append(acked, i)
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Errorf("child ended by itself (%v): %s", err, stderr.String())
	}
	return acked
}

// checkFilesWhole checks, before any recovery, that every visible file
// parses to its last line.
func checkFilesWhole(t *testing.T, dir string) {
	t.Helper()
	for _, f := range ndjsonFiles(t, dir) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 || b[len(b)-1] != '\n' {
			t.Errorf("%s: empty or torn at the end", f)
			continue
		}
		for i, line := range bytes.Split(b[:len(b)-1], []byte("\n")) {
			if _, _, err := splitLine(line); err != nil {
				t.Errorf("%s line %d: %v", f, i+1, err)
				break
			}
		}
	}
}

// checkAfterCrashes reopens the directory and checks what it holds.
func checkAfterCrashes(t *testing.T, dir string, acked map[int]bool) {
	pool := crashPool()
	s := openSink(t, dir)
	if tmps, _ := filepath.Glob(filepath.Join(dir, "events", "*", tmpStart+"*")); len(tmps) > 0 {
		t.Errorf("temp files left after reopening: %v", tmps)
	}
	got := scanAll(t, dir)
	stored := make(map[string]bool, len(got))
	var want []pipeline.Event
	for _, d := range got {
		stored[d.ID] = true
	}
	for i, e := range pool {
		if acked[i] && !stored[e.ID] {
			t.Errorf("acknowledged event %s is missing", e.ID)
		}
		if stored[e.ID] {
			want = append(want, e)
		}
	}
	sinktest.ExpectDocs(t, got, want)
	checkRawOnce(t, dir)
	res := mustWrite(t, s, pool)
	if res.Stored != len(pool)-len(want) || res.Duplicates != len(want) {
		t.Errorf("writing the whole pool: stored %d, duplicates %d; want %d, %d", res.Stored, res.Duplicates, len(pool)-len(want), len(want))
	}
	sinktest.ExpectDocs(t, scanAll(t, dir), pool)
}

// checkRawOnce reads the files as a plain NDJSON reader would (no Scan):
// after reopening, no id appears twice.
func checkRawOnce(t *testing.T, dir string) {
	seen := map[string]string{}
	for _, f := range ndjsonFiles(t, dir) {
		b, _ := os.ReadFile(f)
		for _, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
			var v struct {
				ID string `json:"_id"`
			}
			if err := json.Unmarshal(line, &v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if prev, dup := seen[v.ID]; dup {
				t.Errorf("id %s in %s and %s", v.ID, prev, f)
			}
			seen[v.ID] = f
		}
	}
}

// countInterrupted returns 1 when the directory shows an interrupted write.
func countInterrupted(t *testing.T, dir string) int {
	names, _ := partitionNames(filepath.Join(dir, "events"))
	for _, n := range names {
		l, err := listPartition(filepath.Join(dir, "events", n))
		if err != nil {
			t.Fatal(err)
		}
		if len(l.dead) > 0 {
			return 1
		}
	}
	return 0
}
