// Package atlastest is a fake Atlas Admin API for tests and demos: the
// audit-log download and the workspace list of Atlas Stream Processing,
// behind both kinds of authentication, as shared/atlas-api.md describes
// them.
//
// Fake is an http.Handler; NewServer runs one on a loopback httptest
// server. It serves windows from lines given to AddWorkspace (GenerateLines
// makes realistic ones) or produced on the fly by AddWorkspaceFunc,
// filtered by event time into [startDate, endDate) and by spName; it
// answers gzip bodies in the shapes Atlas may use (one member, several
// members, a tar inside the gzip, the 23-byte empty member or a 0-byte body
// for empty windows); it checks service account tokens issued by its token
// endpoint (HTTP Basic client authentication) and API keys by a real HTTP
// Digest challenge (realm "MMS Public API", MD5, qop "auth"); it answers
// errors with Atlas's JSON body and X-Error-Code header, either scripted
// (Inject) or random (Faults: 429 with and without Retry-After, 503, bodies
// cut off, slow or stalled); and it records every request (Requests).
//
// Config.RateLimit adds Atlas's real rate limit (off by default;
// AtlasRateLimit gives 1200 tokens refilled by 500 every 60 s): a token
// bucket per project shared by the workspace list and the audit-log
// download, refilled in steps. An authenticated request takes a token, and
// one that finds the bucket empty is answered 429 RATE_LIMITED_TOKEN_BUCKET
// with Retry-After (whole seconds until the next refill, rounded up),
// RateLimit-Limit, RateLimit-Remaining and Atlas's detail text ("Rate limit
// exceeded for ... Please retry after 55 seconds. ..."). TakeTokens drains
// a bucket as the project's other clients would. Scale the bucket down (a
// capacity of 20, refilled by 10 every second) to meet it in tests within
// seconds.
//
// Beside the audit log the fake serves the operational-log download
// (/streams/{tenantName}:downloadOperationalLogs, only with its own Accept
// version 2025-03-12; any other answers 406 as Atlas does) from lines given
// to AddOperationalLines or AddOperationalFunc (OperationalGenerator makes
// the three shapes to expect: mongod-style structured JSON, other JSON and
// plain text), and the project listings of an organisation
// (/orgs/{orgId}/groups, AddOrgProject) and of the credentials (/groups),
// paginated like the workspace list, whose items carry dataProcessRegion.
// RemoveProject deletes a project as Atlas does.
//
// Ingestion is a log that keeps growing while it is read, as a live
// workspace's does, with a share of its events published up to a delay
// late (Atlas publishes events up to five minutes late): a download serves
// what was published when it arrived (Query.At), so a client that reads a
// window too early misses events that a later read finds. Stop ends it.
//
// Error codes for 406 and 410 are not publicly documented; the fake uses
// NOT_ACCEPTABLE and API_VERSION_GONE.
package atlastest
