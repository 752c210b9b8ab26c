package oplog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Dataset is the event.dataset of operational events.
const Dataset = "mongodb_atlas.streams_operational"

// ecsVersion is the ECS version the documents follow, as the audit log's.
const ecsVersion = "8.17.0"

// Parser turns operational log lines into event documents. It is safe for
// concurrent use and keeps no reference to a line after Parse returns.
type Parser struct {
	agentVersion string
	locator      pipeline.Locator
	now          func() time.Time
}

var _ pipeline.Parser = (*Parser)(nil)

// Option adds what the configuration does not hold to a parser.
type Option func(*Parser)

// WithAgentVersion sets agent.version (default "dev").
func WithAgentVersion(v string) Option {
	return func(p *Parser) {
		if v != "" {
			p.agentVersion = v
		}
	}
}

// WithLocator makes the parser write cloud.provider and cloud.region of
// the workspaces l knows (nil: none).
func WithLocator(l pipeline.Locator) Option { return func(p *Parser) { p.locator = l } }

// New returns a parser.
func New(opts ...Option) *Parser {
	p := &Parser{agentVersion: "dev", now: time.Now}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Parse turns one line into an event. It never fails: every line is an
// event (see the package doc), so the error is always nil.
func (p *Parser) Parse(line []byte, w pipeline.Window) (pipeline.Event, error) {
	line = trimLineEnding(line)
	id := DocumentID(w.ProjectID, w.Workspace, line)
	f := readLine(line)
	timeSource := "line"
	if !f.hasTime {
		f.time, timeSource = w.Start.UTC(), "window_start"
	}
	if f.processor == "" {
		f.processor = w.Processor
	}
	doc := p.document(id, line, f, timeSource, w)
	b, err := json.Marshal(doc)
	if err != nil {
		// Only unencodable values reach here, and readLine produces none;
		// keep the line rather than lose it.
		b, _ = json.Marshal(p.document(id, line, fields{format: "text", message: string(line), time: f.time}, timeSource, w))
	}
	return pipeline.Event{ID: id, Time: f.time, Doc: b}, nil
}

// document builds the event document.
func (p *Parser) document(id string, line []byte, f fields, timeSource string, w pipeline.Window) map[string]any {
	event := map[string]any{
		"kind": "event", "id": id, "dataset": Dataset, "module": "mongodb_atlas",
		"ingested": p.now().UTC().Format(timeLayout), "original": string(line),
	}
	if f.code != "" {
		event["code"] = f.code
	}
	streams := map[string]any{"workspace": w.Workspace}
	if f.processor != "" {
		streams["processor"] = f.processor
	}
	logInfo := map[string]any{"format": f.format, "time_source": timeSource}
	if len(f.rest) > 0 {
		logInfo["fields"] = f.rest
	}
	streams["log"] = logInfo
	doc := map[string]any{
		"@timestamp": f.time.Format(timeLayout),
		"event":      event,
		"ecs":        map[string]any{"version": ecsVersion},
		"agent":      map[string]any{"name": "aspaudit", "version": p.agentVersion},
		"cloud":      p.cloud(w),
		"atlas":      map[string]any{"project": map[string]any{"id": w.ProjectID}, "streams": streams},
	}
	if f.message != "" {
		doc["message"] = f.message
	}
	if l := logFields(f); len(l) > 0 {
		doc["log"] = l
	}
	if f.thread != "" {
		doc["process"] = map[string]any{"thread": map[string]any{"name": f.thread}}
	}
	return doc
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func logFields(f fields) map[string]any {
	l := map[string]any{}
	if f.level != "" {
		l["level"] = f.level
	}
	if f.logger != "" {
		l["logger"] = f.logger
	}
	return l
}

func (p *Parser) cloud(w pipeline.Window) map[string]any {
	c := map[string]any{
		"project": map[string]any{"id": w.ProjectID},
		"service": map[string]any{"name": "atlas-stream-processing"},
	}
	if p.locator != nil {
		if pl, ok := p.locator.Place(w.ProjectID, w.Workspace); ok {
			if pl.Provider != "" {
				c["provider"] = strings.ToLower(pl.Provider)
			}
			if pl.Region != "" {
				c["region"] = pl.Region
			}
		}
	}
	return c
}

// fields is what a line says.
type fields struct {
	format    string // "mongod", "json" or "text"
	time      time.Time
	hasTime   bool
	level     string
	logger    string
	message   string
	code      string
	thread    string
	processor string
	rest      map[string]any
}

// readLine detects the line's shape and reads it.
func readLine(line []byte) fields {
	if obj, ok := decodeObject(line); ok {
		return readJSON(obj)
	}
	return readText(string(bytes.ToValidUTF8(line, []byte("\uFFFD"))))
}

// decodeObject decodes a line holding exactly one JSON object.
func decodeObject(line []byte) (map[string]any, bool) {
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || dec.More() {
		return nil, false
	}
	return obj, true
}

// text renders a scalar member as text; objects and arrays are not text.
func text(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return fmt.Sprint(v), true
	}
	return "", false
}
