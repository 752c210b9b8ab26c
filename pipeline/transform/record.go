package transform

import (
	"bytes"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"net/netip"
	"time"
)

// member is one member of a JSON object, key and value raw.
type member struct {
	key raw
	val raw
}

// qname is a db-qualified name, "db.name", kept as two still-escaped parts.
// db is nil when the name has no database part.
type qname struct {
	db, name []byte
}

// splitQualified splits OCSF's "db.name" at its first dot: database names
// cannot contain dots, user and role names can.
func splitQualified(s []byte) qname {
	if i := bytes.IndexByte(s, '.'); i > 0 && i < len(s)-1 {
		return qname{db: s[:i], name: s[i+1:]}
	}
	return qname{name: s}
}

func (q qname) empty() bool { return len(q.name) == 0 }

// endpoint is one side of a connection.
type endpoint struct {
	address []byte // still-escaped ip text or unix socket path
	ip      netip.Addr
	// ipIsAddress says address is already the ip's canonical text (a
	// dotted IPv4 address as parseIPv4 accepts it), so the ip is written by
	// copying it rather than formatting ip.
	ipIsAddress bool
	port        int64
	hasPort     bool
	domain      []byte
	systemUser  int8 // 0 absent, 1 false, 2 true
}

// ipText is an ip with, when known, its canonical text.
type ipText struct {
	ip   netip.Addr
	text []byte
}

func (e *endpoint) ipText() ipText {
	if e.ipIsAddress {
		return ipText{ip: e.ip, text: e.address}
	}
	return ipText{ip: e.ip}
}

// appendTo appends the text of the valid ip a.ip, copying it when known
// (formatting it costs more than the rest of the endpoint).
func (a ipText) appendTo(dst []byte) []byte {
	if a.text != nil {
		return append(dst, a.text...)
	}
	return a.ip.AppendTo(dst)
}

func (e *endpoint) empty() bool {
	return e.address == nil && !e.hasPort && e.domain == nil && e.systemUser == 0
}

// optInt is an integer that may be absent.
type optInt struct {
	v  int64
	ok bool
}

// record is what the schema readers extract from a line and the encoder
// writes. Byte slices point into the line (still-escaped string contents or
// raw JSON) or into uuidBuf; a record is reused across lines.
type record struct {
	tp       *tape
	schema   string
	time     time.Time
	action   []byte
	outcome  string
	code     []byte
	reason   []byte
	severity optInt
	message  []byte
	user     qname
	target   qname
	actor    qname // OCSF actor, kept for related.user
	roles    []qname
	src, dst endpoint
	// mechanism is the authentication mechanism (mongo param.mechanism,
	// OCSF auth_protocol), still escaped.
	mechanism []byte

	mongo   mongoFields
	ocsf    ocsfFields
	related []qname
	// extra holds top-level members no field took, in line order.
	extra []member
	// codeBuf and actionBuf hold derived texts; they are pooled storage
	// rather than arrays in the record so that the record, which points
	// into them, can stay on the stack.
	codeBuf, actionBuf []byte
}

type mongoFields struct {
	atype         []byte
	result        optInt
	uuid          []byte
	param         raw
	users         []qname
	intermediates []endpoint
}

type ocsfFields struct {
	classUID, categoryUID, activityID, typeUID, severityID, statusID optInt

	authProtocol []byte
	userUID      []byte
	apiOperation []byte
	apiRequest   raw
	apiResponse  raw
	metadata     raw
	unmapped     raw
	correlation  []byte // metadata.correlation_uid: the client connection
	statusCode   []byte
	statusDetail []byte
	unmappedAtyp []byte
	respCode     raw
	respError    []byte
	respMessage  []byte
}

func hasBackslash(b []byte) bool { return bytes.IndexByte(b, '\\') >= 0 }

// addExtra records a member no field took; a repeated key replaces the
// earlier one so that the output never repeats a key.
func (r *record) addExtra(m member) {
	for i := range r.extra {
		if jsontape.SameKey(r.extra[i].key, m.key) {
			r.extra[i] = m
			return
		}
	}
	r.extra = append(r.extra, m)
}
