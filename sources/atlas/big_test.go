package atlas

import (
	"context"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestFetchOneGigabyteStaysFlat fetches a window whose decompressed log is
// over 1 GB, generated and gzipped on the fly by the fake in this process,
// and reads it through; the heap of the whole process (fake included) must
// stay under 100 MB. It runs only with ASPAUDIT_BIG=1:
//
//	ASPAUDIT_BIG=1 go test -run TestFetchOneGigabyteStaysFlat -v ./sources/atlas/
func TestFetchOneGigabyteStaysFlat(t *testing.T) {
	if os.Getenv("ASPAUDIT_BIG") != "1" {
		t.Skip("set ASPAUDIT_BIG=1 to fetch a 1 GB window")
	}
	const target = 1 << 30
	gen := atlastest.Generator{Seed: 9}
	sample := 0
	for i := range 1000 {
		sample += len(gen.Line(i, day0).Text) + 1
	}
	n := target/(sample/1000) + 10000
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspaceFunc(testProject, "big", gen.Func(day0, day1, n))
	c := newClient(t, serviceAccount(srv.URL), Options{})

	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { samplePeakHeap(stop, &peak) })
	start := time.Now()
	rc, err := c.Fetch(context.Background(), window("big", day0, day1))
	if err != nil {
		t.Fatal(err)
	}
	read, err := io.Copy(io.Discard, rc)
	_ = rc.Close()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if read < target {
		t.Fatalf("read %d bytes, want over 1 GiB", read)
	}
	mb := float64(peak.Load()) / (1 << 20)
	t.Logf("read %.2f GiB (%d lines) in %s; peak heap in use %.1f MiB", float64(read)/(1<<30), n, time.Since(start).Round(time.Millisecond), mb)
	if mb >= 100 {
		t.Fatalf("peak heap %.1f MiB, want under 100", mb)
	}
}

func samplePeakHeap(stop <-chan struct{}, peak *atomic.Uint64) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var ms runtime.MemStats
	for {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}
