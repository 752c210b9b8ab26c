package libpath

import (
	"net/netip"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/isotime"
)

// The flattened fields, in the order aspaudit.truncated_fields lists them.
const (
	flatParam = iota
	flatMongoExtra
	flatRequest
	flatResponse
	flatMetadata
	flatUnmapped
	flatOCSFExtra
)

var flatPaths = [...]string{"mongodb.audit.param", "mongodb.audit.extra", "ocsf.api.request",
	"ocsf.api.response", "ocsf.metadata", "ocsf.unmapped", "ocsf.extra"}

// flats builds the flattened fields of one document and notes which were cut.
type flats struct {
	reader
	clean bool
	cut   [len(flatPaths)]bool
}

// field returns v for a flattened field: an object as it is, null or
// nothing as nil, anything else as {"_value": v}.
func (fs *flats) field(f int, v raw) any {
	if isNull(v) {
		return nil
	}
	fl := flattener{reader: fs.reader, clean: fs.clean}
	var out any
	if v[0] == '{' {
		out = fl.value(v, 0)
	} else {
		out = map[string]any{"_value": fl.value(v, 1)}
	}
	fs.cut[f] = fs.cut[f] || fl.cut
	return out
}

func (fs *flats) extra(f int, extra []member) any {
	if len(extra) == 0 {
		return nil
	}
	fl := flattener{reader: fs.reader, clean: fs.clean}
	out := make(map[string]any, len(extra))
	for _, m := range extra {
		if len(m.key) > maxFlatKey {
			fl.cut = true
			continue
		}
		out[m.key] = fl.value(m.val, 1)
	}
	fs.cut[f] = fs.cut[f] || fl.cut
	return out
}

func (p *Parser) event(d *document, r *record, line []byte, id string, w pipeline.Window, ingested string) {
	p.common(d, id, w, ingested)
	fs := flats{reader: r.reader, clean: clean(line)}
	d.Timestamp = string(isotime.Append(nil, r.time))
	processor := r.lineProcessor()
	if processor != nil {
		d.Atlas.Streams.Processor = processor
	}
	d.Atlas.Streams.AuditSchema = r.schema
	if r.message != nil {
		d.Message = r.message
	} else {
		d.Message = ptr(r.summary(processor))
	}
	e := &d.Event
	e.Kind = "event"
	c := r.categorize()
	e.Category, e.Type = c.category, c.typ
	e.Action, e.Outcome, e.Code, e.Reason = r.action, r.outcome, r.code, r.reason
	e.Severity = optPtr(r.severity)
	d.User = r.userGroup()
	d.Source, d.Destination = endpointOf(&r.src), endpointOf(&r.dst)
	d.Related = r.related()
	switch {
	case r.mongo.uuid != nil && *r.mongo.uuid != "":
		d.Atlas.Connection = &idGroup{ID: *r.mongo.uuid}
	case r.ocsf.correlation != nil:
		d.Atlas.Connection = &idGroup{ID: *r.ocsf.correlation}
	}
	if r.mechanism != nil {
		d.Atlas.Authentication = &mechanismDoc{Mechanism: *r.mechanism}
	}
	if r.schema == "mongo" {
		d.MongoDB = r.mongoGroup(&fs)
	} else {
		d.OCSF = r.ocsfGroup(&fs)
	}
	var cuts []string
	for f, cut := range fs.cut {
		if cut {
			cuts = append(cuts, flatPaths[f])
		}
	}
	if cuts != nil {
		d.Aspaudit = &cutGroup{TruncatedFields: cuts}
	}
	if p.KeepOriginal || cuts != nil {
		e.Original = ptr(string(line))
	}
}

func optPtr(v optInt) *int64 {
	if !v.ok {
		return nil
	}
	return &v.v
}

// summary is the message of a line without one.
func (r *record) summary(processor *string) string {
	s := *r.action
	if processor != nil {
		s += " " + *processor
	}
	if !r.user.empty() {
		s += " by " + r.user.text()
	}
	if r.src.address != nil {
		s += " from " + *r.src.address
	}
	if r.outcome != "unknown" {
		s += ": " + r.outcome
	}
	if r.reason != nil {
		s += " (" + *r.reason + ")"
	}
	return s
}

func (r *record) userGroup() *userGroup {
	if r.user.empty() && r.target.empty() && len(r.roles) == 0 {
		return nil
	}
	u := &userGroup{}
	if !r.user.empty() {
		u.ID, u.Name = ptr(r.user.text()), ptr(r.user.name)
		if r.user.db != "" {
			u.Domain = ptr(r.user.db)
		}
	}
	for _, q := range r.roles {
		u.Roles = append(u.Roles, q.text())
	}
	if !r.target.empty() {
		u.Target = &userDocs{ID: r.target.text(), Name: r.target.name}
		if r.target.db != "" {
			u.Target.Domain = ptr(r.target.db)
		}
	}
	return u
}

func endpointOf(e *endpoint) *endpointDoc {
	if e.address == nil && !e.hasPort && e.domain == nil {
		return nil
	}
	return &endpointDoc{Address: e.address, IP: ipText(e.ip), Port: optPtr(optInt{e.port, e.hasPort}), Domain: e.domain}
}

func ipText(a netip.Addr) *string {
	if !a.IsValid() {
		return nil
	}
	return ptr(a.String())
}

func (r *record) related() *relatedGroup {
	var g relatedGroup
	var ips []netip.Addr
	addIP := func(a netip.Addr) {
		if !a.IsValid() {
			return
		}
		for _, x := range ips {
			if x == a {
				return
			}
		}
		ips = append(ips, a)
		g.IP = append(g.IP, a.String())
	}
	addIP(r.src.ip)
	addIP(r.dst.ip)
	for i := range r.mongo.intermediates {
		addIP(r.mongo.intermediates[i].ip)
	}
	var users []qname
	add := func(q qname) {
		for _, x := range users {
			if x == q {
				return
			}
		}
		users = append(users, q)
		g.User = append(g.User, q.text())
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
	if g.IP == nil && g.User == nil {
		return nil
	}
	return &g
}

func names(list []qname, field string) []nameDoc {
	var out []nameDoc
	for _, q := range list {
		n := nameDoc{}
		if field == "user" {
			n.User = ptr(q.name)
		} else {
			n.Role = ptr(q.name)
		}
		if q.db != "" {
			n.DB = ptr(q.db)
		}
		out = append(out, n)
	}
	return out
}

func systemUser(v int8) *systemUserDoc {
	if v == 0 {
		return nil
	}
	return &systemUserDoc{IsSystemUser: v == 2}
}

func (r *record) mongoGroup(fs *flats) *mongoGroup {
	m := &r.mongo
	a := mongoAudit{Atype: m.atype, Result: optPtr(m.result), Param: fs.field(flatParam, m.param),
		Users: names(m.users, "user"), Roles: names(r.roles, "role"),
		Local: systemUser(r.dst.systemUser), Remote: systemUser(r.src.systemUser),
		Extra: fs.extra(flatMongoExtra, r.extra)}
	if m.uuid != nil && *m.uuid != "" {
		a.UUID = m.uuid
	}
	for i := range m.intermediates {
		e := &m.intermediates[i]
		a.Intermediates = append(a.Intermediates, endpointDoc{Address: e.address, IP: ipText(e.ip), Port: optPtr(optInt{e.port, e.hasPort})})
	}
	return &mongoGroup{Audit: a}
}

func (r *record) ocsfGroup(fs *flats) *ocsfGroup {
	o := &r.ocsf
	g := &ocsfGroup{ClassUID: optPtr(o.classUID), CategoryUID: optPtr(o.categoryUID), ActivityID: optPtr(o.activityID),
		TypeUID: optPtr(o.typeUID), SeverityID: optPtr(o.severityID), StatusID: optPtr(o.statusID),
		AuthProtocol: o.authProtocol}
	if o.userUID != nil {
		g.User = &uidDoc{UID: *o.userUID}
	}
	if o.apiOperation != nil || !isNull(o.apiRequest) || !isNull(o.apiResponse) {
		g.API = &apiDoc{Operation: o.apiOperation, Request: fs.field(flatRequest, o.apiRequest),
			Response: fs.field(flatResponse, o.apiResponse)}
	}
	g.Metadata = fs.field(flatMetadata, o.metadata)
	g.Unmapped = fs.field(flatUnmapped, o.unmapped)
	g.Extra = fs.extra(flatOCSFExtra, r.extra)
	return g
}
