package dashboards

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform/oplog"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// operationalLines cover the three shapes and the levels the operational
// objects look for.
var operationalLines = []string{
	`{"t":{"$date":"2026-11-03T10:00:00.000Z"},"s":"E","c":"NETWORK","id":1,"ctx":"c","msg":"Connection failed","attr":{"processorName":"orders"}}`,
	`{"t":{"$date":"2026-11-03T10:01:00.000Z"},"s":"E","c":"STREAMS","id":2,"ctx":"c","msg":"DLQ write","attr":{"processorName":"orders"}}`,
	`{"timestamp":"2026-11-03T10:02:00Z","level":"warning","logger":"streams","message":"lag","processor":"clicks"}`,
	"2026-11-03T10:03:00Z FATAL [STREAMS] crashed (processor clicks)",
	"2026-11-03T10:04:00Z INFO [STREAMS] started (processor orders)",
}

// wantOperationalHits is what each query of the operational objects
// matches among operationalLines.
var wantOperationalHits = map[string]int{
	"": 5,
	`log.level : ("fatal" or "error" or "warn")`: 4,
	`log.level : ("fatal" or "error")`:           3,
}

func operationalExport(t *testing.T, f Flavor, pattern string) Export {
	t.Helper()
	b, err := f.OperationalSavedObjectsFor(pattern)
	if err != nil {
		t.Fatal(err)
	}
	x, err := ParseExport(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Check(f); err != nil {
		t.Fatalf("%s operational export: %v", f, err)
	}
	if !strings.Contains(string(b), `"title":"`+pattern+`"`) {
		t.Fatalf("%s operational export's data view is not %s", f, pattern)
	}
	return x
}

// TestOperationalObjectsOnRealClusters indexes parsed operational lines
// under the operational template on both servers: every field the
// operational objects use exists with what the use needs, and each query
// finds the lines it should.
func TestOperationalObjectsOnRealClusters(t *testing.T) {
	for _, which := range []string{"ES", "OS"} {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := searchtest.IndexName(t, "aspaudit-dash-ops-")
			pattern := search.IndexPattern(prefix)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			c, err := conn.New(conn.Config{URLs: []string{u}, Timeout: 30 * time.Second}, nil)
			if err != nil {
				t.Fatal(err)
			}
			srv, err := c.Detect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cfg := templates.NewDefaultConfig()
			if _, err := templates.Install(ctx, c, srv, templates.Layout{Prefix: prefix, LogType: pipeline.OperationalLog}, cfg); err != nil {
				t.Fatal(err)
			}
			searchtest.DeleteIndexTemplate(t, u, prefix)
			searchtest.DeleteIndices(t, u, pattern)
			p := oplog.New()
			w := pipeline.Window{Series: pipeline.Series{ProjectID: "0123456789abcdef01234567", Workspace: "ws-prod", LogType: pipeline.OperationalLog},
				Start: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)}
			var body strings.Builder
			for _, line := range operationalLines {
				ev, _ := p.Parse([]byte(line), w)
				meta, _ := json.Marshal(map[string]any{"create": map[string]any{"_index": search.IndexName(prefix, search.Month, ev.Time), "_id": ev.ID}})
				body.Write(meta)
				body.WriteByte('\n')
				body.Write(ev.Doc)
				body.WriteByte('\n')
			}
			searchtest.MustDo(t, http.MethodPost, u, "/_bulk?refresh=true", body.String())
			caps := fieldCaps(t, u, pattern)
			for _, f := range flavors {
				x := operationalExport(t, f, pattern)
				for _, p := range unmetUses(fieldUsesIn(t, x), caps) {
					t.Errorf("%s on %s: %s", f, which, p)
				}
				for _, q := range exportQueriesIn(t, x) {
					want, ok := wantOperationalHits[q]
					if !ok {
						t.Errorf("%s: query %q has no expected hit count in this test", f, q)
						continue
					}
					if got := countQuery(t, u, pattern, q); got != want {
						t.Errorf("%s on %s: query %q matches %d lines, want %d", f, which, q, got, want)
					}
				}
			}
		})
	}
}
