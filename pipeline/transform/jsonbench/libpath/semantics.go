package libpath

import (
	"strconv"
	"strings"
)

var resultNames = map[int64]string{
	13: "Unauthorized", 18: "AuthenticationFailed", 26: "NamespaceNotFound",
	276: "IndexBuildAborted", 334: "MechanismUnavailable", 337: "AuthenticationAbandoned",
}

var userManagementAtypes = map[string]bool{
	"createUser": true, "dropUser": true, "updateUser": true,
	"grantRolesToUser": true, "revokeRolesFromUser": true,
}

func (r *record) mongoSemantics() {
	r.action = r.mongo.atype
	r.outcome = "unknown"
	if res := r.mongo.result; res.ok {
		r.code = ptr(strconv.FormatInt(res.v, 10))
		r.outcome = "success"
		if res.v != 0 {
			r.outcome = "failure"
			if n, ok := resultNames[res.v]; ok {
				r.reason = &n
			}
		}
	}
	atype := *r.mongo.atype
	param, _ := r.object(r.mongo.param)
	if atype == "authenticate" {
		r.mechanism = r.stringMember(param, "mechanism")
	}
	switch {
	case len(r.mongo.users) > 0:
		r.user = r.mongo.users[0]
	case atype == "authenticate":
		r.user = qname{name: r.nonEmpty(param, "user"), db: r.nonEmpty(param, "db")}
	case atype == "logout":
		if names, _ := r.readNames(nil, param["initialUsers"], "user"); len(names) > 0 {
			r.user = names[0]
		}
	}
	if userManagementAtypes[atype] {
		r.target = qname{name: r.nonEmpty(param, "user"), db: r.nonEmpty(param, "db")}
	}
}

func (r *record) ocsfSemantics() {
	o := &r.ocsf
	switch {
	case o.unmappedAtyp != nil && *o.unmappedAtyp != "":
		r.action = o.unmappedAtyp
	case o.apiOperation != nil && *o.apiOperation != "":
		r.action = o.apiOperation
	default:
		r.action = ptr(derivedAction(o.classUID.v, o.activityID))
	}
	r.severity = o.severityID
	r.mechanism = o.authProtocol
	r.outcome = r.ocsfOutcome()
	r.code = o.statusCode
	if r.code == nil && o.respCode != nil {
		r.code = r.scalarText(o.respCode)
	}
	r.reason = o.statusDetail
	if r.reason == nil {
		r.reason = o.respError
	}
	if r.reason == nil {
		r.reason = o.respMessage
	}
	r.actor = r.user
	if o.classUID.v == 3002 && !r.target.empty() || r.user.empty() {
		r.user, r.target = r.target, qname{}
		if r.user != r.actor {
			r.roles = r.roles[:0]
		}
	}
	if r.user == r.target {
		r.target = qname{}
	}
}

func (r *record) ocsfOutcome() string {
	o := &r.ocsf
	switch {
	case o.statusID.ok && o.statusID.v == 1:
		return "success"
	case o.statusID.ok && o.statusID.v == 2:
		return "failure"
	}
	if o.respError != nil {
		return "failure"
	}
	if n, isInt := r.intValue(o.respCode); isInt {
		if n == 0 {
			return "success"
		}
		return "failure"
	}
	return "unknown"
}

var ocsfClasses = map[int64]struct {
	name       string
	activities []string
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

func derivedAction(class int64, activity optInt) string {
	c, known := ocsfClasses[class]
	if !known {
		s := "ocsf-" + strconv.FormatInt(class, 10)
		if activity.ok {
			s += "-" + strconv.FormatInt(activity.v, 10)
		}
		return s
	}
	switch a := activity.v; {
	case !activity.ok:
		return c.name
	case a == 99:
		return c.name + "-other"
	case a >= 0 && a < int64(len(c.activities)):
		return c.name + "-" + c.activities[a]
	default:
		return c.name + "-" + strconv.FormatInt(a, 10)
	}
}

// namesProcessor reports whether an action's "name" argument is the
// processor's name.
func namesProcessor(action string) bool {
	return strings.Contains(action, "StreamProcessor") || action == "sample" || action == "process"
}

// lineProcessor returns the name of the stream processor the line names.
func (r *record) lineProcessor() *string {
	byName := r.action != nil && namesProcessor(*r.action)
	for _, obj := range [...]raw{r.mongo.param, r.ocsf.apiRequest, r.ocsf.unmapped} {
		if p := r.findProcessor(obj, byName, 1); p != nil {
			return p
		}
	}
	return nil
}

// processorKeys are the keys that hold a processor name, in the order
// they are looked at (a map has no member order).
var processorKeys = [...]string{"processorName", "streamProcessorName", "streamProcessor", "spName", "processor"}

func (d reader) findProcessor(obj raw, byName bool, depth int) *string {
	m, ok := d.object(obj)
	if !ok {
		return nil
	}
	// A map has no member order: the keys are looked at in a fixed order,
	// where the engine takes the first in the line (the same unless an
	// object names a processor under two keys).
	for _, k := range processorKeys {
		if s, ok := d.str(m[k]); ok && s != "" {
			return &s
		}
	}
	if byName {
		if s, ok := d.str(m["name"]); ok && s != "" {
			return &s
		}
	}
	for _, k := range sortedKeys(m) {
		if s, ok := d.str(m[k]); ok && s != "" && strings.HasSuffix(k, "StreamProcessor") {
			return &s
		}
	}
	if depth > 0 {
		for _, k := range [...]string{"args", "data"} {
			if p := d.findProcessor(m[k], byName, depth-1); p != nil {
				return p
			}
		}
	}
	return nil
}

// scalarText is a string's content or a number's text.
func (d reader) scalarText(v raw) *string {
	if isNumber(v) {
		return ptr(string(v))
	}
	if s, ok := d.str(v); ok {
		return &s
	}
	return nil
}
