package transform

import (
	"errors"
	"fmt"
)

// readMongo extracts the fields of a mongo-schema line.
func (r *record) readMongo() error {
	t := r.tp
	r.schema = "mongo"
	top := t.objectMembers(t.root())
	for key, val, more := top.next(); more; key, val, more = top.next() {
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
			return false, fmt.Errorf("mongo line: ts %s: %w", excerpt(m.val), err)
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
func plainKey(k raw) []byte { return plain(k) }

// readMongoEndpoint reads {ip, port}, {isSystemUser} or {unix}; it
// reports whether the value held any of them.
func (t *tape) readMongoEndpoint(e *endpoint, v raw) bool {
	if v.kind != kindObject {
		return false
	}
	*e = endpoint{}
	m := t.objectMembers(v)
	for key, val, ok := m.next(); ok; key, val, ok = m.next() {
		switch string(plainKey(key)) {
		case "ip", "unix":
			if val.kind == kindString {
				e.setAddress(val)
			}
		case "port":
			e.port, e.hasPort = t.intValue(val)
		case "isSystemUser":
			switch val.kind {
			case kindTrue:
				e.systemUser = 2
			case kindFalse:
				e.systemUser = 1
			}
		}
	}
	return !e.empty()
}

// setAddress stores an address and, when it is an ip, the parsed ip.
func (e *endpoint) setAddress(v raw) {
	e.address = v.b
	// Text parseIPv4 takes holds no escape and is canonical.
	if a, ok := parseIPv4(v.b); ok {
		e.ip, e.ipIsAddress = a, true
		return
	}
	e.ip, _ = parseIP(plain(v))
	e.ipIsAddress = false
}

func (r *record) readIntermediates(v raw) bool {
	t := r.tp
	if v.kind != kindArray {
		return false
	}
	all := true
	it := t.arrayElements(v)
	for el, ok := it.next(); ok; el, ok = it.next() {
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
	if v.kind != kindArray {
		return dst, false
	}
	all = true
	it := t.arrayElements(v)
	for el, ok := it.next(); ok; el, ok = it.next() {
		var q qname
		m := t.objectMembers(el)
		for key, val, ok := m.next(); ok; key, val, ok = m.next() {
			if val.kind != kindString || len(val.b) == 0 {
				continue
			}
			switch k := plainKey(key); {
			case string(k) == field:
				q.name = val.b
			case string(k) == "db":
				q.db = val.b
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
