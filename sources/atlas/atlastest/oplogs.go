package atlastest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// OperationalVersion is the only version the operational-log download
// serves (Config.OperationalVersions' default).
const OperationalVersion = "2025-03-12"

// operationalSuffix ends the operational-log download's path segment:
// /streams/{tenantName}:downloadOperationalLogs.
const operationalSuffix = ":downloadOperationalLogs"

// AddOperationalLines sets the operational log of a workspace, adding the
// workspace (with an empty audit log) if it does not exist. The slice is
// copied.
func (f *Fake) AddOperationalLines(project, name string, lines []Line) {
	ls := slices.Clone(lines)
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Time.Before(ls[j].Time) })
	f.setOperational(project, name, func(ws *workspace) { ws.ops, ws.opsFn = ls, nil })
}

// AddOperationalFunc sets the operational log of a workspace to lines fn
// produces, adding the workspace if it does not exist.
func (f *Fake) AddOperationalFunc(project, name string, fn LogFunc) {
	f.setOperational(project, name, func(ws *workspace) { ws.ops, ws.opsFn = nil, fn })
}

// OperationalLines returns the operational lines given by
// AddOperationalLines.
func (f *Fake) OperationalLines(project, name string) []Line {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ws := f.projects[project][name]; ws != nil {
		return slices.Clone(ws.ops)
	}
	return nil
}

func (f *Fake) setOperational(project, name string, set func(*workspace)) {
	f.AddProject(project)
	f.mu.Lock()
	defer f.mu.Unlock()
	ws := f.projects[project][name]
	if ws == nil {
		ws = &workspace{}
		f.projects[project][name] = ws
	}
	set(ws)
}

// serveStreamsAction is GET /api/atlas/v2/groups/{groupId}/streams/{segment}
// where the segment is "{tenantName}:downloadOperationalLogs"; any other
// segment is a path Atlas does not serve.
func (f *Fake) serveStreamsAction(w http.ResponseWriter, r *http.Request) {
	tenant, ok := strings.CutSuffix(r.PathValue("segment"), operationalSuffix)
	if !ok || tenant == "" {
		f.serveOther(w, r)
		return
	}
	f.serveOperationalLogs(w, r, tenant)
}

// serveOperationalLogs downloads a workspace's operational log: the audit
// download's behaviour (errors, faults, rate limit, body shapes), with its
// own Accept version.
func (f *Fake) serveOperationalLogs(w http.ResponseWriter, r *http.Request, tenant string) {
	f.serveDownload(w, r, tenant, download{
		endpoint: "operationalLogs",
		versions: f.operationalVersions,
		source:   f.operationalSource,
		fileName: operationalFileName,
	})
}

// writeDownload writes a window's body; it reports whether the connection
// must be dropped (a cut body).
func (f *Fake) writeDownload(w http.ResponseWriter, r *http.Request, src LogFunc, name string, q Query, version string, d fault, rec *Request) bool {
	f.mu.Lock()
	body := f.cfg.Body
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.atlas."+version+"+gzip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.WriteHeader(http.StatusOK)
	rec.Status = http.StatusOK
	fw := &faultWriter{ctx: r.Context(), w: w, d: d}
	n, err := body.write(fw, src, q)
	if err == nil {
		err = fw.finish()
	}
	rec.Lines = n
	return errors.Is(err, http.ErrAbortHandler)
}

func (f *Fake) operationalVersions() (served, retired []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.cfg.OperationalVersions), nil
}

// operationalSource returns the workspace's operational lines as a
// LogFunc over a snapshot.
func (f *Fake) operationalSource(ws *workspace) LogFunc {
	f.mu.Lock()
	fn, lines := ws.opsFn, ws.ops
	f.mu.Unlock()
	if fn != nil {
		return fn
	}
	return sliceFunc(lines)
}

// operationalFileName is the name of an operational-log download, shaped
// like the audit log's.
func operationalFileName(workspace, processor string, q Query) string {
	return strings.TrimSuffix(fileName(workspace, processor, q), "_audit.log.gz") + "_operational.log.gz"
}

// sliceFunc serves lines sorted by time, filtered by the query.
func sliceFunc(lines []Line) LogFunc {
	return func(q Query, yield func([]byte) bool) {
		i := sort.Search(len(lines), func(i int) bool { return !lines[i].Time.Before(q.Start) })
		for ; i < len(lines) && lines[i].Time.Before(q.End); i++ {
			if q.Processor != "" && lines[i].Processor != q.Processor {
				continue
			}
			if !yield([]byte(lines[i].Text)) {
				return
			}
		}
	}
}
