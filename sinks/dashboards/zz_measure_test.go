package dashboards

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

func TestZZMeasure(t *testing.T) {
	if os.Getenv("MEASURE") == "" {
		t.Skip()
	}
	u := searchtest.Require(t, "ES")
	prefix := searchtest.IndexName(t, "aspaudit-size-")
	installTemplate(t, u, prefix)
	p := transform.New(transform.NewDefaultConfig())
	w := pipeline.Window{Series: pipeline.Series{ProjectID: "0123456789abcdef01234567", Workspace: "ws-prod"},
		Start: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	lines := sampleLines()[:8]
	n := 0
	var raw int
	for batch := 0; batch < 20; batch++ {
		var body strings.Builder
		for i := 0; i < 1000; i++ {
			l := strings.Replace(lines[i%8], "203.0.113.7", fmt.Sprintf("203.0.%d.%d", i%200, batch), 1)
			l = strings.Replace(l, "10:", fmt.Sprintf("%02d:", i%24), 1)
			l = strings.Replace(l, `"port":51234`, fmt.Sprintf(`"port":%d`, 1024+n), 1)
			raw += len(l)
			ev, _ := p.Parse([]byte(l), w)
			meta, _ := json.Marshal(map[string]any{"create": map[string]any{"_index": search.IndexName(prefix, search.Month, ev.Time), "_id": ev.ID}})
			body.Write(meta); body.WriteByte('\n'); body.Write(ev.Doc); body.WriteByte('\n')
			n++
		}
		searchtest.MustDo(t, http.MethodPost, u, "/_bulk", body.String())
	}
	searchtest.MustDo(t, http.MethodPost, u, "/"+prefix+"-*/_refresh", "")
	searchtest.MustDo(t, http.MethodPost, u, "/"+prefix+"-*/_forcemerge?max_num_segments=1", "")
	b := searchtest.MustDo(t, http.MethodGet, u, "/"+prefix+"-*/_stats/store,docs", "")
	var s struct{ All struct{ Primaries struct{ Docs struct{ Count int }; Store struct{ SizeInBytes int `json:"size_in_bytes"` } } } `json:"_all"` }
	json.Unmarshal(b, &s)
	t.Logf("events %d, docs %d, raw %d bytes (%.0f/event), store %d bytes (%.0f/event)", n, s.All.Primaries.Docs.Count, raw, float64(raw)/float64(n), s.All.Primaries.Store.SizeInBytes, float64(s.All.Primaries.Store.SizeInBytes)/float64(s.All.Primaries.Docs.Count))
}
