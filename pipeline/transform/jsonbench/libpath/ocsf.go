package libpath

import (
	"errors"
	"fmt"
	"net/netip"
)

func (r *record) readOCSF(top map[string]raw) error {
	r.schema = "ocsf"
	for k, v := range top { // the order of members changes nothing but the order of extra's keys
		taken, err := r.ocsfMember(k, v)
		if err != nil {
			return err
		}
		if !taken {
			r.extra = append(r.extra, member{k, v})
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

func (d reader) readOptInt(dst *optInt, v raw) bool {
	dst.v, dst.ok = d.intValue(v)
	return dst.ok
}

func (r *record) ocsfMember(k string, v raw) (taken bool, err error) {
	o := &r.ocsf
	switch k {
	case "class_uid":
		return r.readOptInt(&o.classUID, v), nil
	case "category_uid":
		return r.readOptInt(&o.categoryUID, v), nil
	case "activity_id":
		return r.readOptInt(&o.activityID, v), nil
	case "type_uid":
		return r.readOptInt(&o.typeUID, v), nil
	case "severity_id":
		return r.readOptInt(&o.severityID, v), nil
	case "status_id":
		return r.readOptInt(&o.statusID, v), nil
	case "time":
		if r.time, err = r.parseTime(v); err != nil {
			return false, fmt.Errorf("ocsf line: time %s: %w", excerpt(v), err)
		}
		return true, nil
	case "metadata":
		m, _ := r.object(v)
		o.metadata, o.correlation = v, r.stringMember(m, "correlation_uid")
		return true, nil
	case "unmapped":
		m, _ := r.object(v)
		o.unmapped, o.unmappedAtyp = v, r.stringMember(m, "atype")
		return true, nil
	}
	return r.ocsfObjectMember(k, v), nil
}

func (r *record) ocsfObjectMember(k string, v raw) bool {
	o := &r.ocsf
	switch k {
	case "actor":
		return r.readActor(v)
	case "user":
		return r.readOCSFUser(v)
	case "src_endpoint":
		return r.readOCSFEndpoint(&r.src, v)
	case "dst_endpoint":
		return r.readOCSFEndpoint(&r.dst, v)
	case "api":
		return r.readAPI(v)
	case "auth_protocol":
		return r.setString(&o.authProtocol, v)
	case "message":
		return r.setString(&r.message, v)
	case "status_code":
		o.statusCode = r.scalarText(v)
		return o.statusCode != nil
	case "status_detail":
		return r.setString(&o.statusDetail, v)
	}
	return false
}

func (r *record) readActor(v raw) bool {
	m, ok := r.object(v)
	if !ok {
		return false
	}
	if u, ok := r.object(m["user"]); ok {
		m = u
	}
	if name := r.nonEmpty(m, "name"); name != "" {
		r.user = splitQualified(name)
	}
	if s, ok := r.str(m["uid"]); ok {
		r.ocsf.userUID = &s
	}
	if groups, ok := r.array(m["groups"]); ok {
		for _, g := range groups {
			gm, _ := r.object(g)
			if name := r.nonEmpty(gm, "name"); name != "" {
				r.roles = append(r.roles, splitQualified(name))
			}
		}
	}
	if group, ok := r.object(m["group"]); ok {
		if privs, ok := group["privileges"]; ok {
			r.roles, _ = r.readNames(r.roles, privs, "role")
		}
	}
	return true
}

func (r *record) readOCSFUser(v raw) bool {
	m, ok := r.object(v)
	if !ok {
		return false
	}
	if name := r.nonEmpty(m, "name"); name != "" {
		r.target = splitQualified(name)
	}
	if uid := r.stringMember(m, "uid"); uid != nil && r.ocsf.userUID == nil {
		r.ocsf.userUID = uid
	}
	return true
}

func (d reader) readOCSFEndpoint(e *endpoint, v raw) bool {
	m, ok := d.object(v)
	if !ok {
		return false
	}
	*e = endpoint{}
	if s, ok := d.str(m["ip"]); ok {
		e.setAddress(s)
	}
	if p, ok := m["port"]; ok {
		e.port, e.hasPort = d.intValue(p)
	}
	if s, ok := d.str(m["hostname"]); ok {
		e.domain = &s
	}
	unix := false
	for _, k := range [...]string{"interface_name", "interface"} {
		if iv, ok := m[k]; ok {
			s, isStr := d.str(iv)
			unix = isStr && s == "unix"
		}
	}
	if unix {
		e.ip = netip.Addr{}
	}
	return !e.empty()
}

func (r *record) readAPI(v raw) bool {
	m, ok := r.object(v)
	if !ok {
		return false
	}
	o := &r.ocsf
	if s, ok := r.str(m["operation"]); ok {
		o.apiOperation = &s
	}
	if req, ok := m["request"]; ok {
		o.apiRequest = req
	}
	if resp, ok := m["response"]; ok {
		o.apiResponse = resp
		rm, _ := r.object(resp)
		if c, ok := rm["code"]; ok && (isNumber(c) || len(c) > 2 && c[0] == '"') {
			o.respCode = c
		}
		if s := r.nonEmpty(rm, "error"); s != "" {
			o.respError = &s
		}
		if s := r.nonEmpty(rm, "message"); s != "" {
			o.respMessage = &s
		}
	}
	return true
}
