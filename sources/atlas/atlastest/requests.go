package atlastest

import (
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Request is one request the fake received, recorded once answered.
type Request struct {
	Time   time.Time // arrival
	Method string
	Path   string // escaped, as sent
	Query  url.Values
	Accept string
	// Endpoint is "token", "streams", "auditLogs", "operationalLogs",
	// "groups", "orgGroups" or "other".
	Endpoint string
	// Auth is how the request authenticated: "bearer", "digest", "basic"
	// (token endpoint), or "" for none (a Digest challenge leg).
	Auth string
	// Authenticated reports whether the credentials were accepted.
	Authenticated bool
	Project       string
	Org           string // orgGroups' organisation
	Workspace     string // unescaped
	Processor     string // spName
	Status        int
	// Fault names the random fault applied: "throttle", "throttle-bare",
	// "unavailable", "cut", "stall", "slow", or "" for none; scripted
	// errors are "inject", and 429s of the project's empty token bucket
	// (Config.RateLimit) "rate-limit".
	Fault string
	// RetryAfter is the Retry-After header the answer carried, if any.
	RetryAfter string
	// Lines is the number of lines put in the body (before a cut).
	Lines int
}

// Requests returns a copy of the request log, in arrival order of
// completion.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

// ResetRequests empties the request log.
func (f *Fake) ResetRequests() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = nil
}

// record logs a request with the Retry-After of its answer (w's header).
func (f *Fake) record(w http.ResponseWriter, r Request) {
	r.RetryAfter = w.Header().Get("Retry-After")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r)
}
