package pipeline

import (
	"fmt"
	"strings"
)

// LogType names one of the logs Atlas keeps for a stream processing
// workspace. The zero value is the audit log, so that a Series written
// before log types existed (every checkpoint, every test) still means the
// audit log and keeps its keys; other log types add themselves to the keys.
type LogType string

// The log types.
const (
	AuditLog       LogType = ""
	OperationalLog LogType = "operational"
)

// LogTypeSpec is what the stages know of a log type, as data: the Atlas
// source reads the endpoint and its Accept version, the archive reader the
// file-name suffix, the search sink the default index prefix. The line
// parser is wired in cmd/aspaudit and the index field table registers
// itself in sinks/search/templates, because pipeline imports neither.
type LogTypeSpec struct {
	// Type is the log type; Type.Name() is its name in configuration.
	Type LogType
	// Endpoint names the download in metrics and the fake's records.
	Endpoint string
	// PathSuffix follows the escaped workspace name in the download's
	// path below the project's streams ("/auditLogs").
	PathSuffix string
	// APIVersion is the Accept version the Admin API specification
	// declares for the download: the default of atlas.api_versions.<name>.
	APIVersion string
	// IndexPrefix is the default index prefix of the log type's events
	// (search.index_prefixes.<name>); the audit log's is index_prefix.
	IndexPrefix string
}

// logTypeSpecs is the table of log types, the audit log first. A new log
// type is a new constant above and a new entry here.
var logTypeSpecs = []LogTypeSpec{
	{Type: AuditLog, Endpoint: "auditLogs", PathSuffix: "/auditLogs", APIVersion: "2023-02-01"},
	{Type: OperationalLog, Endpoint: "operationalLogs", PathSuffix: ":downloadOperationalLogs", APIVersion: "2025-03-12", IndexPrefix: "atlas-streams-ops"},
}

// LogTypes lists every log type, the audit log first.
var LogTypes = func() []LogType {
	out := make([]LogType, len(logTypeSpecs))
	for i, s := range logTypeSpecs {
		out[i] = s.Type
	}
	return out
}()

// Spec returns the log type's entry in the table; ok is false for a log
// type that is not in it.
func (t LogType) Spec() (LogTypeSpec, bool) {
	for _, s := range logTypeSpecs {
		if s.Type == t {
			return s, true
		}
	}
	return LogTypeSpec{}, false
}

// Name is the log type's name in configuration and flags: "audit" or
// "operational".
func (t LogType) Name() string {
	if t == AuditLog {
		return "audit"
	}
	return string(t)
}

// ParseLogType reads a log type's name; "" is the audit log.
func ParseLogType(name string) (LogType, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	names := make([]string, len(LogTypes))
	for i, t := range LogTypes {
		if n == t.Name() || n == string(t) {
			return t, nil
		}
		names[i] = t.Name()
	}
	return AuditLog, fmt.Errorf("unknown log type %q (known: %s)", name, strings.Join(names, ", "))
}

// ArchiveSuffix ends the names of the log type's downloaded archives:
// "<workspace>[_<processor>]_<start>_<end>_audit.log.gz" for the audit log
// (Content-Disposition of the download), "_operational.log.gz" likewise
// (inferred: the operational download's name is not documented).
func (t LogType) ArchiveSuffix() string { return "_" + t.Name() + ".log.gz" }
