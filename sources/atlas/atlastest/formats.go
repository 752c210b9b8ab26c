package atlastest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// event holds what one generated line says, before formatting.
type event struct {
	time       time.Time
	action     action
	user       string
	processor  string
	uuid       []byte
	clientIP   string
	clientPort int
	serverIP   string
	param      string // mongo param override (audit log access)
}

func itoa(i int) string { return strconv.Itoa(i) }

func q(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// mongo formats the line in MongoDB's audit schema, with its quirks:
// spaces around colons and a "+0000" offset.
func (e event) mongo() string {
	result, users := 0, fmt.Sprintf(`[ { "user" : %s, "db" : "admin" } ]`, q(e.user))
	if e.action.fail {
		result, users = 18, "[]"
	}
	return fmt.Sprintf(`{ "atype" : %s, "ts" : { "$date" : %s }, "uuid" : { "$binary" : %s, "$type" : "04" }, `+
		`"local" : { "ip" : %s, "port" : 27017 }, "remote" : { "ip" : %s, "port" : %d }, "users" : %s, `+
		`"roles" : [ { "role" : "atlasAdmin", "db" : "admin" } ], "param" : %s, "result" : %d }`,
		q(e.action.name), q(e.time.UTC().Format("2006-01-02T15:04:05.000-0700")), q(base64.StdEncoding.EncodeToString(e.uuid)),
		q(e.serverIP), q(e.clientIP), e.clientPort, users, e.mongoParam(), result)
}

func (e event) mongoParam() string {
	if e.param != "" {
		return e.param
	}
	switch e.action.name {
	case "authenticate":
		return fmt.Sprintf(`{ "user" : %s, "db" : "admin", "mechanism" : "SCRAM-SHA-256" }`, q(e.user))
	case "logout":
		return `{ "reason" : "Explicit logout from db 'admin'", "initialUsers" : [], "updatedUsers" : [] }`
	case "createStreamProcessor":
		return fmt.Sprintf(`{ "name" : %s, "pipeline" : [ { "$source" : { "connectionName" : "kafkaProd", "topic" : "orders" } }, { "$emit" : { "connectionName" : "atlasCluster", "db" : "sp", "coll" : "out" } } ], "options.dlq.coll" : "dlq" }`, q(e.processor))
	case "processStreamProcessor":
		return `{ "pipeline" : [ { "$source" : { "connectionName" : "sample_stream_solar" } } ] }`
	case "auditLogAccessed":
		return `{ "startDate" : 0, "endDate" : 0 }`
	}
	return fmt.Sprintf(`{ "name" : %s }`, q(e.processor))
}

// ocsf formats the line in the OCSF classes: 3002 Authentication for
// logon/logoff, 6003 API Activity for the rest.
func (e event) ocsf() string {
	m := map[string]any{
		"time": e.time.UnixMilli(), "severity_id": 1, "activity_id": e.action.activity,
		"metadata":     map[string]any{"correlation_uid": uuidText(e.uuid), "product": "MongoDB Server", "version": "1.0.0"},
		"actor":        map[string]any{"user": map[string]any{"type_id": 1, "name": "admin." + e.user, "groups": []any{map[string]string{"name": "admin.atlasAdmin"}}}},
		"src_endpoint": map[string]any{"ip": e.clientIP, "port": e.clientPort},
		"dst_endpoint": map[string]any{"ip": e.serverIP, "port": 27017},
		"unmapped":     map[string]any{"atype": e.action.name},
		"status_id":    1,
	}
	class := 6003
	switch e.action.name {
	case "authenticate", "logout":
		class = 3002
		m["user"] = map[string]any{"type_id": 1, "name": "admin." + e.user}
		m["auth_protocol"] = "SCRAM-SHA-256"
		if e.action.name == "logout" {
			m["message"] = "Explicit logout from db 'admin'"
		}
		if e.action.fail {
			m["status_id"] = 2
			m["actor"] = map[string]any{"user": map[string]any{"type_id": 0, "name": "admin." + e.user}}
		}
	default:
		req := map[string]any{}
		if e.processor != "" {
			req["data"] = map[string]any{"name": e.processor}
		}
		m["api"] = map[string]any{"operation": e.action.name, "request": req, "response": map[string]any{"code": 0}}
	}
	m["class_uid"], m["category_uid"] = class, class/1000
	m["type_uid"] = class*100 + e.action.activity
	b, _ := json.Marshal(m)
	return string(b)
}

// garbage is a line that is not JSON, as real logs occasionally hold.
func (e event) garbage() string {
	return fmt.Sprintf("%s audit writer: dropped malformed record %s", e.time.UTC().Format(time.RFC3339Nano), hex.EncodeToString(e.uuid))
}

func uuidText(b []byte) string {
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// accessLine is the line Atlas adds when a download is served.
func accessLine(rec Request, now time.Time) Line {
	e := event{
		time: now, action: action{name: "auditLogAccessed"}, user: "api-key",
		uuid: []byte(randomHex(8)), clientIP: "203.0.113.250", clientPort: 443, serverIP: "10.12.0.1",
		param: fmt.Sprintf(`{ "startDate" : %s, "endDate" : %s, "spName" : %s }`,
			q(rec.Query.Get("startDate")), q(rec.Query.Get("endDate")), q(rec.Processor)),
	}
	return Line{Time: now.UTC(), Text: e.mongo()}
}
