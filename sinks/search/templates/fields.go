package templates

// kind is how one field of the event document is mapped.
type kind int

const (
	keyword  kind = iota // exact values people filter and aggregate on
	text                 // free text, searched by words
	ip                   // IPv4 and IPv6 addresses, range and CIDR queries
	date                 // RFC 3339 times
	long                 // integers
	boolean              // true / false
	flat                 // free-form objects: flattened / flat_object
	original             // event.original: the raw line
)

// field is one leaf of the event document: its dotted path and kind.
// Arrays need no marking: every mapping type takes arrays.
type field struct {
	path string
	kind kind
}

// fields lists every field the transform writes, as documented in
// pipeline/transform/FIELDS.md. Objects ("mongodb.audit.users") are implied
// by their leaves. Tests index a document with every field and check each
// with _field_caps.
var fields = []field{
	// Every event.
	{"@timestamp", date},
	{"event.kind", keyword},
	{"event.dataset", keyword},
	{"event.module", keyword},
	{"event.ingested", date},
	{"event.original", original},
	{"event.id", keyword},
	{"ecs.version", keyword},
	{"agent.name", keyword},
	{"agent.version", keyword},
	{"cloud.provider", keyword},
	{"cloud.region", keyword},
	{"cloud.project.id", keyword},
	{"cloud.service.name", keyword},
	{"atlas.project.id", keyword},
	{"atlas.streams.workspace", keyword},
	{"atlas.streams.processor", keyword},
	{"atlas.streams.audit_schema", keyword},
	{"atlas.connection.id", keyword},
	{"atlas.authentication.mechanism", keyword},
	{"aspaudit.truncated_fields", keyword},

	// Parsed events, both schemas.
	{"message", text},
	{"event.action", keyword},
	{"event.category", keyword},
	{"event.type", keyword},
	{"event.outcome", keyword},
	{"event.code", keyword},
	{"event.reason", keyword},
	{"event.severity", long},
	{"user.id", keyword},
	{"user.name", keyword},
	{"user.domain", keyword},
	{"user.roles", keyword},
	{"user.target.id", keyword},
	{"user.target.name", keyword},
	{"user.target.domain", keyword},
	{"source.address", keyword},
	{"source.ip", ip},
	{"source.port", long},
	{"source.domain", keyword},
	{"destination.address", keyword},
	{"destination.ip", ip},
	{"destination.port", long},
	{"destination.domain", keyword},
	{"related.ip", ip},
	{"related.user", keyword},

	// mongo schema.
	{"mongodb.audit.atype", keyword},
	{"mongodb.audit.result", long},
	{"mongodb.audit.uuid", keyword},
	{"mongodb.audit.param", flat},
	{"mongodb.audit.users.user", keyword},
	{"mongodb.audit.users.db", keyword},
	{"mongodb.audit.roles.role", keyword},
	{"mongodb.audit.roles.db", keyword},
	{"mongodb.audit.intermediates.address", keyword},
	{"mongodb.audit.intermediates.ip", ip},
	{"mongodb.audit.intermediates.port", long},
	{"mongodb.audit.local.is_system_user", boolean},
	{"mongodb.audit.remote.is_system_user", boolean},
	{"mongodb.audit.extra", flat},

	// OCSF schema.
	{"ocsf.class_uid", long},
	{"ocsf.category_uid", long},
	{"ocsf.activity_id", long},
	{"ocsf.type_uid", long},
	{"ocsf.severity_id", long},
	{"ocsf.status_id", long},
	{"ocsf.auth_protocol", keyword},
	{"ocsf.user.uid", keyword},
	{"ocsf.api.operation", keyword},
	{"ocsf.api.request", flat},
	{"ocsf.api.response", flat},
	{"ocsf.metadata", flat},
	{"ocsf.unmapped", flat},
	{"ocsf.extra", flat},

	// Parse failures.
	{"error.message", text},
}
