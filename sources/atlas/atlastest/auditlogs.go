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
	f.serveDownload(w, r, r.PathValue("tenantName"), download{
		endpoint: "auditLogs",
		versions: f.versions,
		source:   f.source,
		fileName: fileName,
		served: func(ws *workspace, rec Request) {
			if f.cfg.AuditAccess {
				f.appendAccess(ws, accessLine(rec, time.Now()))
			}
		},
	})
}

// download is what differs between the log downloads the fake serves;
// everything else (errors, faults, rate limit, body shapes) they share.
type download struct {
	// endpoint names the download in records and rules.
	endpoint string
	// versions are the Accept versions served and retired.
	versions func() (served, retired []string)
	// source gives a workspace's lines of this log.
	source func(ws *workspace) LogFunc
	// fileName is the Content-Disposition file name.
	fileName func(workspace, processor string, q Query) string
	// served, if set, runs after a whole 200 body was written.
	served func(ws *workspace, rec Request)
}

// serveDownload downloads one log of workspace tenant as Atlas does.
func (f *Fake) serveDownload(w http.ResponseWriter, r *http.Request, tenant string, dl download) {
	rec := f.newRecord(r, dl.endpoint)
	rec.Workspace = tenant
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
	ws, q, version, ok := f.checkDownload(w, r, &rec, dl.versions)
	if !ok {
		return
	}
	if rule := f.matchRule(dl.endpoint, rec.Project, rec.Workspace); rule != nil {
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
	if f.writeDownload(w, r, dl.source(ws), dl.fileName(rec.Workspace, rec.Processor, q), q, version, d, &rec) {
		// Dropping the connection mid-body is what http.ErrAbortHandler is
		// for; record first, since the deferred record is skipped.
		aborted = true
		f.record(w, rec)
		panic(http.ErrAbortHandler)
	}
	if dl.served != nil && rec.Status == http.StatusOK {
		dl.served(ws, rec)
	}
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
	q.Processor, q.At = rec.Processor, rec.Time
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
