package ingest

import (
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// backfillWindows cuts the parts of rg that cov does not hold (all of rg
// when force) into windows of size.
func backfillWindows(s pipeline.Series, cov pipeline.Coverage, rg pipeline.Range, size time.Duration, force bool) []pipeline.Window {
	if force {
		return pipeline.Split(s, rg, size)
	}
	var out []pipeline.Window
	for _, m := range cov.Missing(rg) {
		out = append(out, pipeline.Split(s, m, size)...)
	}
	return out
}

// continuousRanges is what one pass of continuous mode fetches for a series
// with coverage cov, at time now:
//
//   - every uncovered part of [floor, now-lag), where floor is now-start,
//     or anchor (where this process started the series) when earlier: the
//     first run starts start back, and a window that failed is planned
//     again on every pass until it is stored;
//   - [end of coverage - overlap, now-lag), however old the end of
//     coverage is: events published late are re-read, and after downtime
//     the series resumes where it stopped instead of skipping ahead.
//
// It returns the floor it used, for the caller to keep as the anchor.
func continuousRanges(cov pipeline.Coverage, now, anchor time.Time, c Config) (pipeline.Coverage, time.Time) {
	end := now.Add(-c.Lag)
	floor := now.Add(-c.Start)
	if !anchor.IsZero() && anchor.Before(floor) {
		floor = anchor
	}
	ranges := cov.Missing(pipeline.Range{Start: floor, End: end})
	if last := cov.Last(); !last.IsZero() {
		ranges = append(ranges, pipeline.Range{Start: last.Add(-c.Overlap), End: end})
	}
	return pipeline.Normalize(ranges), floor
}

// contiguousUntil returns how far cov holds everything from anchor on:
// anchor itself when it is not covered.
func contiguousUntil(cov pipeline.Coverage, anchor time.Time) time.Time {
	last := cov.Last()
	if !last.After(anchor) {
		return anchor
	}
	if gaps := cov.Missing(pipeline.Range{Start: anchor, End: last}); len(gaps) > 0 {
		return gaps[0].Start
	}
	return last
}
