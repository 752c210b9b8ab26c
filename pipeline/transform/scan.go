package transform

import (
	"fmt"
)

// kind is the JSON type of a value.
type kind uint8

const (
	kindNone kind = iota
	kindString
	kindNumber
	kindObject
	kindArray
	kindTrue
	kindFalse
	kindNull
)

// maxDepth bounds nesting, like encoding/json, so that hostile lines cannot
// exhaust the stack.
const maxDepth = 10000

// token is one JSON value of the line on the tape: strings (keys included)
// span their content between the quotes, other values their whole text.
// next is the index of the token after the value and everything inside it.
type token struct {
	start, end int32
	next       int32
	kind       kind
	esc        bool // a string holding backslash escapes
}

// tape is a validated line as a flat list of tokens in document order, so
// that finding a member never scans bytes again. It holds no pointers but
// the line's.
type tape struct {
	line []byte
	// toks[:n] are the tokens. Tokens are stored by index rather than
	// appended so that filling a pooled tape writes no pointer, which would
	// cost a write barrier while the garbage collector runs.
	toks []token
	n    int
	// loneSurrogate says a string escapes half of a UTF-16 surrogate pair,
	// which strict JSON readers refuse: raw parts need repair when copied.
	loneSurrogate bool
	// dupKeys says an object may repeat a key, which Elasticsearch refuses:
	// raw parts must then be copied without the repeats.
	dupKeys bool
}

// syntaxError says where and why a line is not valid JSON.
type syntaxError struct {
	msg string
	off int
}

func (e *syntaxError) Error() string { return fmt.Sprintf("invalid json at byte %d: %s", e.off, e.msg) }

// ws marks JSON whitespace.
var ws = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// strPlain marks bytes a string can hold without ending or escaping: everything
// but '"', '\\' and control characters.
var strPlain = func() (t [256]bool) {
	for i := 0x20; i < 256; i++ {
		t[i] = i != '"' && i != '\\'
	}
	return t
}()

func skipWS(d []byte, i int) int {
	for i < len(d) && ws[d[i]] {
		i++
	}
	return i
}

// parse validates line as one JSON value and fills the tape.
func (t *tape) parse(line []byte) error {
	if len(line) > 1<<31-1 {
		return &syntaxError{"line longer than 2 GiB", 0}
	}
	t.line, t.n, t.loneSurrogate, t.dupKeys = line, 0, false, false
	if want := len(line)/8 + 16; len(t.toks) < want {
		t.toks = make([]token, want)
	}
	i := skipWS(line, 0)
	end, err := t.value(i, 0)
	if err != nil {
		return err
	}
	if end = skipWS(line, end); end != len(line) {
		return &syntaxError{"data after the json value", end}
	}
	return nil
}

// value validates the value starting at d[i] (no leading whitespace),
// appends its tokens and returns the index just past it.
func (t *tape) value(i, depth int) (int, error) {
	d := t.line
	if i >= len(d) {
		return i, &syntaxError{"unexpected end of input", i}
	}
	switch c := d[i]; {
	case c == '"':
		return t.str(i)
	case c == '{':
		return t.container(i, depth+1, kindObject)
	case c == '[':
		return t.container(i, depth+1, kindArray)
	case c == '-' || (c >= '0' && c <= '9'):
		end, err := scanNumber(d, i)
		t.push(i, end, kindNumber, false)
		return end, err
	case c == 't':
		return t.literal(i, "true", kindTrue)
	case c == 'f':
		return t.literal(i, "false", kindFalse)
	case c == 'n':
		return t.literal(i, "null", kindNull)
	default:
		return i, &syntaxError{fmt.Sprintf("unexpected character %q", c), i}
	}
}

func (t *tape) push(start, end int, k kind, esc bool) {
	if t.n == len(t.toks) {
		t.toks = append(t.toks, make([]token, len(t.toks)+16)...)
	}
	t.toks[t.n] = token{start: int32(start), end: int32(end), next: int32(t.n + 1), kind: k, esc: esc}
	t.n++
}

func (t *tape) literal(i int, lit string, k kind) (int, error) {
	d := t.line
	if len(d)-i < len(lit) || string(d[i:i+len(lit)]) != lit {
		return i, &syntaxError{"invalid literal", i}
	}
	t.push(i, i+len(lit), k, false)
	return i + len(lit), nil
}

// str validates the string whose opening quote is d[i]. UTF-8 validity is
// checked per line, elsewhere.
func (t *tape) str(i int) (int, error) {
	d := t.line
	esc := false
	highEnd := -1 // end of a \u escape of a high surrogate awaiting its pair
	j := i + 1
	for {
		for j < len(d) && strPlain[d[j]] {
			j++
		}
		if j >= len(d) {
			return j, &syntaxError{"unterminated string", i}
		}
		switch d[j] {
		case '"':
			if highEnd >= 0 {
				t.loneSurrogate = true
			}
			t.push(i+1, j, kindString, esc)
			return j + 1, nil
		case '\\':
			esc = true
			n, err := scanEscape(d, j)
			if err != nil {
				return n, err
			}
			highEnd = t.checkSurrogate(d, j, n, highEnd)
			j = n
		default:
			return j, &syntaxError{"control character in string", j}
		}
	}
}

// checkSurrogate notes a surrogate escape at d[j:n] that lacks its other
// half and returns the new highEnd (see str).
func (t *tape) checkSurrogate(d []byte, j, n, highEnd int) int {
	if n-j != 6 {
		if highEnd >= 0 {
			t.loneSurrogate = true
		}
		return -1
	}
	r := decodeHex4(d[j+2:])
	low := r >= 0xdc00 && r <= 0xdfff
	if highEnd >= 0 && !(highEnd == j && low) || highEnd < 0 && low {
		t.loneSurrogate = true
	}
	if r >= 0xd800 && r <= 0xdbff {
		return n
	}
	return -1
}

// scanEscape validates the escape sequence at d[j] == '\\'.
func scanEscape(d []byte, j int) (int, error) {
	if j+1 >= len(d) {
		return j, &syntaxError{"unterminated escape", j}
	}
	switch d[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, nil
	case 'u':
		if j+6 > len(d) {
			return j, &syntaxError{"short unicode escape", j}
		}
		for _, h := range d[j+2 : j+6] {
			if hexVal(h) < 0 {
				return j, &syntaxError{"invalid unicode escape", j}
			}
		}
		return j + 6, nil
	default:
		return j, &syntaxError{"invalid escape", j}
	}
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// scanNumber validates a number by the JSON grammar.
func scanNumber(d []byte, i int) (int, error) {
	j := i
	if d[j] == '-' {
		j++
	}
	switch {
	case j < len(d) && d[j] == '0':
		j++
	case j < len(d) && d[j] >= '1' && d[j] <= '9':
		j = digits(d, j)
	default:
		return j, &syntaxError{"invalid number", i}
	}
	if j < len(d) && d[j] == '.' {
		k := digits(d, j+1)
		if k == j+1 {
			return k, &syntaxError{"invalid number fraction", i}
		}
		j = k
	}
	if j < len(d) && (d[j] == 'e' || d[j] == 'E') {
		j++
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		k := digits(d, j)
		if k == j {
			return k, &syntaxError{"invalid number exponent", i}
		}
		j = k
	}
	return j, nil
}

func digits(d []byte, j int) int {
	for j < len(d) && d[j] >= '0' && d[j] <= '9' {
		j++
	}
	return j
}

// container validates an object or array starting at d[i].
func (t *tape) container(i, depth int, k kind) (int, error) {
	if depth > maxDepth {
		return i, &syntaxError{"exceeded max nesting depth", i}
	}
	self := t.n
	t.push(i, i, k, false)
	closer := byte(']')
	if k == kindObject {
		closer = '}'
	}
	d := t.line
	j := skipWS(d, i+1)
	if j < len(d) && d[j] == closer {
		return t.closeContainer(self, j+1), nil
	}
	for nkeys := 0; ; nkeys++ {
		var err error
		if k == kindObject {
			j, err = t.key(j)
			if err != nil {
				return j, err
			}
			// The root object is never copied verbatim (its members are
			// read one by one, the last of a repeated key winning), so only
			// nested objects need the check.
			if depth > 1 && !t.dupKeys {
				t.dupKeys = t.repeatsKey(self, nkeys)
			}
		}
		if j, err = t.value(j, depth); err != nil {
			return j, err
		}
		done := false
		if j, done, err = afterElem(d, j, closer); err != nil {
			return j, err
		}
		if done {
			return t.closeContainer(self, j), nil
		}
	}
}

func (t *tape) closeContainer(self, end int) int {
	t.toks[self].end = int32(end)
	t.toks[self].next = int32(t.n)
	return end
}

// key validates a member's key and colon; it returns the index of the value.
func (t *tape) key(j int) (int, error) {
	d := t.line
	if j >= len(d) || d[j] != '"' {
		return j, &syntaxError{"expected string key", j}
	}
	j, err := t.str(j)
	if err != nil {
		return j, err
	}
	if j = skipWS(d, j); j >= len(d) || d[j] != ':' {
		return j, &syntaxError{"expected ':' after key", j}
	}
	return skipWS(d, j+1), nil
}

// afterElem consumes the ',' (and the whitespace after it) or the closing
// bracket after an element; done reports the container ended.
func afterElem(d []byte, j int, closer byte) (next int, done bool, err error) {
	j = skipWS(d, j)
	if j >= len(d) {
		return j, false, &syntaxError{"unexpected end of input", j}
	}
	switch d[j] {
	case closer:
		return j + 1, true, nil
	case ',':
		return skipWS(d, j+1), false, nil
	}
	return j, false, &syntaxError{fmt.Sprintf("expected ',' or %q", closer), j}
}

// maxKeysCompared bounds the pairwise key comparison of repeatsKey; objects
// with more keys are assumed to repeat one, which only costs the slower,
// exact copy.
const maxKeysCompared = 32

// repeatsKey reports whether the key just pushed (the last token) repeats
// an earlier key of the object at token self, which has nkeys keys before it.
func (t *tape) repeatsKey(self, nkeys int) bool {
	if nkeys > maxKeysCompared {
		return true
	}
	last := t.n - 1
	k := t.toks[last]
	for i := int32(self + 1); i < int32(last); i = t.toks[i+1].next {
		o := t.toks[i]
		if o.esc || k.esc {
			if sameKey(t.at(i), t.at(int32(last))) {
				return true
			}
			continue
		}
		if o.end-o.start == k.end-k.start && string(t.line[o.start:o.end]) == string(t.line[k.start:k.end]) {
			return true
		}
	}
	return false
}
