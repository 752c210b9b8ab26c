package transform

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Parser turns raw audit lines into event documents. It is safe for
// concurrent use and keeps no reference to a line after Parse returns.
type Parser struct {
	keepOriginal bool
	now          func() time.Time
}

var _ pipeline.Parser = (*Parser)(nil)

// New returns a parser configured by cfg.
func New(cfg Config) *Parser {
	return &Parser{keepOriginal: cfg.KeepOriginal, now: time.Now}
}

// scratch is the per-call working memory, pooled so that a parse allocates
// only the document and the id.
type scratch struct {
	tape tape
	rec  record
	w    docWriter
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxPooledDoc keeps a huge line's buffer from staying in the pool.
const maxPooledDoc = 1 << 20

// Parse turns one line into an event. It never fails to return an event:
// a line that is not JSON, or JSON of neither schema, yields a marked
// parse-failure event (Failed, event.kind "pipeline_error", the raw line
// kept, @timestamp the window start) and a non-nil error saying why. A
// trailing line ending is ignored.
func (p *Parser) Parse(line []byte, w pipeline.Window) (pipeline.Event, error) {
	line = trimLineEnding(line)
	ev := pipeline.Event{ID: DocumentID(w.ProjectID, w.Workspace, line)}
	s := scratchPool.Get().(*scratch)
	defer s.release()
	s.w = docWriter{b: s.w.b[:0], validUTF8: utf8.Valid(line)}
	ingested := p.now().UTC().Truncate(time.Millisecond)
	err := s.read(line)
	s.w.clean = s.w.validUTF8 && !s.tape.loneSurrogate
	if err != nil {
		s.w.encodeFailure(line, w, ingested, err)
		ev.Time, ev.Failed = w.Start.UTC(), true
		err = fmt.Errorf("parsing audit line: %w", err)
	} else {
		s.w.encodeEvent(&s.rec, line, w, ingested, p.keepOriginal)
		ev.Time = s.rec.time
	}
	ev.Doc = bytes.Clone(s.w.b)
	return ev, err
}

func (s *scratch) release() {
	if cap(s.w.b) > maxPooledDoc || cap(s.tape.toks) > maxPooledDoc/16 {
		return
	}
	s.tape.line = nil
	scratchPool.Put(s)
}

var errBlank = errors.New("blank line")

// read validates the line and extracts its fields into s.rec.
func (s *scratch) read(line []byte) error {
	s.rec.reset()
	s.rec.tp = &s.tape
	if skipWS(line, 0) == len(line) {
		return errBlank
	}
	if err := s.tape.parse(line); err != nil {
		return err
	}
	root := s.tape.root()
	if root.kind != kindObject {
		return fmt.Errorf("json %s is not an object", kindName(root.kind))
	}
	var hasAtype bool
	top := s.tape.objectMembers(root)
	for key, _, ok := top.next(); ok; key, _, ok = top.next() {
		switch string(plainKey(key)) {
		case "class_uid":
			return s.rec.readOCSF()
		case "atype":
			hasAtype = true
		}
	}
	if hasAtype {
		return s.rec.readMongo()
	}
	return errors.New("json object matches neither schema: no class_uid (OCSF) or atype (mongo) member")
}

func kindName(k kind) string {
	switch k {
	case kindString:
		return "string"
	case kindNumber:
		return "number"
	case kindArray:
		return "array"
	case kindTrue, kindFalse:
		return "boolean"
	}
	return "null"
}

// encodeFailure writes the document of a line that could not be parsed.
func (w *docWriter) encodeFailure(line []byte, win pipeline.Window, ingested time.Time, cause error) {
	w.b = append(w.b, '{')
	w.comma = false
	w.time("@timestamp", win.Start.UTC())
	w.open("event")
	w.constant("kind", "pipeline_error")
	w.encodeConstants(ingested)
	w.line("original", line)
	w.close()
	w.open("ecs")
	w.constant("version", ECSVersion)
	w.close()
	w.open("error")
	w.text("message", []byte(cause.Error()))
	w.close()
	w.encodeAtlas(win, nil, "")
	w.b = append(w.b, '}')
}
