package transform

import (
	"bytes"
	"encoding/base64"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"net/netip"
)

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
	if v.Kind == jsontape.KindString {
		return append(dst, jsontape.Plain(v)...), true
	}
	var b64, subtype []byte
	m := t.Members(v)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		switch {
		case jsontape.KeyIs(key, "$binary") && val.Kind == jsontape.KindString:
			b64 = jsontape.Plain(val)
		case jsontape.KeyIs(key, "$binary") && val.Kind == jsontape.KindObject: // canonical extended JSON v2
			b64, subtype = t.binaryV2(val)
		case jsontape.KeyIs(key, "$type") && val.Kind == jsontape.KindString:
			subtype = jsontape.Plain(val)
		case jsontape.KeyIs(key, "$uuid") && val.Kind == jsontape.KindString:
			return append(dst, jsontape.Plain(val)...), true
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
	m := t.Members(v)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		if val.Kind != jsontape.KindString {
			continue
		}
		switch {
		case jsontape.KeyIs(key, "base64"):
			b64 = jsontape.Plain(val)
		case jsontape.KeyIs(key, "subType"):
			subtype = jsontape.Plain(val)
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

const hexDigits = "0123456789abcdef"
