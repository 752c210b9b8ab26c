package ingest

import (
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

func at(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }

func span(a, b time.Time) pipeline.Range { return pipeline.Range{Start: a, End: b} }

func TestContinuousRanges(t *testing.T) {
	cfg := NewDefaultConfig() // lag 10m, overlap 30m, start 24h
	tests := []struct {
		name      string
		cov       pipeline.Coverage
		now       time.Time
		anchor    time.Time
		want      pipeline.Coverage
		wantFloor time.Time
	}{
		{
			name: "first run starts start back and ends lag behind",
			now:  at(10, 12, 0), want: pipeline.Coverage{span(at(9, 12, 0), at(10, 11, 50))}, wantFloor: at(9, 12, 0),
		},
		{
			name: "next poll re-reads the overlap",
			cov:  pipeline.Coverage{span(at(9, 12, 0), at(10, 11, 50))}, now: at(10, 12, 5), anchor: at(9, 12, 0),
			want: pipeline.Coverage{span(at(10, 11, 20), at(10, 11, 55))}, wantFloor: at(9, 12, 0),
		},
		{
			name: "a gap left by a failed window is planned again",
			cov:  pipeline.Coverage{span(at(9, 12, 0), at(10, 6, 0)), span(at(10, 8, 0), at(10, 11, 50))}, now: at(10, 12, 5), anchor: at(9, 12, 0),
			want: pipeline.Coverage{span(at(10, 6, 0), at(10, 8, 0)), span(at(10, 11, 20), at(10, 11, 55))}, wantFloor: at(9, 12, 0),
		},
		{
			name: "a gap older than start but after the anchor is planned",
			cov:  pipeline.Coverage{span(at(1, 0, 0), at(1, 6, 0)), span(at(1, 12, 0), at(10, 11, 50))}, now: at(10, 12, 0), anchor: at(1, 0, 0),
			want: pipeline.Coverage{span(at(1, 6, 0), at(1, 12, 0)), span(at(10, 11, 20), at(10, 11, 50))}, wantFloor: at(1, 0, 0),
		},
		{
			name: "a gap older than start in a new process is left to backfill",
			cov:  pipeline.Coverage{span(at(1, 0, 0), at(1, 6, 0)), span(at(1, 12, 0), at(10, 11, 50))}, now: at(10, 12, 0),
			want: pipeline.Coverage{span(at(10, 11, 20), at(10, 11, 50))}, wantFloor: at(9, 12, 0),
		},
		{
			name: "after downtime the series resumes where coverage ends",
			cov:  pipeline.Coverage{span(at(1, 0, 0), at(3, 0, 0))}, now: at(10, 12, 0),
			want: pipeline.Coverage{span(at(2, 23, 30), at(10, 11, 50))}, wantFloor: at(9, 12, 0),
		},
		{
			name: "coverage past now minus lag: nothing",
			cov:  pipeline.Coverage{span(at(9, 0, 0), at(10, 13, 0))}, now: at(10, 12, 0),
			want: nil, wantFloor: at(9, 12, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, floor := continuousRanges(tt.cov, tt.now, tt.anchor, cfg)
			if !floor.Equal(tt.wantFloor) {
				t.Errorf("floor %v, want %v", floor, tt.wantFloor)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Start.Equal(tt.want[i].Start) || !got[i].End.Equal(tt.want[i].End) {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestContiguousUntil(t *testing.T) {
	cov := pipeline.Coverage{span(at(1, 0, 0), at(1, 6, 0)), span(at(1, 12, 0), at(1, 18, 0))}
	for _, tt := range []struct{ anchor, want time.Time }{
		{at(1, 0, 0), at(1, 6, 0)},
		{at(1, 3, 0), at(1, 6, 0)},
		{at(1, 6, 0), at(1, 6, 0)},
		{at(1, 12, 0), at(1, 18, 0)},
		{at(2, 0, 0), at(2, 0, 0)},
	} {
		if got := contiguousUntil(cov, tt.anchor); !got.Equal(tt.want) {
			t.Errorf("contiguousUntil(%v) = %v, want %v", tt.anchor, got, tt.want)
		}
	}
}

func TestBackfillWindows(t *testing.T) {
	cov := pipeline.Coverage{span(at(1, 2, 0), at(1, 7, 0))}
	rg := pipeline.Range{Start: at(1, 0, 0), End: at(1, 18, 0)}
	got := backfillWindows(seriesA, cov, rg, 6*time.Hour, false)
	want := []pipeline.Window{win(seriesA, at(1, 0, 0), at(1, 2, 0)), win(seriesA, at(1, 7, 0), at(1, 12, 0)), win(seriesA, at(1, 12, 0), at(1, 18, 0))}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("window %d = %v, want %v", i, got[i], want[i])
		}
	}
	if got := backfillWindows(seriesA, cov, rg, 6*time.Hour, true); len(got) != 3 || got[0].Start != rg.Start {
		t.Errorf("forced: %v", got)
	}
}
