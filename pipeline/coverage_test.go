package pipeline

import (
	"math/rand/v2"
	"testing"
	"time"
)

func hr(h int) time.Time { return utc(2026, 1, 1, 0, 0, 0).Add(time.Duration(h) * time.Hour) }

func rg(a, b int) Range { return Range{Start: hr(a), End: hr(b)} }

func TestCoverageAdd(t *testing.T) {
	tests := []struct {
		name string
		adds []Range
		want Coverage
	}{
		{"empty range ignored", []Range{rg(3, 3)}, nil},
		{"disjoint sorted", []Range{rg(5, 6), rg(1, 2), rg(9, 10)}, Coverage{rg(1, 2), rg(5, 6), rg(9, 10)}},
		{"touching merged", []Range{rg(1, 2), rg(2, 3)}, Coverage{rg(1, 3)}},
		{"overlap merged", []Range{rg(1, 4), rg(3, 6)}, Coverage{rg(1, 6)}},
		{"bridge merges three", []Range{rg(1, 2), rg(5, 6), rg(8, 9), rg(2, 8)}, Coverage{rg(1, 9)}},
		{"contained", []Range{rg(1, 10), rg(3, 4)}, Coverage{rg(1, 10)}},
		{"covering", []Range{rg(3, 4), rg(6, 7), rg(1, 10)}, Coverage{rg(1, 10)}},
		{"between", []Range{rg(1, 2), rg(8, 9), rg(4, 5)}, Coverage{rg(1, 2), rg(4, 5), rg(8, 9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Coverage
			for _, r := range tt.adds {
				c = c.Add(r)
			}
			assertCoverage(t, c, tt.want)
		})
	}
}

func TestCoverageAddDoesNotModifyReceiver(t *testing.T) {
	c := Coverage{rg(1, 2), rg(5, 6)}
	_ = c.Add(rg(2, 5))
	assertCoverage(t, c, Coverage{rg(1, 2), rg(5, 6)})
}

func TestCoverageMissing(t *testing.T) {
	c := Coverage{rg(2, 4), rg(6, 8), rg(10, 12)}
	tests := []struct {
		r    Range
		want []Range
	}{
		{rg(0, 14), []Range{rg(0, 2), rg(4, 6), rg(8, 10), rg(12, 14)}},
		{rg(2, 4), nil},
		{rg(3, 7), []Range{rg(4, 6)}},
		{rg(4, 6), []Range{rg(4, 6)}},
		{rg(11, 20), []Range{rg(12, 20)}},
		{rg(0, 1), []Range{rg(0, 1)}},
		{rg(5, 5), nil},
		{rg(7, 5), nil},
	}
	for _, tt := range tests {
		got := c.Missing(tt.r)
		assertCoverage(t, Coverage(got), Coverage(tt.want))
		if c.Covers(tt.r) != (len(tt.want) == 0) {
			t.Errorf("Covers(%v) = %v", tt.r, c.Covers(tt.r))
		}
	}
	if got := Coverage(nil).Missing(rg(1, 2)); len(got) != 1 || got[0] != rg(1, 2) {
		t.Errorf("empty coverage: Missing = %v", got)
	}
}

// The ranges Missing returns plus the coverage must hold exactly r: checked
// against a per-hour bitmap on random inputs.
func TestCoverageMissingMatchesBitmap(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var bits [48]bool
		var c Coverage
		for range rnd.IntN(6) {
			a := rnd.IntN(48)
			b := a + rnd.IntN(48-a+1)
			c = c.Add(rg(a, b))
			for i := a; i < b; i++ {
				bits[i] = true
			}
		}
		a := rnd.IntN(48)
		b := a + rnd.IntN(48-a+1)
		var miss [48]bool
		for _, m := range c.Missing(rg(a, b)) {
			for i := hourOf(m.Start); i < hourOf(m.End); i++ {
				miss[i] = true
			}
		}
		for i := range 48 {
			want := i >= a && i < b && !bits[i]
			if miss[i] != want {
				t.Fatalf("coverage %v, Missing(%d..%d): hour %d missing=%v, want %v", c, a, b, i, miss[i], want)
			}
		}
		checkNormal(t, c)
	}
}

func TestNormalizeAndLast(t *testing.T) {
	c := Normalize([]Range{rg(8, 9), rg(1, 3), rg(5, 5), rg(2, 4), rg(9, 10)})
	assertCoverage(t, c, Coverage{rg(1, 4), rg(8, 10)})
	if !c.Last().Equal(hr(10)) {
		t.Errorf("Last() = %v, want %v", c.Last(), hr(10))
	}
	if !Coverage(nil).Last().IsZero() {
		t.Error("Last() of empty coverage is not the zero time")
	}
}

func hourOf(t time.Time) int { return int(t.Sub(hr(0)) / time.Hour) }

func checkNormal(t *testing.T, c Coverage) {
	t.Helper()
	for i, r := range c {
		if r.Empty() {
			t.Fatalf("empty range in %v", c)
		}
		if i > 0 && !c[i-1].End.Before(r.Start) {
			t.Fatalf("ranges not sorted and separated: %v", c)
		}
	}
}

func assertCoverage(t *testing.T, got, want Coverage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
