package transform

import (
	"errors"
	"fmt"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
)

// readMongo extracts the fields of a mongo-schema line.
func (r *record) readMongo() error {
	t := r.tp
	r.schema = "mongo"
	top := t.Members(t.Root())
	for key, val, more := top.Next(); more; key, val, more = top.Next() {
		taken, err := r.mongoMember(member{key, val})
		if err != nil {
			return err
		}
		if !taken {
			r.addExtra(member{key, val})
		}
	}
	if r.mongo.atype == nil {
		return errors.New("mongo line: atype is not a string")
	}
	if r.time.IsZero() {
		return errors.New("mongo line: no ts")
	}
	r.mongoSemantics()
	return nil
}

// mongoMember reads one top-level member; taken is false when no field
// took it (an unknown member, or a known one of an unusable shape).
func (r *record) mongoMember(m member) (taken bool, err error) {
	t := r.tp
	switch string(plainKey(m.key)) {
	case "atype":
		return setString(&r.mongo.atype, m.val), nil
	case "ts":
		if r.time, err = t.parseTime(m.val); err != nil {
			return false, fmt.Errorf("mongo line: ts %s: %w", jsontape.Excerpt(m.val), err)
		}
		return true, nil
	case "uuid":
		r.mongo.uuid, taken = t.uuidText(r.mongo.uuid[:0], m.val)
	case "local":
		taken = t.readMongoEndpoint(&r.dst, m.val)
	case "remote":
		taken = t.readMongoEndpoint(&r.src, m.val)
	case "intermediates":
		taken = r.readIntermediates(m.val)
	case "users":
		r.mongo.users, taken = t.readNames(r.mongo.users, m.val, "user")
	case "roles":
		r.roles, taken = t.readNames(r.roles, m.val, "role")
	case "param":
		r.mongo.param, taken = m.val, true
	case "result":
		taken = t.readOptInt(&r.mongo.result, m.val)
	}
	return taken, nil
}

// plainKey decodes a key only when it holds escapes.
func plainKey(k raw) []byte { return jsontape.Plain(k) }

// readMongoEndpoint reads {ip, port}, {isSystemUser} or {unix}; it
// reports whether the value held any of them.
func (t *tape) readMongoEndpoint(e *endpoint, v raw) bool {
	if v.Kind != jsontape.KindObject {
		return false
	}
	*e = endpoint{}
	m := t.Members(v)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		switch string(plainKey(key)) {
		case "ip", "unix":
			if val.Kind == jsontape.KindString {
				e.setAddress(val)
			}
		case "port":
			e.port, e.hasPort = t.Int(val)
		case "isSystemUser":
			switch val.Kind {
			case jsontape.KindTrue:
				e.systemUser = 2
			case jsontape.KindFalse:
				e.systemUser = 1
			}
		}
	}
	return !e.empty()
}

// setAddress stores an address and, when it is an ip, the parsed ip.
func (e *endpoint) setAddress(v raw) {
	e.address = v.Text
	// Text parseIPv4 takes holds no escape and is canonical.
	if a, ok := parseIPv4(v.Text); ok {
		e.ip, e.ipIsAddress = a, true
		return
	}
	e.ip, _ = parseIP(jsontape.Plain(v))
	e.ipIsAddress = false
}

func (r *record) readIntermediates(v raw) bool {
	t := r.tp
	if v.Kind != jsontape.KindArray {
		return false
	}
	all := true
	it := t.Elements(v)
	for el, ok := it.Next(); ok; el, ok = it.Next() {
		var e endpoint
		if !t.readMongoEndpoint(&e, el) {
			all = false
			continue
		}
		r.mongo.intermediates = append(r.mongo.intermediates, e)
	}
	return all
}

// readNames reads [{<field>: name, db: db}, ...]; all reports whether
// every element was such an object.
func (t *tape) readNames(dst []qname, v raw, field string) (_ []qname, all bool) {
	if v.Kind != jsontape.KindArray {
		return dst, false
	}
	all = true
	it := t.Elements(v)
	for el, ok := it.Next(); ok; el, ok = it.Next() {
		var q qname
		m := t.Members(el)
		for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
			if val.Kind != jsontape.KindString || len(val.Text) == 0 {
				continue
			}
			switch k := plainKey(key); {
			case string(k) == field:
				q.name = val.Text
			case string(k) == "db":
				q.db = val.Text
			}
		}
		if q.empty() {
			all = false
			continue
		}
		dst = append(dst, q)
	}
	return dst, all
}
