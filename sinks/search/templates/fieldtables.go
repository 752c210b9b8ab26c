package templates

import "github.com/aspaudit/aspaudit/pipeline"

// fieldTables are the field tables of the log types other than the audit
// log, each registered by the file that declares it (operational.go), so
// that a new log type's table is a new file, not a new case here.
var fieldTables = map[pipeline.LogType][]field{}

// registerFields records a log type's field table; it is called from the
// init function of the file declaring the table.
func registerFields(t pipeline.LogType, table []field) {
	if _, dup := fieldTables[t]; dup || t == pipeline.AuditLog {
		panic("templates: field table of the " + t.Name() + " log registered twice")
	}
	fieldTables[t] = table
}

// fieldsOf returns the field table of a log type's indices: the audit
// log's (fields) for the audit log and any log type without its own.
func fieldsOf(t pipeline.LogType) []field {
	if table, ok := fieldTables[t]; ok {
		return table
	}
	return fields
}
