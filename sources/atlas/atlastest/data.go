package atlastest

import (
	"slices"
	"sort"
	"time"
)

// Line is one audit log line.
type Line struct {
	// Time is the event's time; it decides which windows hold the line.
	Time time.Time
	// Processor is the stream processor the line is about, matched by
	// spName; empty for workspace-level events such as authentication.
	Processor string
	// Text is the line without its line ending.
	Text string
}

// Query is what a download asked for.
type Query struct {
	Start, End time.Time // [Start, End)
	Processor  string    // spName; empty for every processor
	// At is when the request arrived: a log that grows while it is read
	// (Ingestion) serves what was published by then, the same each time
	// the query is read.
	At time.Time
}

// LogFunc produces the lines of a query on the fly, in any order, calling
// yield for each line (without line ending) until it returns false. Lines
// must not be retained by yield's caller. A LogFunc must give the same
// lines for the same query each time (the tar body shape reads it twice).
type LogFunc func(q Query, yield func(line []byte) bool)

type workspace struct {
	lines []Line // sorted by time; nil when fn is set
	fn    LogFunc
	// ops and opsFn are the operational log, as lines and fn are the
	// audit log.
	ops   []Line
	opsFn LogFunc
}

// AddWorkspace adds (or replaces) a workspace serving lines. The slice is
// copied.
func (f *Fake) AddWorkspace(project, name string, lines []Line) {
	ls := slices.Clone(lines)
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Time.Before(ls[j].Time) })
	f.putWorkspace(project, name, &workspace{lines: ls})
}

// AddWorkspaceFunc adds (or replaces) a workspace whose lines fn produces.
func (f *Fake) AddWorkspaceFunc(project, name string, fn LogFunc) {
	f.putWorkspace(project, name, &workspace{fn: fn})
}

// RemoveWorkspace deletes a workspace, as deleting it in Atlas does: it
// leaves the list, and its audit logs answer 404
// STREAM_TENANT_NOT_FOUND_FOR_NAME. The project stays.
func (f *Fake) RemoveWorkspace(project, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.projects[project], name)
}

// AddProject adds a project with no workspace (a project that exists but
// has nothing to list).
func (f *Fake) AddProject(project string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.projects[project] == nil {
		f.projects[project] = map[string]*workspace{}
	}
}

func (f *Fake) putWorkspace(project, name string, ws *workspace) {
	f.AddProject(project)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.projects[project][name] = ws
}

// Lines returns the lines of a workspace given by AddWorkspace, including
// those added by AuditAccess.
func (f *Fake) Lines(project, name string) []Line {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ws := f.projects[project][name]; ws != nil {
		return slices.Clone(ws.lines)
	}
	return nil
}

// lookup returns the project's existence and the workspace (nil if absent).
func (f *Fake) lookup(project, name string) (bool, *workspace) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.projects[project]
	return ok, p[name]
}

// workspaceNames returns the project's workspaces sorted, and whether the
// project exists.
func (f *Fake) workspaceNames(project string) ([]string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.projects[project]
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, ok
}

// source returns the workspace's lines as a LogFunc over a snapshot, so
// that reading it twice gives the same lines.
func (f *Fake) source(ws *workspace) LogFunc {
	if ws.fn != nil {
		return ws.fn
	}
	f.mu.Lock()
	lines := ws.lines // replaced, never modified, once set
	f.mu.Unlock()
	return sliceFunc(lines)
}

// appendAccess adds an "audit log accessed" line to a slice workspace.
func (f *Fake) appendAccess(ws *workspace, l Line) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ws.fn == nil {
		i := sort.Search(len(ws.lines), func(i int) bool { return ws.lines[i].Time.After(l.Time) })
		ws.lines = slices.Insert(slices.Clone(ws.lines), i, l)
	}
}
