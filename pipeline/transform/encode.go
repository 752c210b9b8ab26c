package transform

import (
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Constant values of every document.
const (
	Dataset    = "mongodb_atlas.streams_audit"
	Module     = "mongodb_atlas"
	ECSVersion = "8.17.0"
)

// encodeEvent writes the document of a parsed line.
func (w *docWriter) encodeEvent(r *record, line []byte, c *docContext, ingested time.Time, keepOriginal bool) {
	processor := r.lineProcessor()
	w.cut = w.tp.planCuts(r)
	w.put('{')
	w.time("@timestamp", r.time)
	if r.message != nil {
		w.content("message", r.message)
	} else {
		w.encodeSummary(r, processor)
	}
	w.encodeEventGroup(r, line, c, ingested, keepOriginal || w.cut != 0)
	w.encodeECSAgent(c)
	w.encodeUser(r)
	w.encodeEndpoint("source", &r.src)
	w.encodeEndpoint("destination", &r.dst)
	w.encodeRelated(r)
	w.encodeCloud(c)
	w.encodeAtlas(c.win, processor, r.schema, r)
	w.encodeCuts()
	if r.schema == "mongo" {
		w.encodeMongo(r)
	} else {
		w.encodeOCSF(r)
	}
	w.put('}')
}

func (w *docWriter) encodeEventGroup(r *record, line []byte, dc *docContext, ingested time.Time, keepOriginal bool) {
	w.open("event")
	w.constant("kind", "event")
	w.textString("id", dc.id)
	c := r.categorize()
	w.rawJSON("category", []byte(c.category))
	w.rawJSON("type", []byte(c.typ))
	w.content("action", r.action)
	w.constant("outcome", r.outcome)
	w.content("code", r.code)
	w.content("reason", r.reason)
	w.integer("severity", r.severity)
	w.encodeConstants(ingested)
	if keepOriginal {
		w.original("original", line)
	}
	w.close()
}

// constantsThenIngested is written as one piece: the dataset and module
// constants and the start of event.ingested.
const constantsThenIngested = `"dataset":"` + Dataset + `","module":"` + Module + `","ingested":"`

func (w *docWriter) encodeConstants(ingested time.Time) {
	if w.comma {
		w.put(',')
	}
	w.puts(constantsThenIngested)
	w.set(append(w.doc(), w.stamp.text(ingested)...))
	w.put('"')
	w.comma = true
}

func (w *docWriter) encodeUser(r *record) {
	if r.user.empty() && r.target.empty() && len(r.roles) == 0 {
		return
	}
	w.open("user")
	if !r.user.empty() {
		w.qualified("id", r.user)
		w.content("name", r.user.name)
		w.content("domain", r.user.db)
	}
	if len(r.roles) > 0 {
		w.key("roles")
		w.put('[')
		for i, q := range r.roles {
			if i > 0 {
				w.put(',')
			}
			w.set(appendQualified(w.doc(), q, w.clean))
		}
		w.put(']')
	}
	if !r.target.empty() {
		w.open("target")
		w.qualified("id", r.target)
		w.content("name", r.target.name)
		w.content("domain", r.target.db)
		w.close()
	}
	w.close()
}

func (w *docWriter) encodeEndpoint(k string, e *endpoint) {
	if e.address == nil && !e.hasPort && e.domain == nil {
		return
	}
	w.open(k)
	w.content("address", e.address)
	w.ip("ip", e)
	w.integer("port", optInt{e.port, e.hasPort})
	w.content("domain", e.domain)
	w.close()
}

func (w *docWriter) encodeRelated(r *record) {
	var ipBuf [8]ipText
	ips := ipBuf[:0]
	ips = appendUniqueIP(ips, r.src.ipText())
	ips = appendUniqueIP(ips, r.dst.ipText())
	for i := range r.mongo.intermediates {
		ips = appendUniqueIP(ips, r.mongo.intermediates[i].ipText())
	}
	users := relatedUsers(r)
	if len(ips) == 0 && len(users) == 0 {
		return
	}
	w.open("related")
	if len(ips) > 0 {
		w.key("ip")
		w.put('[')
		for i, a := range ips {
			if i > 0 {
				w.put(',')
			}
			w.put('"')
			w.set(a.appendTo(w.doc()))
			w.put('"')
		}
		w.put(']')
	}
	if len(users) > 0 {
		w.key("user")
		w.put('[')
		for i, u := range users {
			if i > 0 {
				w.put(',')
			}
			w.set(appendQualified(w.doc(), u, w.clean))
		}
		w.put(']')
	}
	w.close()
}

// appendUniqueIP adds a valid ip unless it is already listed. The list
// holds values rather than pointers to the endpoints, which would move
// the record to the heap.
func appendUniqueIP(ips []ipText, a ipText) []ipText {
	if !a.ip.IsValid() {
		return ips
	}
	for _, x := range ips {
		if x.ip == a.ip {
			return ips
		}
	}
	return append(ips, a)
}

// relatedUsers lists every user of the line, db-qualified and bare,
// without repeats.
func relatedUsers(r *record) []qname {
	out := r.related[:0]
	add := func(q qname) {
		for _, x := range out {
			if sameName(x, q) {
				return
			}
		}
		out = append(out, q)
	}
	for _, q := range [...]qname{r.user, r.target, r.actor} {
		if !q.empty() {
			add(q)
			add(qname{name: q.name})
		}
	}
	for _, q := range r.mongo.users {
		add(q)
		add(qname{name: q.name})
	}
	r.related = out
	return out
}

// encodeAtlas writes atlas: the window, and, for a parsed line r (else
// nil), its processor, schema, connection and authentication mechanism.
func (w *docWriter) encodeAtlas(win pipeline.Window, lineProcessor []byte, schema string, r *record) {
	w.open("atlas")
	if win.ProjectID != "" {
		w.open("project")
		w.textString("id", win.ProjectID)
		w.close()
	}
	w.open("streams")
	if win.Workspace != "" {
		w.textString("workspace", win.Workspace)
	}
	switch {
	case lineProcessor != nil:
		w.content("processor", lineProcessor)
	case win.Processor != "":
		w.textString("processor", win.Processor)
	}
	if schema != "" {
		w.constant("audit_schema", schema)
	}
	w.close()
	if r != nil {
		w.encodeConnection(r)
	}
	w.close()
}

func (w *docWriter) encodeExtra(f flatField, extra []member) {
	if len(extra) == 0 {
		return
	}
	w.open("extra")
	for _, m := range extra {
		if w.cut&(1<<f) != 0 && len(m.key.Text) > jsontape.MaxFlatKey {
			continue
		}
		if w.comma {
			w.put(',')
		}
		w.put('"')
		w.set(jsontape.AppendRawText(w.doc(), m.key.Text, w.clean))
		w.put('"', ':')
		w.flatValue(f, m.val, 1)
		w.comma = true
	}
	w.close()
}
