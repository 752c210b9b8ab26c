package templates

import "github.com/aspaudit/aspaudit/pipeline"

func init() { registerFields(pipeline.OperationalLog, operationalFields) }

// operationalFields lists every field the operational log's parser
// (pipeline/transform/oplog) writes. The line's members that map to no ECS
// field are kept under atlas.streams.log.fields, flattened: searchable
// whatever their keys and types.
var operationalFields = []field{
	{"@timestamp", date},
	{"message", text},
	{"event.kind", keyword},
	{"event.dataset", keyword},
	{"event.module", keyword},
	{"event.ingested", date},
	{"event.original", original},
	{"event.id", keyword},
	{"event.code", keyword},
	{"ecs.version", keyword},
	{"agent.name", keyword},
	{"agent.version", keyword},
	{"log.level", keyword},
	{"log.logger", keyword},
	{"process.thread.name", keyword},
	{"cloud.provider", keyword},
	{"cloud.region", keyword},
	{"cloud.project.id", keyword},
	{"cloud.service.name", keyword},
	{"atlas.project.id", keyword},
	{"atlas.streams.workspace", keyword},
	{"atlas.streams.processor", keyword},
	{"atlas.streams.log.format", keyword},
	{"atlas.streams.log.time_source", keyword},
	{"atlas.streams.log.fields", flat},
}
