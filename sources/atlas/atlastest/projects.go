package atlastest

import (
	"fmt"
	"net/http"
	"slices"
)

// orgID is the shape of an organisation id, as of a project id.
var orgID = groupID

// projectMeta is what the project listings say of a project.
type projectMeta struct {
	name string
	org  string
}

// AddOrgProject adds a project with no workspace to an organisation,
// under a display name; the project listings show it. Projects added
// otherwise (AddProject, AddWorkspace) belong to no organisation but are
// listed by GET /groups, named after their id.
func (f *Fake) AddOrgProject(org, project, name string) {
	f.AddProject(project)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.meta[project] = projectMeta{name: name, org: org}
}

// AddOrg makes an organisation known with no project yet, so that its
// listing answers an empty page instead of 404.
func (f *Fake) AddOrg(org string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.meta["org:"+org] = projectMeta{org: org}
}

// RemoveProject deletes a project with its workspaces, as deleting it in
// Atlas does: it leaves the listings, and its endpoints answer 404
// GROUP_NOT_FOUND.
func (f *Fake) RemoveProject(project string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m, ok := f.meta[project]; ok && m.org != "" {
		f.meta["org:"+m.org] = projectMeta{org: m.org}
	}
	delete(f.projects, project)
	delete(f.meta, project)
}

// projectItems returns the listing items of the projects of org (every
// project when org is empty), sorted by id, and whether the organisation
// is known.
func (f *Fake) projectItems(org string) ([]map[string]any, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, known := f.meta["org:"+org]
	ids := make([]string, 0, len(f.projects))
	for id := range f.projects {
		if m := f.meta[id]; org == "" || m.org == org {
			ids = append(ids, id)
			known = known || m.org == org
		}
	}
	slices.Sort(ids)
	items := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		m := f.meta[id]
		name := m.name
		if name == "" {
			name = id
		}
		items = append(items, map[string]any{"id": id, "name": name, "orgId": m.org, "clusterCount": 0, "created": "2026-01-01T00:00:00Z"})
	}
	return items, org == "" || known
}

// serveGroups is GET /api/atlas/v2/groups: every project the credentials
// see.
func (f *Fake) serveGroups(w http.ResponseWriter, r *http.Request) {
	rec := f.newRecord(r, "groups")
	defer func() { f.record(w, rec) }()
	f.serveProjectList(w, r, &rec, "")
}

// serveOrgGroups is GET /api/atlas/v2/orgs/{orgId}/groups: the projects
// of one organisation.
func (f *Fake) serveOrgGroups(w http.ResponseWriter, r *http.Request) {
	rec := f.newRecord(r, "orgGroups")
	rec.Org = r.PathValue("orgId")
	defer func() { f.record(w, rec) }()
	if !orgID.MatchString(rec.Org) {
		if f.authenticate(w, r, &rec) {
			rec.Status = http.StatusBadRequest
			writeError(w, rec.Status, "INVALID_ORG_ID", fmt.Sprintf("An invalid organization ID %s was specified.", rec.Org))
		}
		return
	}
	f.serveProjectList(w, r, &rec, rec.Org)
}

// serveProjectList answers one page of a project listing.
func (f *Fake) serveProjectList(w http.ResponseWriter, r *http.Request, rec *Request, org string) {
	if !f.authenticate(w, r, rec) {
		return
	}
	if _, rec.Status = checkVersion(w, r, "+json", f.versions); rec.Status != 0 {
		return
	}
	if rule := f.matchRule(rec.Endpoint, org, ""); rule != nil {
		rec.Status, rec.Fault = rule.Status, "inject"
		writeRule(w, rule)
		return
	}
	items, known := f.projectItems(org)
	if !known {
		rec.Status = http.StatusNotFound
		writeError(w, rec.Status, "ORG_NOT_FOUND", fmt.Sprintf("No organization with ID %s exists.", org))
		return
	}
	f.writeListing(w, r, rec, len(items), func(per, page int) any { return pageSlice(items, per, page) })
}

func pageSlice[T any](items []T, per, page int) []T {
	lo := min((page-1)*per, len(items))
	hi := min(lo+per, len(items))
	return slices.Clone(items[lo:hi])
}
