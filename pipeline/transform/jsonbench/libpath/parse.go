package libpath

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/isotime"
)

// Parser turns raw audit lines into event documents as transform.Parser
// does, with goccy/go-json decoding and encoding. It is safe for
// concurrent use.
type Parser struct {
	KeepOriginal bool
	AgentVersion string
	Place        pipeline.Place
	Now          func() time.Time
	Lib          Codec
}

// New returns a parser with the transform's defaults using goccy/go-json.
func New() *Parser { return NewWith(Goccy{}) }

// NewWith returns a parser with the transform's defaults using lib.
func NewWith(lib Codec) *Parser {
	return &Parser{KeepOriginal: true, AgentVersion: "dev", Now: time.Now, Lib: lib}
}

// Parse turns one line into an event, as transform.Parser.Parse does.
func (p *Parser) Parse(line []byte, w pipeline.Window) (pipeline.Event, error) {
	ev := pipeline.Event{ID: transform.DocumentID(w.ProjectID, w.Workspace, line)} // trims the line ending itself
	line = trimLineEnding(line)
	ingested := string(isotime.Append(nil, p.Now().UTC().Truncate(time.Millisecond)))
	r := record{reader: reader{p.Lib}}
	err := r.read(line)
	var d document
	if err != nil {
		p.failure(&d, line, ev.ID, w, ingested, err)
		err = fmt.Errorf("parsing audit line: %w", err)
		ev.Time, ev.Failed = w.Start.UTC(), true
	} else {
		p.event(&d, &r, line, ev.ID, w, ingested)
		ev.Time = r.time
	}
	doc, merr := p.Lib.Marshal(&d)
	if merr != nil {
		return ev, fmt.Errorf("encoding document: %w", merr)
	}
	ev.Doc = doc
	return ev, err
}

func trimLineEnding(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// errBlankLine is the cause of a blank line's failure.
var errBlankLine = errors.New("blank line")

func (r *record) read(line []byte) error {
	if len(bytes.TrimLeft(line, " \t\r\n")) == 0 {
		return errBlankLine
	}
	var top map[string]raw
	if err := r.lib.Unmarshal(line, &top); err != nil {
		return err
	}
	if _, ok := top["class_uid"]; ok {
		return r.readOCSF(top)
	}
	if _, ok := top["atype"]; ok {
		return r.readMongo(top)
	}
	return errors.New("json object matches neither schema: no class_uid (OCSF) or atype (mongo) member")
}

// clean reports whether raw parts of the line can be kept as they are:
// valid UTF-8 and no escaped surrogate (which may be unpaired).
func clean(line []byte) bool {
	return utf8.Valid(line) && !bytes.Contains(line, []byte(`\ud`)) && !bytes.Contains(line, []byte(`\uD`))
}

func (p *Parser) common(d *document, id string, w pipeline.Window, ingested string) {
	d.Event.ID, d.Event.Dataset, d.Event.Module, d.Event.Ingested = id, transform.Dataset, transform.Module, ingested
	d.ECS.Version = transform.ECSVersion
	d.Agent = agentGroup{Name: transform.AgentName, Version: p.AgentVersion}
	d.Cloud = cloudGroup{Provider: strings.ToLower(p.Place.Provider), Region: p.Place.Region,
		Service: nameGroup{Name: transform.CloudService}}
	if w.ProjectID != "" {
		d.Cloud.Project = &idGroup{ID: w.ProjectID}
		d.Atlas.Project = &idGroup{ID: w.ProjectID}
	}
	d.Atlas.Streams.Workspace = w.Workspace
	if w.Processor != "" {
		d.Atlas.Streams.Processor = ptr(w.Processor)
	}
}

func (p *Parser) failure(d *document, line []byte, id string, w pipeline.Window, ingested string, cause error) {
	p.common(d, id, w, ingested)
	d.Timestamp = string(isotime.Append(nil, w.Start.UTC()))
	d.Event.Kind = "pipeline_error"
	d.Event.Original = ptr(string(line))
	d.Error = &errorGroup{Message: cause.Error()}
}
