package atlastest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"
)

// read returns the lines fn serves for [from, to) as asked at at.
func read(fn LogFunc, from, to, at time.Time) []string {
	var out []string
	fn(Query{Start: from, End: to, At: at}, func(l []byte) bool {
		out = append(out, string(l))
		return true
	})
	return out
}

func TestIngestionPublishesLate(t *testing.T) {
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	in := &Ingestion{Start: start, Every: 100 * time.Millisecond, MaxDelay: 5 * time.Second, Late: 0.5}
	g := Generator{Seed: 7}
	fn := in.Func(g)
	from, to := start, start.Add(10*time.Second)
	all := in.Lines(g, to)
	if len(all) != 100 {
		t.Fatalf("Lines over 10s in 100ms slots: %d lines, want 100", len(all))
	}

	early := read(fn, from, to, to) // asked as the window ends
	late := read(fn, from, to, to.Add(5*time.Second))
	if len(early) >= len(all) || len(early) < len(all)/3 {
		t.Errorf("read as the window ends: %d of %d lines; want some but not all (half are up to 5s late)", len(early), len(all))
	}
	if len(late) != len(all) {
		t.Errorf("read MaxDelay after the window: %d lines, want all %d", len(late), len(all))
	}
	for i, l := range late {
		if l != all[i].Text {
			t.Fatalf("line %d differs from Lines: %q vs %q", i, l, all[i].Text)
		}
	}
	if got := in.ReachedUnpublished(); got != len(all)-len(early) {
		t.Errorf("ReachedUnpublished = %d, want the %d lines the early read missed", got, len(all)-len(early))
	}
	if again := read(fn, from, to, to); strings.Join(again, "\n") != strings.Join(early, "\n") {
		t.Errorf("the same query read twice gave different lines")
	}
	if part := read(fn, from.Add(2500*time.Millisecond), from.Add(3*time.Second), to.Add(time.Hour)); len(part) != 5 {
		t.Errorf("a 500ms window holds %d lines, want 5", len(part))
	}
}

func TestIngestionStop(t *testing.T) {
	now := time.Now().UTC()
	in := &Ingestion{Start: now.Add(-time.Second), Every: 10 * time.Millisecond, MaxDelay: time.Second, Late: 1}
	g := Generator{Seed: 3}
	stop := in.Stop()
	if again := in.Stop(); !again.Equal(stop) {
		t.Errorf("a second Stop moved the end from %s to %s", stop, again)
	}
	want := in.Lines(g, stop.Add(time.Hour))
	for _, l := range want {
		if !l.Time.Before(stop) {
			t.Fatalf("Lines holds an event at %s, after the stop at %s", l.Time, stop)
		}
	}
	got := read(in.Func(g), now.Add(-time.Hour), now.Add(time.Hour), stop.Add(2*time.Second))
	if len(got) != len(want) || len(want) < 90 {
		t.Errorf("after the stop and every delay: %d lines served, %d happened (want equal, about 100)", len(got), len(want))
	}
}

// TestIngestionThroughTheFake: a download through the fake serves what
// was published when it arrived.
func TestIngestionThroughTheFake(t *testing.T) {
	s := newFake(t, Config{})
	now := time.Now().UTC().Truncate(time.Second)
	in := &Ingestion{Start: now.Add(-time.Minute), Every: time.Second, MaxDelay: time.Hour, Late: 0.5}
	g := Generator{Seed: 11}
	s.AddWorkspaceFunc(project, "ws", in.Func(g))
	client := &http.Client{Transport: digest.NewTransport("pub", "priv")}
	res, b := get(t, client, auditURL(s, "ws", now.Add(-time.Minute), now, ""), gz)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("download: status %d: %s", res.StatusCode, b)
	}
	n := strings.Count(gunzip(t, b), "\n")
	if all := len(in.Lines(g, now)); n == 0 || n >= all {
		t.Errorf("download served %d of %d lines; want those published (about half)", n, all)
	}
}
