package atlastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Rule scripts an error answer. Rules are checked in the order injected,
// after authentication succeeded, before random faults.
type Rule struct {
	// Endpoint is "auditLogs", "operationalLogs", "streams", "groups",
	// "orgGroups" or "token"; empty matches the first three.
	Endpoint string
	// Project restricts a rule to one project (auditLogs,
	// operationalLogs, streams) or one organisation (orgGroups).
	Project string
	// Workspace restricts a download rule to one workspace.
	Workspace string
	Status    int
	ErrorCode string
	Detail    string
	// RetryAfter is sent as the Retry-After header when not empty.
	RetryAfter string
	// Times is how many requests the rule answers; zero means all.
	Times int
	// HTML, when set, is answered as an HTML page (text/html) with Status
	// instead of Atlas's JSON error: a proxy or captive portal (html.go).
	HTML string

	used int
}

// Inject adds a scripted error answer.
func (f *Fake) Inject(r Rule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &r)
}

// ClearRules removes every scripted answer.
func (f *Fake) ClearRules() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// perProject are the endpoints a Rule without Endpoint matches.
var perProject = map[string]bool{"auditLogs": true, "operationalLogs": true, "streams": true}

// matchRule returns the scripted answer for a request, if any, counting it.
func (f *Fake) matchRule(endpoint, project, workspace string) *Rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rules {
		if r.Times > 0 && r.used >= r.Times {
			continue
		}
		if r.Endpoint != "" && r.Endpoint != endpoint || r.Endpoint == "" && !perProject[endpoint] {
			continue
		}
		if r.Workspace != "" && r.Workspace != workspace || r.Project != "" && r.Project != project {
			continue
		}
		r.used++
		c := *r
		return &c
	}
	return nil
}

// writeError answers with Atlas's error body.
func writeError(w http.ResponseWriter, status int, code, detail string) {
	writeErrorParams(w, status, code, detail, []any{})
}

// writeErrorParams answers with Atlas's error body and its parameters.
func writeErrorParams(w http.ResponseWriter, status int, code, detail string, params []any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Error-Code", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"detail":     detail,
		"error":      status,
		"errorCode":  code,
		"parameters": params,
		"reason":     http.StatusText(status),
	})
}

func writeRule(w http.ResponseWriter, r *Rule) {
	if r.HTML != "" {
		writeHTML(w, r)
		return
	}
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	detail := r.Detail
	if detail == "" {
		detail = fmt.Sprintf("Injected %d answer.", r.Status)
	}
	writeError(w, r.Status, r.ErrorCode, detail)
}

// versionOf reads the version from an Accept header such as
// application/vnd.atlas.2023-02-01+gzip; empty when absent.
func versionOf(accept, suffix string) string {
	for _, part := range strings.Split(accept, ",") {
		part = strings.TrimSpace(strings.Split(part, ";")[0])
		if v, ok := strings.CutPrefix(part, "application/vnd.atlas."); ok {
			if v, ok := strings.CutSuffix(v, suffix); ok {
				return v
			}
		}
	}
	return ""
}

// checkVersion answers 406 or 410 unless the request asks for a served
// version; it returns the version, or the status it answered.
func checkVersion(w http.ResponseWriter, r *http.Request, suffix string, versions func() (served, retired []string)) (string, int) {
	v := versionOf(r.Header.Get("Accept"), suffix)
	served, retired := versions()
	for _, s := range served {
		if v == s {
			return v, 0
		}
	}
	for _, s := range retired {
		if v == s {
			writeError(w, http.StatusGone, "API_VERSION_GONE", fmt.Sprintf("API version %s has been retired.", v))
			return "", http.StatusGone
		}
	}
	writeError(w, http.StatusNotAcceptable, "NOT_ACCEPTABLE", fmt.Sprintf("Invalid Accept header %q: the resource serves application/vnd.atlas.{%s}%s.", r.Header.Get("Accept"), strings.Join(served, ","), suffix))
	return "", http.StatusNotAcceptable
}
