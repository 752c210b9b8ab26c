package sinktest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/pipelinetest"
)

// Doc is one stored copy of a document, as read back from a sink; it is
// pipelinetest.Doc, so a suite reads a Recorder back like a real sink.
type Doc = pipelinetest.Doc

var batchSeq atomic.Uint64

// monthBases spreads generated events over three months (and so over three
// monthly indices or partitions), crossing a year's last days.
var monthBases = []time.Time{
	time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC),
	time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC),
	time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC),
}

// Events returns n events with ids unique to this call (and to this
// process run), spread over three months, every tenth one a marked
// parse failure. Their documents use ECS field names.
func Events(n int) []pipeline.Event { return SizedEvents(n, 0) }

// SizedEvents is Events with each document padded to about size bytes
// (never smaller than the unpadded document).
func SizedEvents(n, size int) []pipeline.Event {
	prefix := uniquePrefix()
	out := make([]pipeline.Event, n)
	for i := range out {
		out[i] = makeEvent(fmt.Sprintf("%s-%06d", prefix, i), i, size)
	}
	return out
}

func uniquePrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails on supported platforms
	return fmt.Sprintf("st%s%d", hex.EncodeToString(b[:]), batchSeq.Add(1))
}

type eventDoc struct {
	Timestamp string         `json:"@timestamp"`
	Event     map[string]any `json:"event"`
	Atlas     map[string]any `json:"atlas"`
	Source    map[string]any `json:"source"`
	User      map[string]any `json:"user"`
	Error     map[string]any `json:"error,omitempty"`
}

func makeEvent(id string, i, size int) pipeline.Event {
	ts := monthBases[i%len(monthBases)].Add(time.Duration(i) * time.Second)
	failed := i%10 == 9
	d := eventDoc{
		Timestamp: ts.Format(time.RFC3339Nano),
		Event:     map[string]any{"action": "authenticate", "outcome": "success", "kind": "event", "original": ""},
		Atlas:     map[string]any{"project": map[string]any{"id": "32b6e34b3d91647abb20e7b8"}, "streams": map[string]any{"workspace": "sinktest"}},
		Source:    map[string]any{"ip": fmt.Sprintf("10.1.%d.%d", i/250%250, i%250+1), "port": 27017},
		User:      map[string]any{"name": fmt.Sprintf("user-%d", i%7)},
	}
	if failed {
		d.Event["kind"] = "pipeline_error"
		d.Error = map[string]any{"message": "sinktest: unparsable line"}
	}
	doc, _ := json.Marshal(d) // plain maps and strings always marshal
	if pad := size - len(doc); pad > 0 {
		d.Event["original"] = "x" + strings.Repeat("é", pad/2) // multi-byte text on purpose
		doc, _ = json.Marshal(d)
	}
	return pipeline.Event{ID: id, Time: ts, Doc: doc, Failed: failed}
}
