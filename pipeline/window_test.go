package pipeline

import (
	"testing"
	"time"
)

func utc(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

func TestSplitAlignsToEpochMultiplesAndClips(t *testing.T) {
	s := Series{ProjectID: "p", Workspace: "w"}
	r := Range{Start: utc(2026, 11, 1, 4, 30, 0), End: utc(2026, 11, 2, 1, 0, 0)}
	got := Split(s, r, 6*time.Hour)
	want := []Range{
		{utc(2026, 11, 1, 4, 30, 0), utc(2026, 11, 1, 6, 0, 0)},
		{utc(2026, 11, 1, 6, 0, 0), utc(2026, 11, 1, 12, 0, 0)},
		{utc(2026, 11, 1, 12, 0, 0), utc(2026, 11, 1, 18, 0, 0)},
		{utc(2026, 11, 1, 18, 0, 0), utc(2026, 11, 2, 0, 0, 0)},
		{utc(2026, 11, 2, 0, 0, 0), utc(2026, 11, 2, 1, 0, 0)},
	}
	assertWindows(t, got, s, want)
}

func TestSplitIsStableAcrossOverlappingRanges(t *testing.T) {
	s := Series{ProjectID: "p", Workspace: "w", Processor: "sp"}
	a := Split(s, Range{utc(2026, 1, 1, 0, 0, 0), utc(2026, 1, 3, 0, 0, 0)}, 6*time.Hour)
	b := Split(s, Range{utc(2026, 1, 1, 13, 0, 0), utc(2026, 1, 2, 23, 0, 0)}, 6*time.Hour)
	inner := map[Range]bool{}
	for _, w := range a {
		inner[w.Range()] = true
	}
	// Every full window of b is one of a's windows.
	for _, w := range b[1 : len(b)-1] {
		if !inner[w.Range()] {
			t.Errorf("window %v of the inner range is not a window of the outer range", w)
		}
	}
}

func TestSplitTruncatesToSecondsAndConvertsToUTC(t *testing.T) {
	loc := time.FixedZone("X", 2*3600)
	s := Series{ProjectID: "p", Workspace: "w"}
	r := Range{Start: time.Date(2026, 3, 1, 2, 0, 0, 999, loc), End: time.Date(2026, 3, 1, 3, 0, 0, 5e8, loc)}
	got := Split(s, r, time.Hour)
	want := []Range{{utc(2026, 3, 1, 0, 0, 0), utc(2026, 3, 1, 1, 0, 0)}}
	assertWindows(t, got, s, want)
	if got[0].Start.Location() != time.UTC || got[0].End.Location() != time.UTC {
		t.Errorf("window times not in UTC: %v", got[0])
	}
}

func TestSplitEmptyAndSmallSizes(t *testing.T) {
	s := Series{ProjectID: "p", Workspace: "w"}
	if got := Split(s, Range{utc(2026, 1, 2, 0, 0, 0), utc(2026, 1, 1, 0, 0, 0)}, time.Hour); got != nil {
		t.Errorf("inverted range: got %v, want none", got)
	}
	r := Range{utc(2026, 1, 1, 0, 0, 0), utc(2026, 1, 1, 5, 0, 0)}
	for _, size := range []time.Duration{0, -time.Hour, 500 * time.Millisecond} {
		assertWindows(t, Split(s, r, size), s, []Range{r})
	}
}

// Far dates must neither hang nor misalign: a user may type --to 9999-12-31.
func TestSplitFarDates(t *testing.T) {
	s := Series{ProjectID: "p", Workspace: "w"}
	done := make(chan []Window, 1)
	go func() { done <- Split(s, Range{utc(2262, 4, 11, 0, 0, 0), utc(2262, 4, 13, 0, 0, 0)}, 6*time.Hour) }()
	select {
	case got := <-done:
		if len(got) != 8 {
			t.Errorf("2262: got %d windows, want 8", len(got))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Split did not return for a range after the year 2262")
	}
	got := Split(s, Range{utc(1969, 12, 31, 23, 0, 0), utc(1970, 1, 1, 7, 0, 0)}, 6*time.Hour)
	assertWindows(t, got, s, []Range{
		{utc(1969, 12, 31, 23, 0, 0), utc(1970, 1, 1, 0, 0, 0)},
		{utc(1970, 1, 1, 0, 0, 0), utc(1970, 1, 1, 6, 0, 0)},
		{utc(1970, 1, 1, 6, 0, 0), utc(1970, 1, 1, 7, 0, 0)},
	})
}

func TestSeriesAndWindowString(t *testing.T) {
	w := Window{Series: Series{ProjectID: "p", Workspace: "w"}, Start: utc(2026, 1, 1, 0, 0, 0), End: utc(2026, 1, 1, 6, 0, 0)}
	if got, want := w.String(), "p/w 2026-01-01T00:00:00Z/2026-01-01T06:00:00Z"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	w.Processor = "sp"
	if got, want := w.Series.String(), "p/w/sp"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func assertWindows(t *testing.T, got []Window, s Series, want []Range) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d windows %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range want {
		if got[i].Series != s || !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Errorf("window %d = %v, want %v %v", i, got[i], s, want[i])
		}
	}
}
