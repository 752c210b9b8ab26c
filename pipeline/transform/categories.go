package transform

import "strings"

// categorization is an event's ECS event.category and event.type, kept as
// ready-made JSON arrays.
type categorization struct {
	category, typ string
}

func cat(category, typ string) categorization {
	return categorization{category: category, typ: typ}
}

// actionCategories categorizes by action (mongo atype or OCSF
// unmapped.atype / api.operation), so both schemas agree for the same action.
// FIELDS.md says which names Atlas documents and which are inferred.
var actionCategories = map[string]categorization{
	"authenticate":          cat(`["authentication"]`, `["start"]`),
	"logout":                cat(`["authentication"]`, `["end"]`),
	"authCheck":             cat(`["database"]`, `["access"]`),
	"authzCheck":            cat(`["database"]`, `["access"]`),
	"createStreamProcessor": cat(`["configuration"]`, `["creation"]`),
	"startStreamProcessor":  cat(`["configuration"]`, `["change"]`),
	"stopStreamProcessor":   cat(`["configuration"]`, `["change"]`),
	"modifyStreamProcessor": cat(`["configuration"]`, `["change"]`),
	"dropStreamProcessor":   cat(`["configuration"]`, `["deletion"]`),
	// Atlas names the privilege actions processStreamProcessor and
	// sampleStreamProcessor; MongoDB's shell calls them .process() and
	// .sample(). Both spellings are accepted.
	"processStreamProcessor": cat(`["database"]`, `["access"]`),
	"process":                cat(`["database"]`, `["access"]`),
	"sampleStreamProcessor":  cat(`["database"]`, `["access"]`),
	"sample":                 cat(`["database"]`, `["access"]`),
	"getStreamProcessor":     cat(`["configuration"]`, `["access"]`),
	"listStreamProcessors":   cat(`["configuration"]`, `["access"]`),
	"streamProcessorStats":   cat(`["configuration"]`, `["access"]`),
	"listConnections":        cat(`["configuration"]`, `["access"]`),
	"listStreamConnections":  cat(`["configuration"]`, `["access"]`),
	"auditLogAccessed":       cat(`["api"]`, `["access"]`),
	"clientMetadata":         cat(`["network"]`, `["connection","info"]`),
	"createUser":             cat(`["iam"]`, `["user","creation"]`),
	"dropUser":               cat(`["iam"]`, `["user","deletion"]`),
	"updateUser":             cat(`["iam"]`, `["user","change"]`),
	"grantRolesToUser":       cat(`["iam"]`, `["user","change"]`),
	"revokeRolesFromUser":    cat(`["iam"]`, `["user","change"]`),
	"createRole":             cat(`["iam"]`, `["group","creation"]`),
	"dropRole":               cat(`["iam"]`, `["group","deletion"]`),
	"updateRole":             cat(`["iam"]`, `["group","change"]`),
	"startup":                cat(`["process"]`, `["start"]`),
	"applicationMessage":     cat(`["process"]`, `["info"]`),
	"shutdown":               cat(`["process"]`, `["end"]`),
}

// processorDefault categorizes a stream processor action the table does
// not know (a future one): a processor operation, typed by its verb.
func processorDefault(action string) (categorization, bool) {
	if !strings.Contains(action, "StreamProcessor") && !strings.Contains(action, "StreamConnection") {
		return categorization{}, false
	}
	for _, v := range processorVerbs {
		if strings.HasPrefix(action, v.prefix) {
			return cat(`["configuration"]`, v.typ), true
		}
	}
	return cat(`["configuration"]`, `["info"]`), true
}

// processorVerbs types unknown processor actions by their leading verb.
var processorVerbs = []struct{ prefix, typ string }{
	{"create", `["creation"]`},
	{"drop", `["deletion"]`},
	{"delete", `["deletion"]`},
	{"start", `["change"]`},
	{"stop", `["change"]`},
	{"modify", `["change"]`},
	{"update", `["change"]`},
	{"get", `["access"]`},
	{"list", `["access"]`},
}

// classCategories categorizes OCSF events by class and activity when the
// action is not in actionCategories.
func classCategories(class, activity int64) (categorization, bool) {
	switch class {
	case 3002:
		return cat(`["authentication"]`, pick(activity, `["info"]`, 1, `["start"]`, 2, `["end"]`)), true
	case 3001:
		return cat(`["iam"]`, pick(activity, `["user","change"]`, 1, `["user","creation"]`, 6, `["user","deletion"]`)), true
	case 3004:
		return cat(`["configuration"]`, crud(activity)), true
	case 6003:
		return cat(`["api"]`, crud(activity)), true
	case 4001:
		return cat(`["network"]`, pick(activity, `["connection"]`, 1, `["connection","start"]`, 2, `["connection","end"]`)), true
	case 1007:
		return cat(`["process"]`, pick(activity, `["info"]`, 1, `["start"]`, 2, `["end"]`)), true
	case 5002:
		return cat(`["configuration"]`, `["info"]`), true
	}
	return categorization{}, false
}

func crud(activity int64) string {
	switch activity {
	case 1:
		return `["creation"]`
	case 2:
		return `["access"]`
	case 3:
		return `["change"]`
	case 4:
		return `["deletion"]`
	}
	return `["info"]`
}

// pick returns the type for activity a among two (activity, type) pairs,
// else def.
func pick(a int64, def string, a1 int64, t1 string, a2 int64, t2 string) string {
	switch a {
	case a1:
		return t1
	case a2:
		return t2
	}
	return def
}

// unknownAction categorizes an action nothing else knows: a database
// event of some kind, so that no parsed event lacks a category.
var unknownAction = cat(`["database"]`, `["info"]`)

// categorize finds the categorization of a parsed record: by action, then
// by the stream processor default, then (OCSF) by class and activity, else
// unknownAction.
func (r *record) categorize() categorization {
	if c, ok := actionCategories[string(r.action)]; ok {
		return c
	}
	if c, ok := processorDefault(string(r.action)); ok {
		return c
	}
	if r.schema == "ocsf" {
		if c, ok := classCategories(r.ocsf.classUID.v, r.ocsf.activityID.v); ok {
			return c
		}
	}
	return unknownAction
}
