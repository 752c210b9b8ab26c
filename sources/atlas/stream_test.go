package atlas

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestCutBodyFailsTheWindow(t *testing.T) {
	for _, shape := range []atlastest.Shape{atlastest.Single, atlastest.Members, atlastest.Tar} {
		for _, n := range []int{3, 3000} { // bodies shorter and longer than the cut point
			fc := fakeConfig()
			fc.Faults = atlastest.Faults{Cut: 1, CutAfter: 2048}
			fc.Body = atlastest.Body{Shape: shape}
			srv := atlastest.NewServer(fc)
			srv.AddWorkspace(testProject, "ws", atlastest.GenerateLines(5, day0, day1, n))
			c := newClient(t, serviceAccount(srv.URL), Options{})
			lines, err := tryFetchLines(context.Background(), c, window("ws", day0, day1))
			if err == nil {
				t.Fatalf("shape %d, %d lines: a cut body ended cleanly with %d lines", shape, n, len(lines))
			}
			if pipeline.IsPermanent(err) || !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "downloading audit log of "+testProject+"/ws") {
				t.Fatalf("shape %d, %d lines: want a retryable unexpected EOF, got %v", shape, n, err)
			}
			srv.Close()
		}
	}
}

func TestIdleBodyTimesOut(t *testing.T) {
	fc := fakeConfig()
	fc.Faults = atlastest.Faults{Stall: 1, StallFor: 3 * time.Second, CutAfter: 1024}
	srv := atlastest.NewServer(fc)
	defer srv.Close()
	srv.AddWorkspace(testProject, "ws", atlastest.GenerateLines(5, day0, day1, 3000))
	cfg := serviceAccount(srv.URL)
	cfg.Timeouts.IdleRead = 150 * time.Millisecond
	c := newClient(t, cfg, Options{})
	_, err := tryFetchLines(context.Background(), c, window("ws", day0, day1))
	if err == nil || pipeline.IsPermanent(err) || !errors.Is(err, errIdle) {
		t.Fatalf("want a retryable idle timeout, got %v", err)
	}
	if !strings.Contains(err.Error(), "no data received for 150ms") {
		t.Fatalf("error does not say what happened: %v", err)
	}
}

// TestSlowConsumerIsNotIdle pauses between two reads for longer than
// IdleRead: only time spent waiting inside Read counts. IdleRead is fifty
// times the fake's pause between chunks, so that a loaded machine, slow to
// run the fake's handler or the reader, does not make the body look idle
// (at 100 ms it did under load); the pause is longer still.
func TestSlowConsumerIsNotIdle(t *testing.T) {
	const idle = time.Second
	fc := fakeConfig()
	fc.Faults = atlastest.Faults{ChunkDelay: 20 * time.Millisecond}
	srv := atlastest.NewServer(fc)
	defer srv.Close()
	lines := atlastest.GenerateLines(5, day0, day1, 2000)
	srv.AddWorkspace(testProject, "ws", lines)
	cfg := serviceAccount(srv.URL)
	cfg.Timeouts.IdleRead = idle
	c := newClient(t, cfg, Options{})
	rc, err := c.Fetch(context.Background(), window("ws", day0, day1))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	buf := make([]byte, 64<<10)
	total := 0
	for i := 0; ; i++ {
		n, err := rc.Read(buf)
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if i == 1 {
			time.Sleep(idle + idle/2) // backpressure mid-body: longer than IdleRead
		}
	}
	want := 0
	for _, l := range lines {
		want += len(l.Text) + 1
	}
	if total != want {
		t.Fatalf("read %d bytes, want %d", total, want)
	}
}

// TestConcurrencyBound counts downloads open at the server at once.
func TestConcurrencyBound(t *testing.T) {
	fc := fakeConfig()
	fc.Faults = atlastest.Faults{ChunkDelay: 30 * time.Millisecond}
	fake := atlastest.New(fc)
	var open, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/auditLogs") {
			n := open.Add(1)
			defer open.Add(-1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	for _, ws := range []string{"a", "b", "c", "d", "e", "f"} {
		fake.AddWorkspace(testProject, ws, atlastest.GenerateLines(6, day0, day1, 1500))
	}
	cfg := serviceAccount(srv.URL)
	cfg.Concurrency = 2
	c := newClient(t, cfg, Options{})
	var wg sync.WaitGroup
	for _, ws := range []string{"a", "b", "c", "d", "e", "f"} {
		wg.Go(func() {
			if got := fetchLines(t, c, window(ws, day0, day1)); len(got) != 1500 {
				t.Errorf("%s: %d lines", ws, len(got))
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Fatalf("peak of %d downloads at once, want the bound of 2 reached and kept", p)
	}
}

func TestObserverCountsResponses(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspace(testProject, "ws", nil)
	srv.Inject(atlastest.Rule{Endpoint: "auditLogs", Status: 503, Times: 1})
	var mu sync.Mutex
	seen := map[string]int{}
	c := newClient(t, apiKey(srv.URL), Options{OnResponse: func(ep string, s int) {
		mu.Lock()
		defer mu.Unlock()
		seen[ep+" "+http.StatusText(s)]++
	}})
	if _, err := c.Fetch(context.Background(), window("ws", day0, day1)); err == nil {
		t.Fatal("want the injected 503")
	}
	fetchLines(t, c, window("ws", day0, day1))
	want := map[string]int{"auditLogs Service Unavailable": 1, "auditLogs OK": 1}
	if len(seen) != len(want) || seen["auditLogs OK"] != 1 || seen["auditLogs Service Unavailable"] != 1 {
		t.Fatalf("observed %v, want %v (challenge legs not counted)", seen, want)
	}
}
