package atlastest

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// serveStreams is GET /api/atlas/v2/groups/{groupId}/streams: the
// project's workspaces, sorted by name, paginated by itemsPerPage (default
// 100, capped at Config.MaxItemsPerPage) and pageNum (from 1).
func (f *Fake) serveStreams(w http.ResponseWriter, r *http.Request) {
	rec := f.newRecord(r, "streams")
	defer func() { f.record(w, rec) }()
	if !f.authenticate(w, r, &rec) || !f.admit(w, &rec) {
		return
	}
	if !groupID.MatchString(rec.Project) {
		rec.Status = http.StatusBadRequest
		writeError(w, rec.Status, "INVALID_GROUP_ID", fmt.Sprintf("An invalid group ID %s was specified.", rec.Project))
		return
	}
	if _, rec.Status = checkVersion(w, r, "+json", f.versions); rec.Status != 0 {
		return
	}
	names, exists := f.workspaceNames(rec.Project)
	if !exists {
		rec.Status = http.StatusNotFound
		writeError(w, rec.Status, "GROUP_NOT_FOUND", fmt.Sprintf("No group with ID %s exists.", rec.Project))
		return
	}
	if rule := f.matchRule("streams", rec.Project, ""); rule != nil {
		rec.Status, rec.Fault = rule.Status, "inject"
		writeRule(w, rule)
		return
	}
	f.writeListing(w, r, &rec, len(names), func(per, page int) any { return pageOf(rec.Project, names, per, page) })
}

// writeListing answers one page of a paginated listing of total items
// (itemsPerPage, pageNum; results, totalCount), or 400 for paging
// parameters that are not positive integers, as Atlas does.
func (f *Fake) writeListing(w http.ResponseWriter, r *http.Request, rec *Request, total int, results func(per, page int) any) {
	per, page, ok := pageParams(r, f.cfg.MaxItemsPerPage)
	if !ok {
		rec.Status = http.StatusBadRequest
		writeError(w, rec.Status, "INVALID_QUERY_PARAMETER", "itemsPerPage and pageNum must be positive integers.")
		return
	}
	rec.Status = http.StatusOK
	w.Header().Set("Content-Type", "application/vnd.atlas.2023-02-01+json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"links":      []any{map[string]string{"href": "http://" + r.Host + r.URL.RequestURI(), "rel": "self"}},
		"results":    results(per, page),
		"totalCount": total,
	})
}

func pageParams(r *http.Request, maxPer int) (per, page int, ok bool) {
	per, page = 100, 1
	for _, p := range []struct {
		name string
		dst  *int
	}{{"itemsPerPage", &per}, {"pageNum", &page}} {
		if v := r.URL.Query().Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return 0, 0, false
			}
			*p.dst = n
		}
	}
	return min(per, maxPer), page, true
}

func pageOf(project string, names []string, per, page int) []map[string]any {
	out := []map[string]any{}
	for i := (page - 1) * per; i < len(names) && i < page*per; i++ {
		sum := sha1.Sum([]byte(project + "/" + names[i]))
		out = append(out, map[string]any{
			"_id":               hex.EncodeToString(sum[:12]),
			"name":              names[i],
			"groupId":           project,
			"hostnames":         []string{fmt.Sprintf("atlas-stream-%s.virginia-usa.a.query.mongodb.net", hex.EncodeToString(sum[:6]))},
			"dataProcessRegion": map[string]string{"cloudProvider": "AWS", "region": "VIRGINIA_USA"},
			"streamConfig":      map[string]string{"tier": "SP30"},
		})
	}
	return out
}
