package atlas

import "fmt"

// callInfo is what a hint may mention about a call.
type callInfo struct {
	kind       CredentialKind
	identity   string // client id or public key: never a secret
	project    string
	workspace  string
	apiVersion string
	// versionKey is apiVersion's configuration key, documented the
	// version the specification declares, log what the call downloads;
	// empty means the audit log's.
	versionKey, documented, log string
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// hint says what the user can do about an error answer; empty when nothing
// specific helps.
func hint(e *APIError, c callInfo) string {
	switch e.Status {
	case 400:
		return fmt.Sprintf("Atlas refused the request's parameters; check the time range or the %s parameter", e.badParameter())
	case 401:
		return unauthorizedHint(c)
	case 403:
		return forbiddenHint(e, c)
	case 404:
		switch e.ErrorCode {
		case "STREAM_TENANT_NOT_FOUND_FOR_NAME":
			return fmt.Sprintf("check the workspace name %q (names are case-sensitive); leave the project's workspace list empty to fetch every workspace it has", c.workspace)
		case "GROUP_NOT_FOUND":
			return fmt.Sprintf("check the project id %s", c.project)
		}
		return fmt.Sprintf("check the project id %s and the workspace name %q", c.project, c.workspace)
	case 406:
		return fmt.Sprintf("the server does not know %s %s: set it to one it serves (%s is the version documented for this endpoint)", orDefault(c.versionKey, "api_version"), c.apiVersion, orDefault(c.documented, "2023-02-01"))
	case 410:
		return fmt.Sprintf("%s %s is retired: set %[1]s to a current version", orDefault(c.versionKey, "api_version"), c.apiVersion)
	case 429:
		return "the project's Atlas rate limit is spent; aspaudit waits and retries, lower atlas.bucket.share if other clients of the project need more of it"
	}
	return ""
}

func unauthorizedHint(c callInfo) string {
	if c.kind == ServiceAccount {
		return fmt.Sprintf("Atlas refused the service account %s even with a new token: check client_secret, that the secret has not expired, and that the account belongs to the organization of project %s", c.identity, c.project)
	}
	return fmt.Sprintf("Atlas refused the programmatic API key %s: check private_key and that the key has access to project %s", c.identity, c.project)
}

func (e *APIError) badParameter() string {
	switch e.ErrorCode {
	case "START_DATE_AFTER_END_DATE", "FRACTIONAL_TIMESTAMP", "INVALID_DATE_RANGE":
		return "startDate/endDate"
	}
	return "spName"
}

// forbiddenHint tells the access list apart from a missing role: Atlas
// answers the same status for both.
func forbiddenHint(e *APIError, c callInfo) string {
	switch e.ErrorCode {
	case "IP_ADDRESS_NOT_ON_ACCESS_LIST", "IP_ADDRESS_NOT_ON_WHITELIST":
		return fmt.Sprintf("add this machine's public IP address to the API access list of the %s %s (a role change does not help)", c.kind, c.identity)
	case "ORG_REQUIRES_ACCESS_LIST":
		return fmt.Sprintf("the organization requires an API access list: give the %s %s one that includes this machine's public IP address", c.kind, c.identity)
	}
	if c.workspace == "" {
		return fmt.Sprintf("the %s %s needs a role on project %s that may list its stream processing workspaces, such as Project Read Only", c.kind, c.identity, c.project)
	}
	return fmt.Sprintf("the %s %s needs a role on project %s that may read stream processing %ss, such as Project Data Access Read Only or Project Stream Processing Owner", c.kind, c.identity, c.project, orDefault(c.log, "audit log"))
}
