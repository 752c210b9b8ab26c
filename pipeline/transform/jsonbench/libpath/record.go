package libpath

import (
	"net/netip"
	"strings"
	"time"
)

// qname is a db-qualified name; db is "" when the name has none.
type qname struct{ db, name string }

func (q qname) empty() bool { return q.name == "" }

func (q qname) text() string {
	if q.db != "" {
		return q.db + "." + q.name
	}
	return q.name
}

// splitQualified splits OCSF's "db.name" at its first dot.
func splitQualified(s string) qname {
	if i := strings.IndexByte(s, '.'); i > 0 && i < len(s)-1 {
		return qname{db: s[:i], name: s[i+1:]}
	}
	return qname{name: s}
}

// endpoint is one side of a connection.
type endpoint struct {
	address    *string
	ip         netip.Addr
	port       int64
	hasPort    bool
	domain     *string
	systemUser int8 // 0 absent, 1 false, 2 true
}

func (e *endpoint) empty() bool {
	return e.address == nil && !e.hasPort && e.domain == nil && e.systemUser == 0
}

type optInt struct {
	v  int64
	ok bool
}

type member struct {
	key string
	val raw
}

// record is what the schema readers take from a line.
type record struct {
	reader
	schema    string
	time      time.Time
	action    *string
	outcome   string
	code      *string
	reason    *string
	severity  optInt
	message   *string
	user      qname
	target    qname
	actor     qname
	roles     []qname
	src, dst  endpoint
	mechanism *string
	mongo     mongoFields
	ocsf      ocsfFields
	extra     []member
}

type mongoFields struct {
	atype         *string
	result        optInt
	uuid          *string
	param         raw
	users         []qname
	intermediates []endpoint
}

type ocsfFields struct {
	classUID, categoryUID, activityID, typeUID, severityID, statusID optInt

	authProtocol *string
	userUID      *string
	apiOperation *string
	apiRequest   raw
	apiResponse  raw
	metadata     raw
	unmapped     raw
	correlation  *string
	statusCode   *string
	statusDetail *string
	unmappedAtyp *string
	respCode     raw
	respError    *string
	respMessage  *string
}

func ptr(s string) *string { return &s }

// setString takes a string value.
func (d reader) setString(dst **string, v raw) bool {
	s, ok := d.str(v)
	if ok {
		*dst = &s
	}
	return ok
}

// stringMember returns obj.<name> when it is a string.
func (d reader) stringMember(obj map[string]raw, name string) *string {
	if s, ok := d.str(obj[name]); ok {
		return &s
	}
	return nil
}

// nonEmpty returns obj.<name> when it is a non-empty string.
func (d reader) nonEmpty(obj map[string]raw, name string) string {
	s, _ := d.str(obj[name])
	return s
}
