package transform

import (
	"errors"
	"fmt"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Parser turns raw audit lines into event documents. It is safe for
// concurrent use and keeps no reference to a line after Parse returns.
type Parser struct {
	keepOriginal bool
	now          func() time.Time
	agentVersion string
	locator      pipeline.Locator
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
func WithLocator(l pipeline.Locator) Option {
	return func(p *Parser) { p.locator = l }
}

// New returns a parser configured by cfg and opts.
func New(cfg Config, opts ...Option) *Parser {
	p := &Parser{keepOriginal: cfg.KeepOriginal, now: time.Now, agentVersion: "dev"}
	for _, o := range opts {
		o(p)
	}
	return p
}

// place returns where the window's workspace runs, when known.
func (p *Parser) place(w pipeline.Window) pipeline.Place {
	if p.locator == nil {
		return pipeline.Place{}
	}
	pl, _ := p.locator.Place(w.ProjectID, w.Workspace)
	return pl
}

// buffers is the scratch storage a parse reuses, pooled inside this
// package so that a parse allocates only the id and its own copy of the
// document. The record and the writer live on the stack during a
// parse and point into these buffers: writing pointers into heap objects costs write barriers while
// the garbage collector runs, and a parse writes many.
type buffers struct {
	tape          tape
	code, action  []byte
	doc           []byte
	roles         []qname
	related       []qname
	extra         []member
	users         []qname
	intermediates []endpoint
	uuid          []byte
	stamp         stamp
}

// record returns an empty record over the buffers.
func (b *buffers) record() record {
	return record{
		tp:      &b.tape,
		codeBuf: b.code[:0], actionBuf: b.action[:0],
		roles: b.roles[:0], related: b.related[:0], extra: b.extra[:0],
		mongo: mongoFields{users: b.users[:0], intermediates: b.intermediates[:0], uuid: b.uuid[:0]},
	}
}

// keep stores the storage a parse grew, for the next parse. Slices whose
// storage did not change are not stored again: each store of a pointer into
// the pooled object costs a write barrier while the collector runs.
func (b *buffers) keep(rec *record, doc []byte) {
	keepSlice(&b.doc, doc)
	keepSlice(&b.code, rec.codeBuf)
	keepSlice(&b.action, rec.actionBuf)
	keepSlice(&b.uuid, rec.mongo.uuid)
	keepSlice(&b.roles, rec.roles)
	keepSlice(&b.related, rec.related)
	keepSlice(&b.extra, rec.extra)
	keepSlice(&b.users, rec.mongo.users)
	keepSlice(&b.intermediates, rec.mongo.intermediates)
}

func keepSlice[T any](dst *[]T, s []T) {
	if cap(s) != cap(*dst) {
		*dst = s[:0]
	}
}

var bufferPool = sync.Pool{New: func() any { return new(buffers) }}

// maxPooledDoc keeps a huge line's buffers from staying in the pool.
const maxPooledDoc = 1 << 20

// Parse turns one line into an event. It never fails to return an event:
// a line that is not JSON, or JSON of neither schema, yields a marked
// parse-failure event (Failed, event.kind "pipeline_error", the raw line
// kept, @timestamp the window start) and a non-nil error saying why. A
// trailing line ending is ignored.
func (p *Parser) Parse(line []byte, w pipeline.Window) (pipeline.Event, error) {
	line = trimLineEnding(line)
	ev := pipeline.Event{ID: documentID(w.ProjectID, w.Workspace, line)}
	bufs := bufferPool.Get().(*buffers)
	tp := &bufs.tape
	rec := bufs.record()
	validUTF8, plain := jsontape.ClassifyLine(line)
	out := docWriter{buf: bufs.doc[:cap(bufs.doc)], validUTF8: validUTF8, plain: plain, tp: tp, stamp: &bufs.stamp}
	ctx := docContext{id: ev.ID, win: w, place: p.place(w), agentVersion: p.agentVersion}
	ingested := p.now().UTC().Truncate(time.Millisecond)
	err := rec.read(line)
	out.clean = out.validUTF8 && !tp.LoneSurrogate
	out.dedupe = tp.DupKeys
	if err != nil {
		out.encodeFailure(line, &ctx, ingested, err)
		ev.Time, ev.Failed = w.Start.UTC(), true
		err = fmt.Errorf("parsing audit line: %w", err)
	} else {
		out.encodeEvent(&rec, line, &ctx, ingested, p.keepOriginal)
		ev.Time = rec.time
	}
	// The caller's own copy, with no spare capacity: appending copies.
	ev.Doc = make([]byte, len(out.doc()))
	copy(ev.Doc, out.doc())
	if cap(out.doc()) <= maxPooledDoc && tp.Capacity() <= maxPooledDoc/16 {
		tp.Forget()
		bufs.keep(&rec, out.doc())
		bufferPool.Put(bufs)
	}
	return ev, err
}

// ErrBlankLine is the cause (see errors.Is) of the error Parse returns for an
// empty or whitespace-only line. Callers normally skip such lines before
// parsing; a parsed one still yields a parse-failure event.
var ErrBlankLine = errors.New("blank line")

// read validates the line and extracts its fields into r.
func (r *record) read(line []byte) error {
	if jsontape.SkipWS(line, 0) == len(line) {
		return ErrBlankLine
	}
	if err := r.tp.Parse(line); err != nil {
		return err
	}
	root := r.tp.Root()
	if root.Kind != jsontape.KindObject {
		return fmt.Errorf("json %s is not an object", kindName(root.Kind))
	}
	var hasAtype bool
	top := r.tp.Members(root)
	for key, _, ok := top.Next(); ok; key, _, ok = top.Next() {
		switch string(plainKey(key)) {
		case "class_uid":
			return r.readOCSF()
		case "atype":
			hasAtype = true
		}
	}
	if hasAtype {
		return r.readMongo()
	}
	return errors.New("json object matches neither schema: no class_uid (OCSF) or atype (mongo) member")
}

func kindName(k jsontape.Kind) string {
	switch k {
	case jsontape.KindString:
		return "string"
	case jsontape.KindNumber:
		return "number"
	case jsontape.KindArray:
		return "array"
	case jsontape.KindTrue, jsontape.KindFalse:
		return "boolean"
	}
	return "null"
}

// encodeFailure writes the document of a line that could not be parsed.
func (w *docWriter) encodeFailure(line []byte, c *docContext, ingested time.Time, cause error) {
	w.put('{')
	w.comma = false
	w.time("@timestamp", c.win.Start.UTC())
	w.open("event")
	w.constant("kind", "pipeline_error")
	w.textString("id", c.id)
	w.encodeConstants(ingested)
	w.line("original", line)
	w.close()
	w.encodeECSAgent(c)
	w.open("error")
	w.text("message", []byte(cause.Error()))
	w.close()
	w.encodeCloud(c)
	w.encodeAtlas(c.win, nil, "", nil)
	w.put('}')
}
