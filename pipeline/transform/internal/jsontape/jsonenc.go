package jsontape

import (
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// noEscape marks the ASCII bytes a JSON string holds as they are.
var noEscape = func() (t [256]bool) {
	for i := 0x20; i < utf8.RuneSelf; i++ {
		t[i] = i != '"' && i != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// noEscapeUTF8 is noEscape for text known to be valid UTF-8: bytes of
// multi-byte sequences are copied as they are.
var noEscapeUTF8 = func() (t [256]bool) {
	t = noEscape
	for i := utf8.RuneSelf; i < 256; i++ {
		t[i] = true
	}
	return t
}()

// AppendString appends s as a quoted JSON string. Control characters are
// escaped and every byte that is not part of valid UTF-8 becomes U+FFFD,
// as encoding/json does, so the result is always valid JSON and valid UTF-8.
func AppendString(dst []byte, s []byte) []byte {
	dst = append(dst, '"')
	if utf8.Valid(s) {
		dst = AppendValidStringContent(dst, s)
	} else {
		dst = AppendStringContent(dst, s)
	}
	return append(dst, '"')
}

// AppendValidStringContent escapes s, known to be valid UTF-8. It writes
// byte by byte into reserved space: a JSON line is dense with quotes, and
// copying the runs between them with append costs more than the copy (so
// does testing 8 bytes at a time, measured on the benchmark corpus).
func AppendValidStringContent(dst []byte, s []byte) []byte {
	for len(s) > 0 {
		// Room for every byte escaped as two, the usual worst case.
		dst = slices.Grow(dst, 2*len(s))
		n := len(dst)
		out := dst[n : n+2*len(s)]
		w, i := 0, 0
		for ; i < len(s); i++ {
			c := s[i]
			if noEscapeUTF8[c] {
				out[w] = c
				w++
				continue
			}
			if c == '"' || c == '\\' {
				out[w], out[w+1] = '\\', c
				w += 2
				continue
			}
			break // a control character: escaped below, with room to spare
		}
		dst = dst[:n+w]
		if i == len(s) {
			return dst
		}
		dst = appendEscapedASCII(dst, s[i])
		s = s[i+1:]
	}
	return dst
}

// AppendStringContent appends the escaped content of s, without quotes,
// repairing invalid UTF-8.
func AppendStringContent(dst []byte, s []byte) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if noEscape[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscapedASCII(dst, c)
		i++
		start = i
	}
	return append(dst, s[start:]...)
}

func appendEscapedASCII(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// AppendRawText appends JSON text that is already valid JSON (a raw value
// or a still-escaped string content from the line). When the line is not
// clean it is repaired on the way: bytes that are not valid UTF-8 and
// escapes of unpaired surrogates become U+FFFD, so that strict readers
// accept the document. Outside strings JSON holds only ASCII and no
// backslash, so the repair can only touch string contents.
func AppendRawText(dst []byte, b []byte, clean bool) []byte {
	if clean {
		return append(dst, b...)
	}
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\' && b[i+1] == 'u':
			if r := decodeHex4(b[i+2:]); utf16.IsSurrogate(r) {
				if i+12 <= len(b) && b[i+6] == '\\' && b[i+7] == 'u' && utf16.DecodeRune(r, decodeHex4(b[i+8:])) != utf8.RuneError {
					i += 12 // a valid pair
					continue
				}
				dst = append(dst, b[start:i]...)
				dst = append(dst, `\ufffd`...)
				i += 6
				start = i
				continue
			}
			i += 6
		case c == '\\':
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			dst = append(dst, b[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
		}
	}
	return append(dst, b[start:]...)
}

// Unescape appends the decoded form of a validated, still-escaped string
// content. Unpaired surrogates become U+FFFD, as encoding/json does.
func Unescape(dst []byte, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		switch s[i+1] {
		case 'u':
			r := decodeHex4(s[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2 = decodeHex4(s[i+2:])
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
			continue
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		default: // '"', '\\', '/'
			dst = append(dst, s[i+1])
		}
		i += 2
	}
	return dst
}

func decodeHex4(h []byte) rune {
	var r rune
	for _, c := range h[:4] {
		r = r<<4 | rune(hexVal(c))
	}
	return r
}

// AppendStringValue is AppendString for a Go string; strings that need no
// escaping (the usual window names) are copied without conversion.
func AppendStringValue(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !noEscape[s[i]] {
			return AppendString(dst, []byte(s))
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// AppendRawValue writes a raw value back as JSON, re-quoting strings.
func AppendRawValue(dst []byte, v Value, clean bool) []byte {
	if v.Kind != KindString {
		return AppendRawText(dst, v.Text, clean)
	}
	dst = append(dst, '"')
	dst = AppendRawText(dst, v.Text, clean)
	return append(dst, '"')
}
