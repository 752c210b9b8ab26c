package transform

import (
	"errors"
	"fmt"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"net/netip"
)

// readOCSF extracts the fields of an OCSF-schema line.
func (r *record) readOCSF() error {
	t := r.tp
	r.schema = "ocsf"
	top := t.Members(t.Root())
	for key, val, more := top.Next(); more; key, val, more = top.Next() {
		taken, err := r.ocsfMember(member{key, val})
		if err != nil {
			return err
		}
		if !taken {
			r.addExtra(member{key, val})
		}
	}
	if !r.ocsf.classUID.ok {
		return errors.New("ocsf line: class_uid is not an integer")
	}
	if r.time.IsZero() {
		return errors.New("ocsf line: no time")
	}
	r.ocsfSemantics()
	return nil
}

// ocsfMember reads one top-level member; taken is false when no field took
// it (an unknown member, or a known one of an unusable shape).
func (r *record) ocsfMember(m member) (taken bool, err error) {
	t, o := r.tp, &r.ocsf
	switch string(plainKey(m.key)) {
	case "class_uid":
		return t.readOptInt(&o.classUID, m.val), nil
	case "category_uid":
		return t.readOptInt(&o.categoryUID, m.val), nil
	case "activity_id":
		return t.readOptInt(&o.activityID, m.val), nil
	case "type_uid":
		return t.readOptInt(&o.typeUID, m.val), nil
	case "severity_id":
		return t.readOptInt(&o.severityID, m.val), nil
	case "status_id":
		return t.readOptInt(&o.statusID, m.val), nil
	case "time":
		if r.time, err = t.parseTime(m.val); err != nil {
			return false, fmt.Errorf("ocsf line: time %s: %w", jsontape.Excerpt(m.val), err)
		}
		return true, nil
	case "metadata":
		o.metadata, o.correlation = m.val, t.stringMember(m.val, "correlation_uid")
		return true, nil
	case "unmapped":
		o.unmapped, o.unmappedAtyp = m.val, t.stringMember(m.val, "atype")
		return true, nil
	}
	return r.ocsfObjectMember(m), nil
}

// ocsfObjectMember reads the members that hold names, endpoints and texts.
func (r *record) ocsfObjectMember(m member) bool {
	o := &r.ocsf
	switch string(plainKey(m.key)) {
	case "actor":
		return r.readActor(m.val)
	case "user":
		return r.readOCSFUser(m.val)
	case "src_endpoint":
		return r.tp.readOCSFEndpoint(&r.src, m.val)
	case "dst_endpoint":
		return r.tp.readOCSFEndpoint(&r.dst, m.val)
	case "api":
		return r.readAPI(m.val)
	case "auth_protocol":
		return setString(&o.authProtocol, m.val)
	case "message":
		return setString(&r.message, m.val)
	case "status_code":
		return setScalarText(&o.statusCode, m.val)
	case "status_detail":
		return setString(&o.statusDetail, m.val)
	}
	return false
}

func (t *tape) readOptInt(dst *optInt, v raw) bool {
	dst.v, dst.ok = t.Int(v)
	return dst.ok
}

func setString(dst *[]byte, v raw) bool {
	if v.Kind != jsontape.KindString {
		return false
	}
	*dst = v.Text
	return true
}

// setScalarText takes a string's content or a number's text.
func setScalarText(dst *[]byte, v raw) bool {
	if v.Kind != jsontape.KindString && v.Kind != jsontape.KindNumber {
		return false
	}
	*dst = v.Text
	return true
}

// stringMember returns the content of obj.<name> when it is a string.
func (t *tape) stringMember(obj raw, name string) []byte {
	m := t.Members(obj)
	var found []byte
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		if val.Kind == jsontape.KindString && jsontape.KeyIs(key, name) {
			found = val.Text
		}
	}
	return found
}

// memberValue returns obj.<name>.
func (t *tape) memberValue(obj raw, name string) (raw, bool) {
	m := t.Members(obj)
	var found raw
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		if jsontape.KeyIs(key, name) {
			found = val
		}
	}
	return found, found.Kind != jsontape.KindNone
}

// readActor reads actor.user (or, in MongoDB's documented form, the actor
// itself) for the name, uid and roles.
func (r *record) readActor(v raw) bool {
	t := r.tp
	if v.Kind != jsontape.KindObject {
		return false
	}
	if u, ok := t.memberValue(v, "user"); ok && u.Kind == jsontape.KindObject {
		v = u
	}
	m := t.Members(v)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		switch string(plainKey(key)) {
		case "name":
			if val.Kind == jsontape.KindString && len(val.Text) > 0 {
				r.user = splitQualified(val.Text)
			}
		case "uid":
			setString(&r.ocsf.userUID, val)
		case "groups":
			r.readGroupNames(val)
		case "group":
			if privs, ok := t.memberValue(val, "privileges"); ok {
				r.roles, _ = t.readNames(r.roles, privs, "role")
			}
		}
	}
	return true
}

// readGroupNames reads roles from groups[].name.
func (r *record) readGroupNames(groups raw) {
	t := r.tp
	it := t.Elements(groups)
	for el, ok := it.Next(); ok; el, ok = it.Next() {
		if name := t.stringMember(el, "name"); len(name) > 0 {
			r.roles = append(r.roles, splitQualified(name))
		}
	}
}

// readOCSFUser reads the top-level user: the user authenticated (class
// 3002) or acted upon (3001).
func (r *record) readOCSFUser(v raw) bool {
	t := r.tp
	if v.Kind != jsontape.KindObject {
		return false
	}
	if name := t.stringMember(v, "name"); len(name) > 0 {
		r.target = splitQualified(name)
	}
	if uid := t.stringMember(v, "uid"); uid != nil && r.ocsf.userUID == nil {
		r.ocsf.userUID = uid
	}
	return true
}

// readOCSFEndpoint reads {ip, port, hostname} or a unix socket
// {interface_name: "unix", ip: path}.
func (t *tape) readOCSFEndpoint(e *endpoint, v raw) bool {
	if v.Kind != jsontape.KindObject {
		return false
	}
	*e = endpoint{}
	unix := false
	m := t.Members(v)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		switch string(plainKey(key)) {
		case "ip":
			if val.Kind == jsontape.KindString {
				e.setAddress(val)
			}
		case "port":
			e.port, e.hasPort = t.Int(val)
		case "hostname":
			if val.Kind == jsontape.KindString {
				e.domain = val.Text
			}
		case "interface_name", "interface":
			unix = val.Kind == jsontape.KindString && string(val.Text) == "unix"
		}
	}
	if unix { // the "ip" is a socket path or "anonymous"
		e.ip, e.ipIsAddress = netip.Addr{}, false
	}
	return !e.empty()
}

// readAPI reads api.operation, api.request and api.response.
func (r *record) readAPI(v raw) bool {
	t := r.tp
	if v.Kind != jsontape.KindObject {
		return false
	}
	o := &r.ocsf
	m := t.Members(v)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		switch string(plainKey(key)) {
		case "operation":
			setString(&o.apiOperation, val)
		case "request":
			o.apiRequest = val
		case "response":
			o.apiResponse = val
			r.readResponse(val)
		}
	}
	return true
}

// readResponse reads api.response's code, error and message.
func (r *record) readResponse(v raw) {
	t := r.tp
	o := &r.ocsf
	m := t.Members(v)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		switch string(plainKey(key)) {
		case "code":
			if val.Kind == jsontape.KindNumber || val.Kind == jsontape.KindString && len(val.Text) > 0 {
				o.respCode = val
			}
		case "error":
			if val.Kind == jsontape.KindString && len(val.Text) > 0 {
				o.respError = val.Text
			}
		case "message":
			if val.Kind == jsontape.KindString && len(val.Text) > 0 {
				o.respMessage = val.Text
			}
		}
	}
}
