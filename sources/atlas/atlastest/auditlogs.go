package atlastest

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var groupID = regexp.MustCompile(`^([a-f0-9]{24})$`)

// serveAuditLogs is GET /api/atlas/v2/groups/{groupId}/streams/{tenantName}/auditLogs.
func (f *Fake) serveAuditLogs(w http.ResponseWriter, r *http.Request) {
	rec := f.newRecord(r, "auditLogs")
	rec.Workspace = r.PathValue("tenantName")
	rec.Processor = r.URL.Query().Get("spName")
	aborted := false
	defer func() {
		if !aborted {
			f.record(w, rec)
		}
	}()
	if !f.authenticate(w, r, &rec) || !f.admit(w, &rec) {
		return
	}
	ws, q, version, ok := f.checkDownload(w, r, &rec, f.versions)
	if !ok {
		return
	}
	if rule := f.matchRule("auditLogs", rec.Project, rec.Workspace); rule != nil {
		rec.Status, rec.Fault = rule.Status, "inject"
		writeRule(w, rule)
		return
	}
	d := f.drawFault()
	rec.Fault = d.name()
	if status := d.writeAnswer(w, rec.Project); status != 0 {
		rec.Status = status
		return
	}
	if f.serveBody(w, r, ws, q, version, d, &rec) {
		// Dropping the connection mid-body is what http.ErrAbortHandler is
		// for; record first, since the deferred record is skipped.
		aborted = true
		f.record(w, rec)
		panic(http.ErrAbortHandler)
	}
}

// serveBody writes the window's body; it reports whether the connection
// must be dropped (a cut body).
func (f *Fake) serveBody(w http.ResponseWriter, r *http.Request, ws *workspace, q Query, version string, d fault, rec *Request) bool {
	cut := f.writeDownload(w, r, f.source(ws), fileName(rec.Workspace, rec.Processor, q), q, version, d, rec)
	if f.cfg.AuditAccess && !cut && rec.Status == http.StatusOK {
		f.appendAccess(ws, accessLine(*rec, time.Now()))
	}
	return cut
}

// checkDownload answers a log download's errors (bad project id, a
// version not in served, unknown project or workspace, bad dates); ok
// reports none.
func (f *Fake) checkDownload(w http.ResponseWriter, r *http.Request, rec *Request, versions func() (served, retired []string)) (ws *workspace, q Query, version string, ok bool) {
	if !groupID.MatchString(rec.Project) {
		rec.Status = http.StatusBadRequest
		writeError(w, rec.Status, "INVALID_GROUP_ID", fmt.Sprintf("An invalid group ID %s was specified.", rec.Project))
		return nil, q, "", false
	}
	if version, rec.Status = checkVersion(w, r, "+gzip", versions); rec.Status != 0 {
		return nil, q, "", false
	}
	exists, ws := f.lookup(rec.Project, rec.Workspace)
	switch {
	case !exists:
		rec.Status = http.StatusNotFound
		writeError(w, rec.Status, "GROUP_NOT_FOUND", fmt.Sprintf("No group with ID %s exists.", rec.Project))
		return nil, q, "", false
	case ws == nil:
		rec.Status = http.StatusNotFound
		writeError(w, rec.Status, "STREAM_TENANT_NOT_FOUND_FOR_NAME", fmt.Sprintf("Stream tenant with name %s in group %s was not found.", rec.Workspace, rec.Project))
		return nil, q, "", false
	}
	q, code, detail := parseWindow(r)
	if code != "" {
		rec.Status = http.StatusBadRequest
		writeError(w, rec.Status, code, detail)
		return nil, q, "", false
	}
	q.Processor = rec.Processor
	return ws, q, version, true
}

// parseWindow reads startDate and endDate (whole epoch seconds); absent
// ones mean the last 30 days.
func parseWindow(r *http.Request) (q Query, code, detail string) {
	now := time.Now().Truncate(time.Second)
	q.Start, q.End = now.Add(-30*24*time.Hour), now
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"startDate", &q.Start}, {"endDate", &q.End}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			if _, ferr := strconv.ParseFloat(v, 64); ferr == nil {
				return q, "FRACTIONAL_TIMESTAMP", fmt.Sprintf("The %s parameter must be a whole number of seconds.", p.name)
			}
			return q, "INVALID_QUERY_PARAMETER", fmt.Sprintf("Invalid query parameter %s: %s.", p.name, v)
		}
		*p.dst = time.Unix(secs, 0).UTC()
	}
	if q.Start.After(q.End) {
		return q, "START_DATE_AFTER_END_DATE", "The start date must be before the end date."
	}
	return q, "", ""
}

// fileName is the name Atlas gives the download in Content-Disposition.
func fileName(workspace, processor string, q Query) string {
	parts := []string{workspace}
	if processor != "" {
		parts = append(parts, processor)
	}
	parts = append(parts, q.Start.UTC().Format(time.RFC3339), q.End.UTC().Format(time.RFC3339))
	return strings.Join(parts, "_") + "_audit.log.gz"
}

func (f *Fake) newRecord(r *http.Request, endpoint string) Request {
	return Request{
		Time: time.Now(), Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(),
		Accept: r.Header.Get("Accept"), Endpoint: endpoint, Project: r.PathValue("groupId"),
	}
}

// serveOther answers paths the fake does not know.
func (f *Fake) serveOther(w http.ResponseWriter, r *http.Request) {
	rec := f.newRecord(r, "other")
	rec.Status = http.StatusNotFound
	f.record(w, rec)
	writeError(w, rec.Status, "RESOURCE_NOT_FOUND", fmt.Sprintf("Cannot find resource %s.", r.URL.Path))
}
