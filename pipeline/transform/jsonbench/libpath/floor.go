package libpath

import (
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform"
)

// Floor holds, for one line, the document Parse builds, so that the least
// library work any same-output path does can be measured alone: decoding
// the line into its members (a map, which keeps the unknown ones and
// tells keys apart exactly) and encoding the full document.
type Floor struct {
	lib  Codec
	line []byte
	doc  document
	win  pipeline.Window
}

// NewFloor builds the document of line once. With rawFreeForm, the
// free-form fields are left as the line's JSON text (as if no repeated
// key, bad UTF-8 or bound needed a repair), which the encoder then
// only copies: a lower floor still.
func (p *Parser) NewFloor(line []byte, w pipeline.Window, rawFreeForm bool) *Floor {
	f := &Floor{lib: p.Lib, line: trimLineEnding(line), win: w}
	ingested := "2026-11-01T00:00:00.000Z"
	r := record{reader: reader{p.Lib}}
	if err := r.read(f.line); err != nil {
		p.failure(&f.doc, f.line, "", w, ingested, err)
	} else {
		p.event(&f.doc, &r, f.line, "", w, ingested)
		if rawFreeForm {
			f.keepRaw(&r)
		}
	}
	return f
}

// Run does the floor's library work: the member decode, the id and the
// document encode.
func (f *Floor) Run() ([]byte, error) {
	var top map[string]raw
	if err := f.lib.Unmarshal(f.line, &top); err != nil {
		return nil, err
	}
	f.doc.Event.ID = transform.DocumentID(f.win.ProjectID, f.win.Workspace, f.line)
	return f.lib.Marshal(&f.doc)
}

func (f *Floor) keepRaw(r *record) {
	rawOrNil := func(v raw) any {
		if isNull(v) {
			return nil
		}
		return v
	}
	if m := f.doc.MongoDB; m != nil {
		m.Audit.Param = rawOrNil(r.mongo.param)
	}
	if o := f.doc.OCSF; o != nil {
		o.Metadata, o.Unmapped = rawOrNil(r.ocsf.metadata), rawOrNil(r.ocsf.unmapped)
		if o.API != nil {
			o.API.Request, o.API.Response = rawOrNil(r.ocsf.apiRequest), rawOrNil(r.ocsf.apiResponse)
		}
	}
}
