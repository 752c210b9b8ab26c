package jsontape

import (
	"encoding/binary"
	"slices"
	"unicode/utf8"
)

// ClassifyLine reports whether line is valid UTF-8 and whether it is also
// plain: free of bytes below 0x20. In a valid JSON line such bytes can only
// be whitespace between tokens (strings cannot hold them raw), so the
// escaped text of a plain, parsed line differs from the line only at the
// quotes of its strings and inside strings holding escapes, which the tape
// locates (see appendOriginal). One pass, 8 bytes at a time while the text
// is ASCII.
func ClassifyLine(line []byte) (validUTF8, plain bool) {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64(line[i:])
		if x&highs != 0 {
			break // not ASCII: the careful path below
		}
		// For ASCII bytes, a byte below 0x20 borrows into its high bit.
		if (x-0x20*ones)&^x&highs != 0 {
			return utf8.Valid(line[i:]), false
		}
	}
	plain = true
	for _, c := range line[i:] {
		if c < 0x20 {
			plain = false
			break
		}
	}
	validUTF8 = utf8.Valid(line[i:])
	return validUTF8, plain && validUTF8
}

// AppendOriginal appends the content of a JSON string holding t's line,
// which must be plain (see ClassifyLine) and parsed. Only the quotes of
// strings need a backslash, and the contents of strings holding escapes
// are escaped byte by byte; the runs between them are copied in 16-byte
// moves, which on lines as dense with quotes as audit lines costs far less
// than looking at every byte.
func (t *Tape) AppendOriginal(dst []byte) []byte {
	line := t.line
	// At most every byte doubles, and the 16-byte moves may write up to
	// 16 bytes past the end.
	dst = slices.Grow(dst, 2*len(line)+16)
	out := dst[len(dst) : len(dst)+2*len(line)+16]
	w, pos := 0, 0
	for i := range t.toks[:t.n] {
		tok := &t.toks[i]
		if tok.Kind != KindString {
			continue
		}
		s, e := int(tok.start), int(tok.end)
		w = copyRun(out, w, line, pos, s-1)
		out[w], out[w+1] = '\\', '"'
		w += 2
		if tok.Esc {
			w = escapeRun(out, w, line[s:e])
		} else {
			w = copyRun(out, w, line, s, e)
		}
		out[w], out[w+1] = '\\', '"'
		w += 2
		pos = e + 1
	}
	w = copyRun(out, w, line, pos, len(line))
	return dst[:len(dst)+w]
}

// copyRun copies line[from:to] to out[w:] and returns the new w. out must
// have 16 bytes of room past the copy.
func copyRun(out []byte, w int, line []byte, from, to int) int {
	for from+16 <= len(line) {
		*(*[16]byte)(out[w:]) = *(*[16]byte)(line[from:])
		if n := to - from; n <= 16 {
			return w + n
		}
		w += 16
		from += 16
	}
	return w + copy(out[w:], line[from:to])
}

// escapeRun writes the escaped form of a string's content holding escapes:
// a backslash before every backslash and quote.
func escapeRun(out []byte, w int, s []byte) int {
	for _, c := range s {
		if c == '\\' || c == '"' {
			out[w] = '\\'
			w++
		}
		out[w] = c
		w++
	}
	return w
}
