package libpath

import "strings"

// categorization is event.category and event.type.
type categorization struct{ category, typ []string }

func cat(category string, typ ...string) categorization {
	return categorization{category: []string{category}, typ: typ}
}

var actionCategories = map[string]categorization{
	"authenticate": cat("authentication", "start"), "logout": cat("authentication", "end"),
	"authCheck": cat("database", "access"), "authzCheck": cat("database", "access"),
	"createStreamProcessor": cat("configuration", "creation"), "startStreamProcessor": cat("configuration", "change"),
	"stopStreamProcessor": cat("configuration", "change"), "modifyStreamProcessor": cat("configuration", "change"),
	"dropStreamProcessor": cat("configuration", "deletion"), "processStreamProcessor": cat("database", "access"),
	"process": cat("database", "access"), "sampleStreamProcessor": cat("database", "access"),
	"sample": cat("database", "access"), "getStreamProcessor": cat("configuration", "access"),
	"listStreamProcessors": cat("configuration", "access"), "streamProcessorStats": cat("configuration", "access"),
	"listConnections": cat("configuration", "access"), "listStreamConnections": cat("configuration", "access"),
	"auditLogAccessed": cat("api", "access"), "clientMetadata": cat("network", "connection", "info"),
	"createUser": cat("iam", "user", "creation"), "dropUser": cat("iam", "user", "deletion"),
	"updateUser": cat("iam", "user", "change"), "grantRolesToUser": cat("iam", "user", "change"),
	"revokeRolesFromUser": cat("iam", "user", "change"), "createRole": cat("iam", "group", "creation"),
	"dropRole": cat("iam", "group", "deletion"), "updateRole": cat("iam", "group", "change"),
	"startup": cat("process", "start"), "applicationMessage": cat("process", "info"), "shutdown": cat("process", "end"),
}

var processorVerbs = []struct{ prefix, typ string }{
	{"create", "creation"}, {"drop", "deletion"}, {"delete", "deletion"}, {"start", "change"},
	{"stop", "change"}, {"modify", "change"}, {"update", "change"}, {"get", "access"}, {"list", "access"},
}

func processorDefault(action string) (categorization, bool) {
	if !strings.Contains(action, "StreamProcessor") && !strings.Contains(action, "StreamConnection") {
		return categorization{}, false
	}
	for _, v := range processorVerbs {
		if strings.HasPrefix(action, v.prefix) {
			return cat("configuration", v.typ), true
		}
	}
	return cat("configuration", "info"), true
}

func classCategories(class, activity int64) (categorization, bool) {
	pick := func(def []string, a1 int64, t1 []string, a2 int64, t2 []string) []string {
		switch activity {
		case a1:
			return t1
		case a2:
			return t2
		}
		return def
	}
	l := func(s ...string) []string { return s }
	switch class {
	case 3002:
		return categorization{l("authentication"), pick(l("info"), 1, l("start"), 2, l("end"))}, true
	case 3001:
		return categorization{l("iam"), pick(l("user", "change"), 1, l("user", "creation"), 6, l("user", "deletion"))}, true
	case 3004:
		return categorization{l("configuration"), crud(activity)}, true
	case 6003:
		return categorization{l("api"), crud(activity)}, true
	case 4001:
		return categorization{l("network"), pick(l("connection"), 1, l("connection", "start"), 2, l("connection", "end"))}, true
	case 1007:
		return categorization{l("process"), pick(l("info"), 1, l("start"), 2, l("end"))}, true
	case 5002:
		return cat("configuration", "info"), true
	}
	return categorization{}, false
}

func crud(activity int64) []string {
	switch activity {
	case 1:
		return []string{"creation"}
	case 2:
		return []string{"access"}
	case 3:
		return []string{"change"}
	case 4:
		return []string{"deletion"}
	}
	return []string{"info"}
}

func (r *record) categorize() categorization {
	action := ""
	if r.action != nil {
		action = *r.action
	}
	if c, ok := actionCategories[action]; ok {
		return c
	}
	if c, ok := processorDefault(action); ok {
		return c
	}
	if r.schema == "ocsf" {
		if c, ok := classCategories(r.ocsf.classUID.v, r.ocsf.activityID.v); ok {
			return c
		}
	}
	return cat("database", "info")
}
