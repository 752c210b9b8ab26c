package transform

import (
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Constants of the agent and cloud fields.
const (
	AgentName    = "aspaudit"
	CloudService = "atlas-stream-processing"
)

// docContext is what a document takes from outside the line: its id, the
// window, where the workspace runs and the agent's version.
type docContext struct {
	id           string
	win          pipeline.Window
	place        pipeline.Place
	agentVersion string
}

// encodeECSAgent writes ecs.version and agent.
func (w *docWriter) encodeECSAgent(c *docContext) {
	w.puts(`,"ecs":{"version":"` + ECSVersion + `"}`)
	w.open("agent")
	w.constant("name", AgentName)
	w.textString("version", c.agentVersion)
	w.close()
}

// encodeCloud writes cloud: the workspace's provider and region when
// known, the project and the service.
func (w *docWriter) encodeCloud(c *docContext) {
	w.open("cloud")
	if c.place.Provider != "" {
		w.textString("provider", strings.ToLower(c.place.Provider))
	}
	if c.place.Region != "" {
		w.textString("region", c.place.Region)
	}
	if c.win.ProjectID != "" {
		w.open("project")
		w.textString("id", c.win.ProjectID)
		w.close()
	}
	w.open("service")
	w.constant("name", CloudService)
	w.close()
	w.close()
}

// encodeSummary writes message for a line that has none: what, on which
// processor, by whom, from where, and how it ended:
// "startStreamProcessor orders by admin.alice from 10.0.0.7: failure (Unauthorized)".
func (w *docWriter) encodeSummary(r *record, processor []byte) {
	b := append(appendKey(w.doc(), w.comma, "message"), '"')
	b = jsontape.AppendRawText(b, r.action, w.clean)
	if processor != nil {
		b = append(b, ' ')
		b = jsontape.AppendRawText(b, processor, w.clean)
	}
	if !r.user.empty() {
		b = append(b, " by "...)
		b = appendQualifiedText(b, r.user, w.clean)
	}
	if r.src.address != nil {
		b = append(b, " from "...)
		b = jsontape.AppendRawText(b, r.src.address, w.clean)
	}
	if r.outcome != "unknown" {
		b = append(b, ": "...)
		b = append(b, r.outcome...)
	}
	if r.reason != nil {
		b = append(b, " ("...)
		b = jsontape.AppendRawText(b, r.reason, w.clean)
		b = append(b, ')')
	}
	w.set(append(b, '"'))
	w.comma = true
}

// appendQualifiedText appends "db.name" (or "name") without quotes.
func appendQualifiedText(dst []byte, q qname, clean bool) []byte {
	if len(q.db) > 0 {
		dst = jsontape.AppendRawText(dst, q.db, clean)
		dst = append(dst, '.')
	}
	return jsontape.AppendRawText(dst, q.name, clean)
}

// encodeConnection writes atlas.connection.id (mongo uuid, OCSF
// metadata.correlation_uid) and atlas.authentication.mechanism (mongo
// param.mechanism of authenticate, OCSF auth_protocol).
func (w *docWriter) encodeConnection(r *record) {
	if len(r.mongo.uuid) > 0 {
		w.open("connection")
		w.text("id", r.mongo.uuid)
		w.close()
	} else if r.ocsf.correlation != nil {
		w.open("connection")
		w.content("id", r.ocsf.correlation)
		w.close()
	}
	if r.mechanism != nil {
		w.open("authentication")
		w.content("mechanism", r.mechanism)
		w.close()
	}
}
