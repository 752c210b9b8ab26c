package libpath

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/internal/isotime"
)

// readMongo takes the fields of a mongo-schema line.
func (r *record) readMongo(top map[string]raw) error {
	r.schema = "mongo"
	for k, v := range top { // the order of members changes nothing but the order of extra's keys
		taken, err := r.mongoMember(k, v)
		if err != nil {
			return err
		}
		if !taken {
			r.extra = append(r.extra, member{k, v})
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

func sortedKeys(m map[string]raw) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (r *record) mongoMember(k string, v raw) (taken bool, err error) {
	switch k {
	case "atype":
		return r.setString(&r.mongo.atype, v), nil
	case "ts":
		if r.time, err = r.parseTime(v); err != nil {
			return false, fmt.Errorf("mongo line: ts %s: %w", excerpt(v), err)
		}
		return true, nil
	case "uuid":
		r.mongo.uuid, taken = r.uuidText(v)
	case "local":
		taken = r.readMongoEndpoint(&r.dst, v)
	case "remote":
		taken = r.readMongoEndpoint(&r.src, v)
	case "intermediates":
		taken = r.readIntermediates(v)
	case "users":
		r.mongo.users, taken = r.readNames(r.mongo.users, v, "user")
	case "roles":
		r.roles, taken = r.readNames(r.roles, v, "role")
	case "param":
		r.mongo.param, taken = v, true
	case "result":
		r.mongo.result.v, r.mongo.result.ok = r.intValue(v)
		taken = r.mongo.result.ok
	}
	return taken, nil
}

// parseTime reads epoch milliseconds, ISO 8601 text, or either wrapped in
// {"$date": ...} or {"$numberLong": "..."}.
func (d reader) parseTime(v raw) (time.Time, error) {
	switch {
	case isNumber(v):
		return isotime.Millis(v)
	case len(v) > 0 && v[0] == '"':
		s, _ := d.str(v)
		return isotime.ParseISO([]byte(s))
	}
	if m, ok := d.object(v); ok && len(m) == 1 {
		if inner, ok := m["$date"]; ok {
			return d.parseTime(inner)
		}
		if inner, ok := m["$numberLong"]; ok && !escaped(inner) {
			if s, ok := d.str(inner); ok {
				return isotime.Millis([]byte(s))
			}
		}
	}
	return time.Time{}, isotime.ErrBadTime
}

// excerpt is the start of a value's JSON text for an error message.
func excerpt(v raw) string {
	if len(v) > 0 && v[0] == '"' {
		b := v[1 : len(v)-1]
		if len(b) > 64 {
			b = b[:64]
		}
		return `"` + string(b) + `"`
	}
	if len(v) > 64 {
		v = v[:64]
	}
	return string(v)
}

func (d reader) readMongoEndpoint(e *endpoint, v raw) bool {
	m, ok := d.object(v)
	if !ok {
		return false
	}
	*e = endpoint{}
	for _, k := range [...]string{"ip", "unix"} { // the later of the two wins, as in the line's usual order
		if s, ok := d.str(m[k]); ok {
			e.setAddress(s)
		}
	}
	if p, ok := m["port"]; ok {
		e.port, e.hasPort = d.intValue(p)
	}
	switch b := m["isSystemUser"]; {
	case len(b) > 0 && b[0] == 't':
		e.systemUser = 2
	case len(b) > 0 && b[0] == 'f':
		e.systemUser = 1
	}
	return !e.empty()
}

func (e *endpoint) setAddress(s string) {
	e.address = &s
	a, err := netip.ParseAddr(s)
	if err != nil {
		e.ip = netip.Addr{}
		return
	}
	e.ip = a.WithZone("")
}

func (r *record) readIntermediates(v raw) bool {
	els, ok := r.array(v)
	if !ok {
		return false
	}
	all := true
	for _, el := range els {
		var e endpoint
		if !r.readMongoEndpoint(&e, el) {
			all = false
			continue
		}
		r.mongo.intermediates = append(r.mongo.intermediates, e)
	}
	return all
}

// readNames reads [{<field>: name, db: db}, ...].
func (d reader) readNames(dst []qname, v raw, field string) (_ []qname, all bool) {
	els, ok := d.array(v)
	if !ok {
		return dst, false
	}
	all = true
	for _, el := range els {
		m, _ := d.object(el)
		q := qname{name: d.nonEmpty(m, field), db: d.nonEmpty(m, "db")}
		if q.empty() {
			all = false
			continue
		}
		dst = append(dst, q)
	}
	return dst, all
}

// uuidText turns mongo's uuid into text: a $binary of subtype 04 holding
// 16 bytes becomes the canonical UUID text.
func (d reader) uuidText(v raw) (*string, bool) {
	if s, ok := d.str(v); ok {
		return &s, true
	}
	m, ok := d.object(v)
	if !ok {
		return nil, false
	}
	var b64, subtype string
	var hasB64 bool
	if s, ok := d.str(m["$uuid"]); ok {
		return &s, true
	}
	if s, ok := d.str(m["$binary"]); ok {
		b64, hasB64 = s, true
	} else if inner, ok := d.object(m["$binary"]); ok {
		b64, subtype = d.nonEmptyOrEmpty(inner, "base64"), d.nonEmptyOrEmpty(inner, "subType")
		_, hasB64 = d.str(inner["base64"])
	}
	if s, ok := d.str(m["$type"]); ok {
		subtype = s
	}
	if !hasB64 {
		return nil, false
	}
	if base64.StdEncoding.DecodedLen(len(b64)) > 18 || subtype != "04" && subtype != "4" {
		return &b64, true
	}
	bin, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(bin) != 16 {
		return &b64, true
	}
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range bin {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	s := string(out)
	return &s, true
}

func (d reader) nonEmptyOrEmpty(m map[string]raw, k string) string {
	s, _ := d.str(m[k])
	return s
}
