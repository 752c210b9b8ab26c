package transform

import (
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"strconv"
)

// resultNames names the mongo result codes seen in audit lines.
var resultNames = map[int64][]byte{
	13:  []byte("Unauthorized"),
	18:  []byte("AuthenticationFailed"),
	26:  []byte("NamespaceNotFound"),
	276: []byte("IndexBuildAborted"),
	334: []byte("MechanismUnavailable"),
	337: []byte("AuthenticationAbandoned"),
}

// userManagementAtypes are the atypes whose param names the user acted upon.
var userManagementAtypes = map[string]bool{
	"createUser": true, "dropUser": true, "updateUser": true,
	"grantRolesToUser": true, "revokeRolesFromUser": true,
}

// mongoSemantics derives the ECS meaning of a mongo line.
func (r *record) mongoSemantics() {
	t := r.tp
	r.action = r.mongo.atype
	r.outcome = "unknown"
	if res := r.mongo.result; res.ok {
		r.codeBuf = strconv.AppendInt(r.codeBuf[:0], res.v, 10)
		r.code = r.codeBuf
		r.outcome = "success"
		if res.v != 0 {
			r.outcome = "failure"
			r.reason = resultNames[res.v]
		}
	}
	atype := string(jsontape.Plain(raw{Text: r.mongo.atype, Esc: hasBackslash(r.mongo.atype)}))
	if atype == "authenticate" {
		r.mechanism = t.stringMember(r.mongo.param, "mechanism")
	}
	switch {
	case len(r.mongo.users) > 0:
		r.user = r.mongo.users[0]
	case atype == "authenticate":
		r.user = t.paramUser(r.mongo.param)
	case atype == "logout":
		r.user = t.firstListedUser(r.mongo.param, "initialUsers")
	}
	if userManagementAtypes[atype] {
		r.target = t.paramUser(r.mongo.param)
	}
}

// paramUser reads {user, db} from param.
func (t *tape) paramUser(param raw) qname {
	var q qname
	m := t.Members(param)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		if val.Kind != jsontape.KindString || len(val.Text) == 0 {
			continue
		}
		switch string(plainKey(key)) {
		case "user":
			q.name = val.Text
		case "db":
			q.db = val.Text
		}
	}
	return q
}

// firstListedUser reads the first {user, db} of param.<field>.
func (t *tape) firstListedUser(param raw, field string) qname {
	m := t.Members(param)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		if jsontape.KeyIs(key, field) {
			names, _ := t.readNames(nil, val, "user")
			if len(names) > 0 {
				return names[0]
			}
		}
	}
	return qname{}
}
