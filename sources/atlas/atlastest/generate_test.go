package atlastest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestGenerateLines(t *testing.T) {
	lines := GenerateLines(3, t0, t1, 2000)
	if len(lines) != 2000 {
		t.Fatalf("%d lines", len(lines))
	}
	again := GenerateLines(3, t0, t1, 2000)
	if !slices.Equal(lines, again) {
		t.Fatal("same seed, different lines")
	}
	seen := map[string]bool{}
	actions := map[string]int{}
	schemas := map[string]int{}
	for i, l := range lines {
		if l.Time.Before(t0) || !l.Time.Before(t1) || i > 0 && l.Time.Before(lines[i-1].Time) {
			t.Fatalf("line %d at %s: outside the range or out of order", i, l.Time)
		}
		if seen[l.Text] {
			t.Fatalf("line %d is a duplicate", i)
		}
		seen[l.Text] = true
		var m map[string]any
		if err := json.Unmarshal([]byte(l.Text), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i, err, l.Text)
		}
		atype, _ := m["atype"].(string)
		if u, ok := m["unmapped"].(map[string]any); ok {
			atype, _ = u["atype"].(string)
			schemas["ocsf"]++
			if int64(m["time"].(float64)) != l.Time.UnixMilli() {
				t.Fatalf("line %d: OCSF time %v, line time %s", i, m["time"], l.Time)
			}
		} else {
			schemas["mongo"]++
			if !strings.Contains(l.Text, l.Time.Format("2006-01-02T15:04:05.000")+"+0000") {
				t.Fatalf("line %d: mongo ts does not match %s: %s", i, l.Time, l.Text)
			}
		}
		actions[atype]++
		if l.Processor != "" && !strings.Contains(l.Text, `"`+l.Processor+`"`) {
			t.Fatalf("line %d names processor %q only outside its text", i, l.Processor)
		}
	}
	for _, a := range []string{"authenticate", "logout", "createStreamProcessor", "startStreamProcessor", "stopStreamProcessor", "dropStreamProcessor", "processStreamProcessor", "sampleStreamProcessor", "auditLogAccessed"} {
		if actions[a] == 0 {
			t.Errorf("no %s line", a)
		}
	}
	if schemas["ocsf"] < 500 || schemas["mongo"] < 500 {
		t.Errorf("schemas %v: want both well represented", schemas)
	}
}

func TestGeneratorFuncMatchesLines(t *testing.T) {
	g := Generator{Seed: 5, NotJSON: 0.1}
	lines := g.Lines(t0, t1, 500)
	q := Query{Start: t0.Add(10 * time.Minute), End: t0.Add(40 * time.Minute), Processor: "clicks-5m"}
	var want, got []string
	for _, l := range lines {
		if !l.Time.Before(q.Start) && l.Time.Before(q.End) && l.Processor == q.Processor {
			want = append(want, l.Text)
		}
	}
	g.Func(t0, t1, 500)(q, func(b []byte) bool { got = append(got, string(b)); return true })
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("Func gave %d lines, Lines %d", len(got), len(want))
	}
	notJSON := 0
	for _, l := range lines {
		if !json.Valid([]byte(l.Text)) {
			notJSON++
		}
	}
	if notJSON == 0 {
		t.Fatal("NotJSON made no such line")
	}
}
