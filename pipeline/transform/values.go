package transform

import (
	"bytes"
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
)

// keyIs reports whether the still-escaped string content k decodes to s.
func keyIs(k raw, s string) bool {
	if !k.esc {
		return string(k.b) == s
	}
	var buf [64]byte
	return string(unescape(buf[:0], k.b)) == s
}

// plain returns the decoded bytes of a string value, decoding only when the
// content holds escapes.
func plain(v raw) []byte {
	if !v.esc {
		return v.b
	}
	return unescape(nil, v.b)
}

// intValue reads an integer given as a JSON number (integral) or wrapped
// as {"$numberInt"|"$numberLong"|"$numberDouble": "..."}.
func (t *tape) intValue(v raw) (int64, bool) {
	switch v.kind {
	case kindNumber:
		return parseInt(v.b)
	case kindObject:
		m := t.objectMembers(v)
		key, inner, ok := m.next()
		if !ok || inner.kind != kindString || inner.esc {
			return 0, false
		}
		if _, _, more := m.next(); more {
			return 0, false
		}
		if keyIs(key, "$numberInt") || keyIs(key, "$numberLong") || keyIs(key, "$numberDouble") {
			return parseInt(inner.b)
		}
	}
	return 0, false
}

func parseInt(b []byte) (int64, bool) {
	if n, ok := parseSmallInt(b); ok {
		return n, true
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// parseIP returns the address in b when it is a valid ip, without its zone
// (the ip field type has none). Dotted IPv4 is parsed by hand because it is
// by far the most common and netip only takes a string.
func parseIP(b []byte) (netip.Addr, bool) {
	if a, ok := parseIPv4(b); ok {
		return a, true
	}
	if bytes.IndexByte(b, ':') < 0 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone(""), true
}

func parseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	part, i := 0, 0
	for part < 4 {
		start, v := i, 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-start < 3 {
			v = v*10 + int(b[i]-'0')
			i++
		}
		n := i - start
		if n == 0 || v > 255 || (n > 1 && b[start] == '0') {
			return netip.Addr{}, false
		}
		ip[part] = byte(v)
		part++
		if part < 4 {
			if i >= len(b) || b[i] != '.' {
				return netip.Addr{}, false
			}
			i++
		}
	}
	if i != len(b) {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}

// uuidText turns mongo's uuid value into text: a $binary of subtype 04
// holding 16 bytes becomes the canonical UUID text, any other $binary keeps
// its base64 text, {"$uuid": "..."} and plain strings are taken as they are.
func (t *tape) uuidText(dst []byte, v raw) ([]byte, bool) {
	if v.kind == kindString {
		return append(dst, plain(v)...), true
	}
	var b64, subtype []byte
	m := t.objectMembers(v)
	for key, val, ok := m.next(); ok; key, val, ok = m.next() {
		switch {
		case keyIs(key, "$binary") && val.kind == kindString:
			b64 = plain(val)
		case keyIs(key, "$binary") && val.kind == kindObject: // canonical extended JSON v2
			b64, subtype = t.binaryV2(val)
		case keyIs(key, "$type") && val.kind == kindString:
			subtype = plain(val)
		case keyIs(key, "$uuid") && val.kind == kindString:
			return append(dst, plain(val)...), true
		}
	}
	if b64 == nil {
		return dst, false
	}
	var bin [18]byte
	if base64.StdEncoding.DecodedLen(len(b64)) > len(bin) || !isUUIDSubtype(subtype) {
		return append(dst, b64...), true
	}
	n, err := base64.StdEncoding.Decode(bin[:], b64)
	if err != nil || n != 16 {
		return append(dst, b64...), true
	}
	return appendUUID(dst, bin[:16]), true
}

func (t *tape) binaryV2(v raw) (b64, subtype []byte) {
	m := t.objectMembers(v)
	for key, val, ok := m.next(); ok; key, val, ok = m.next() {
		if val.kind != kindString {
			continue
		}
		switch {
		case keyIs(key, "base64"):
			b64 = plain(val)
		case keyIs(key, "subType"):
			subtype = plain(val)
		}
	}
	return b64, subtype
}

func isUUIDSubtype(s []byte) bool {
	return string(s) == "04" || string(s) == "4"
}

func appendUUID(dst []byte, u []byte) []byte {
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}

// excerpt returns the start of a value's JSON text for an error message.
func excerpt(v raw) string {
	b := v.b
	const max = 64
	if len(b) > max {
		b = b[:max]
	}
	if v.kind == kindString {
		return `"` + string(b) + `"`
	}
	return string(b)
}

// parseSmallInt reads an optionally negative decimal integer of at most 18
// digits, the shape of nearly every number in an audit line, without
// strconv's generality.
func parseSmallInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
