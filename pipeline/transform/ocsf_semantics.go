package transform

import (
	"bytes"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"strconv"
)

// ocsfSemantics derives the ECS meaning of an OCSF line.
func (r *record) ocsfSemantics() {
	o := &r.ocsf
	switch {
	case len(o.unmappedAtyp) > 0:
		r.action = o.unmappedAtyp
	case len(o.apiOperation) > 0:
		r.action = o.apiOperation
	default:
		r.actionBuf = appendDerivedAction(r.actionBuf[:0], o.classUID.v, o.activityID)
		r.action = r.actionBuf
	}
	r.severity = o.severityID
	r.mechanism = o.authProtocol
	r.outcome = r.ocsfOutcome()
	r.code = o.statusCode
	if r.code == nil && o.respCode.Kind != jsontape.KindNone {
		r.code = o.respCode.Text
	}
	r.reason = o.statusDetail
	if r.reason == nil {
		r.reason = o.respError
	}
	if r.reason == nil {
		r.reason = o.respMessage
	}
	// Authentication names the user logging on in "user"; elsewhere the
	// actor acts and "user" is the account acted upon. The actor's roles
	// are not those of another user.
	r.actor = r.user
	if o.classUID.v == 3002 && !r.target.empty() || r.user.empty() {
		r.user, r.target = r.target, qname{}
		if !sameName(r.user, r.actor) {
			r.roles = r.roles[:0]
		}
	}
	if sameName(r.user, r.target) {
		r.target = qname{}
	}
}

func (r *record) ocsfOutcome() string {
	t := r.tp
	o := &r.ocsf
	switch {
	case o.statusID.ok && o.statusID.v == 1:
		return "success"
	case o.statusID.ok && o.statusID.v == 2:
		return "failure"
	}
	if len(o.respError) > 0 {
		return "failure"
	}
	if n, isInt := t.Int(o.respCode); isInt {
		if n == 0 {
			return "success"
		}
		return "failure"
	}
	return "unknown"
}

func sameName(a, b qname) bool {
	return bytes.Equal(a.db, b.db) && bytes.Equal(a.name, b.name)
}

// ocsfClasses names the classes MongoDB writes and their activities.
var ocsfClasses = map[int64]struct {
	name       string
	activities []string // index = activity_id
}{
	1007: {"process-activity", []string{"unknown", "launch", "terminate", "open", "inject", "set-user-id"}},
	3001: {"account-change", []string{"unknown", "create", "enable", "password-change", "password-reset",
		"disable", "delete", "attach-policy", "detach-policy", "lock", "mfa-enable", "mfa-disable"}},
	3002: {"authentication", []string{"unknown", "logon", "logoff", "authentication-ticket", "service-ticket"}},
	3004: {"entity-management", []string{"unknown", "create", "read", "update", "delete", "move",
		"enroll", "unenroll", "enable", "disable", "activate", "deactivate", "suspend", "resume"}},
	4001: {"network-activity", []string{"unknown", "open", "close", "reset", "fail", "refuse", "traffic", "listen"}},
	5002: {"device-config-state", []string{"unknown", "log", "collect"}},
	6003: {"api-activity", []string{"unknown", "create", "read", "update", "delete"}},
}

// appendDerivedAction names an OCSF event without atype or operation:
// "authentication-logon", "api-activity-other", "ocsf-9999-1".
func appendDerivedAction(dst []byte, class int64, activity optInt) []byte {
	c, known := ocsfClasses[class]
	if !known {
		dst = append(dst, "ocsf-"...)
		dst = strconv.AppendInt(dst, class, 10)
		if activity.ok {
			dst = append(dst, '-')
			dst = strconv.AppendInt(dst, activity.v, 10)
		}
		return dst
	}
	dst = append(dst, c.name...)
	switch a := activity.v; {
	case !activity.ok:
	case a == 99:
		dst = append(dst, "-other"...)
	case a >= 0 && a < int64(len(c.activities)):
		dst = append(dst, '-')
		dst = append(dst, c.activities[a]...)
	default:
		dst = append(dst, '-')
		dst = strconv.AppendInt(dst, a, 10)
	}
	return dst
}
