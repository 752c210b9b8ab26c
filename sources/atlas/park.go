package atlas

import "net/http"

// ParkReason says whether the answer means that the series cannot be
// fetched until something changes outside aspaudit, and why: the
// credentials ("unauthorized"), a role or the API access list
// ("forbidden"), a project or workspace deleted or misspelt
// ("not_found"), an api_version the server does not serve
// ("api_version"). It is "" for answers a retry may cure. The engine
// parks such series instead of retrying them (see ingest.ParkReasoner).
func (e *APIError) ParkReason() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusNotAcceptable, http.StatusGone:
		return "api_version"
	}
	return ""
}
