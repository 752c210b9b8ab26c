package templates

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// TestApplyRetentionDeletesExactlyTheExpired creates indices of every
// granularity around the retention boundary, a closed one, and names
// without a date, then checks that exactly the expired ones go.
func TestApplyRetentionDeletesExactlyTheExpired(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		l := newLayout(t, c)
		p := l.Prefix + "-"
		all := []string{p + "2024", p + "2025.01", p + "2025.06.30", p + "2025.07", p + "2025.07.01", p + "2026.11", p + "notes", p + "2025.13"}
		for _, name := range all {
			searchtest.MustDo(t, http.MethodPut, c.url, "/"+name, `{"settings":{"number_of_replicas":0}}`)
		}
		searchtest.MustDo(t, http.MethodPost, c.url, "/"+p+"2025.01/_close", "")

		cfg := NewDefaultConfig()
		cfg.Retention = Age(400 * Day)
		_, end, _ := Period(l.Prefix, p+"2025.06.30")
		now := end.Add(400 * Day) // the day index's newest event is exactly 400 days old

		cfg0 := cfg
		cfg0.Retention = 0
		if rep, err := ApplyRetention(testCtx(t), c.client, c.server, l, cfg0, now.AddDate(50, 0, 0)); err != nil || len(rep.Deleted) != 0 {
			t.Fatalf("retention off: deleted %v, %v", rep.Deleted, err)
		}

		rep, err := ApplyRetention(testCtx(t), c.client, c.server, l, cfg, now)
		if err != nil {
			t.Fatalf("ApplyRetention: %v", err)
		}
		wantDeleted := []string{p + "2024", p + "2025.01", p + "2025.06.30"}
		if !slices.Equal(rep.Deleted, wantDeleted) || rep.Kept != 3 || rep.Ignored != 2 || len(rep.Stamped) != 0 {
			t.Errorf("report %+v; want deleted %v, 3 kept, 2 ignored, none stamped (no ILM on the test servers)", rep, wantDeleted)
		}
		left := searchtest.Indices(t, c.url, l.Pattern())
		slices.Sort(left)
		wantLeft := []string{p + "2025.07", p + "2025.07.01", p + "2025.13", p + "2026.11", p + "notes"}
		if !slices.Equal(left, wantLeft) {
			t.Errorf("indices left %v, want %v", left, wantLeft)
		}

		// A millisecond later nothing more expires; a month later the
		// July indices do.
		if rep, err = ApplyRetention(testCtx(t), c.client, c.server, l, cfg, now.Add(time.Millisecond)); err != nil || len(rep.Deleted) != 0 {
			t.Errorf("second run: deleted %v, %v; want none", rep.Deleted, err)
		}
		rep, err = ApplyRetention(testCtx(t), c.client, c.server, l, cfg, now.AddDate(0, 1, 1))
		if want := []string{p + "2025.07", p + "2025.07.01"}; err != nil || !slices.Equal(rep.Deleted, want) {
			t.Errorf("a month later: deleted %v, %v; want %v", rep.Deleted, err, want)
		}
	})
}
