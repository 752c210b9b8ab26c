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

// LogTypes lists every log type, the audit log first.
var LogTypes = []LogType{AuditLog, OperationalLog}

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
	for _, t := range LogTypes {
		if n == t.Name() || n == string(t) {
			return t, nil
		}
	}
	return AuditLog, fmt.Errorf("unknown log type %q (known: audit, operational)", name)
}

// ArchiveSuffix ends the names of the log type's downloaded archives:
// "<workspace>[_<processor>]_<start>_<end>_audit.log.gz" for the audit log
// (Content-Disposition of the download), "_operational.log.gz" likewise
// (inferred: the operational download's name is not documented).
func (t LogType) ArchiveSuffix() string { return "_" + t.Name() + ".log.gz" }
