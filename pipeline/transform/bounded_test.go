package transform

import (
	"encoding/json"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestOversizeKeepsTheOriginal: a cut event keeps the raw line even when
// keep_original is off, and no indexed leaf is past the bounds.
func TestOversizeKeepsTheOriginal(t *testing.T) {
	p := New(Config{KeepOriginal: false})
	big := strings.Repeat("é", 600_000) // over 1 MB of UTF-8 in one value
	line := `{ "atype" : "createStreamProcessor", "ts" : { "$date" : "2026-11-01T10:00:00Z" }, "param" : { "name" : "p", "pipeline" : "` + big + `" }, "result" : 0 }`
	ev, err := p.Parse([]byte(line), goldenWindow)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Event struct {
			Original string `json:"original"`
		} `json:"event"`
		Aspaudit struct {
			Truncated []string `json:"truncated_fields"`
		} `json:"aspaudit"`
		Mongodb struct {
			Audit struct {
				Param map[string]string `json:"param"`
			} `json:"audit"`
		} `json:"mongodb"`
	}
	if err := json.Unmarshal(ev.Doc, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Event.Original != line {
		t.Fatalf("event.original is not the line (%d bytes of %d)", len(doc.Event.Original), len(line))
	}
	if len(doc.Aspaudit.Truncated) != 1 || doc.Aspaudit.Truncated[0] != "mongodb.audit.param" {
		t.Fatalf("truncated_fields %v", doc.Aspaudit.Truncated)
	}
	got := doc.Mongodb.Audit.Param["pipeline"]
	if len(got) > jsontape.MaxFlatString || !utf8.ValidString(got) || !strings.HasPrefix(big, got) || len(got) < jsontape.MaxFlatString-1 {
		t.Fatalf("indexed copy of %d bytes, want a prefix of at most %d", len(got), jsontape.MaxFlatString)
	}

	small := `{ "atype" : "startStreamProcessor", "ts" : { "$date" : "2026-11-01T10:00:00Z" }, "param" : { "name" : "p" }, "result" : 0 }`
	ev, _ = p.Parse([]byte(small), goldenWindow)
	if strings.Contains(string(ev.Doc), `"original"`) || strings.Contains(string(ev.Doc), "truncated_fields") {
		t.Fatalf("an event within the bounds is marked or keeps its original: %s", ev.Doc)
	}
}
