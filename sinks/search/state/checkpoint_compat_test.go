package state

import (
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

// TestDocIDsOfTheAuditLogUnchanged pins the state documents' ids of audit
// series to those the release before log types wrote (computed by that
// code), so that existing checkpoints stay valid; other log types get ids
// of their own.
func TestDocIDsOfTheAuditLogUnchanged(t *testing.T) {
	audit := pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-a"}
	proc := audit
	proc.Processor = "proc"
	if got := docID(audit); got != "d21dd697fb87cccd3f6e2ab08e078087" {
		t.Fatalf("audit series id %s changed", got)
	}
	if got := docID(proc); got != "1029bb9fbd2baf548795c6a6f3e0a5bd" {
		t.Fatalf("audit processor series id %s changed", got)
	}
	ops, opsProc := audit, proc
	ops.LogType, opsProc.LogType = pipeline.OperationalLog, pipeline.OperationalLog
	ids := map[string]bool{docID(audit): true, docID(proc): true, docID(ops): true, docID(opsProc): true}
	if len(ids) != 4 {
		t.Fatal("an operational series shares a state document with another series")
	}
}
