package transform

import "github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"

// encodeMongo writes mongodb.audit.
func (w *docWriter) encodeMongo(r *record) {
	m := &r.mongo
	w.open("mongodb")
	w.open("audit")
	w.content("atype", m.atype)
	w.integer("result", m.result)
	if len(m.uuid) > 0 {
		w.text("uuid", m.uuid)
	}
	w.flattened("param", flatParam, m.param)
	w.encodeNames("users", "user", m.users)
	w.encodeNames("roles", "role", r.roles)
	w.encodeIntermediates(m.intermediates)
	w.encodeSystemUser("local", r.dst.systemUser)
	w.encodeSystemUser("remote", r.src.systemUser)
	w.encodeExtra(flatMongoExtra, r.extra)
	w.close()
	w.close()
}

// encodeNames writes [{<field>: name, db: db}, ...].
func (w *docWriter) encodeNames(k, field string, list []qname) {
	if len(list) == 0 {
		return
	}
	w.key(k)
	w.put('[')
	for i, q := range list {
		if i > 0 {
			w.put(',')
		}
		w.put('{')
		w.comma = false
		w.content(field, q.name)
		w.content("db", q.db)
		w.put('}')
	}
	w.put(']')
	w.comma = true
}

func (w *docWriter) encodeIntermediates(list []endpoint) {
	if len(list) == 0 {
		return
	}
	w.key("intermediates")
	w.put('[')
	for i := range list {
		if i > 0 {
			w.put(',')
		}
		e := &list[i]
		w.put('{')
		w.comma = false
		w.content("address", e.address)
		w.ip("ip", e)
		w.integer("port", optInt{e.port, e.hasPort})
		w.put('}')
	}
	w.put(']')
	w.comma = true
}

func (w *docWriter) encodeSystemUser(k string, v int8) {
	if v == 0 {
		return
	}
	w.open(k)
	w.key("is_system_user")
	if v == 2 {
		w.puts("true")
	} else {
		w.puts("false")
	}
	w.close()
}

// encodeOCSF writes ocsf.
func (w *docWriter) encodeOCSF(r *record) {
	o := &r.ocsf
	w.open("ocsf")
	w.integer("class_uid", o.classUID)
	w.integer("category_uid", o.categoryUID)
	w.integer("activity_id", o.activityID)
	w.integer("type_uid", o.typeUID)
	w.integer("severity_id", o.severityID)
	w.integer("status_id", o.statusID)
	w.content("auth_protocol", o.authProtocol)
	if o.userUID != nil {
		w.open("user")
		w.content("uid", o.userUID)
		w.close()
	}
	if o.apiOperation != nil || present(o.apiRequest) || present(o.apiResponse) {
		w.open("api")
		w.content("operation", o.apiOperation)
		w.flattened("request", flatRequest, o.apiRequest)
		w.flattened("response", flatResponse, o.apiResponse)
		w.close()
	}
	w.flattened("metadata", flatMetadata, o.metadata)
	w.flattened("unmapped", flatUnmapped, o.unmapped)
	w.encodeExtra(flatOCSFExtra, r.extra)
	w.close()
}

// present reports whether a raw value exists and is not null.
func present(v raw) bool { return v.Kind != jsontape.KindNone && v.Kind != jsontape.KindNull }
