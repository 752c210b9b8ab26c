package jsontape

import (
	"fmt"
)

// Kind is the JSON type of a value.
type Kind uint8

// The kinds of value; KindNone is no value (an absent member).
const (
	KindNone Kind = iota
	KindString
	KindNumber
	KindObject
	KindArray
	KindTrue
	KindFalse
	KindNull
)

// MaxDepth bounds nesting, like encoding/json, so that hostile lines cannot
// exhaust the stack.
const MaxDepth = 10000

// token is one JSON value of the line on the tape: strings (keys included)
// span their content between the quotes, other values their whole text.
// next is the index of the token after the value and everything inside it.
type token struct {
	start, end int32
	next       int32
	Kind       Kind
	Esc        bool // a string holding backslash escapes
}

// Tape is a validated line as a flat list of tokens in document order, so
// that finding a member never scans bytes again. It holds no pointers but
// the line's.
type Tape struct {
	line []byte
	// toks[:n] are the tokens. Tokens are stored by index rather than
	// appended so that filling a pooled tape writes no pointer, which would
	// cost a write barrier while the garbage collector runs.
	toks []token
	n    int
	// LoneSurrogate says a string escapes half of a UTF-16 surrogate pair,
	// which strict JSON readers refuse: raw parts need repair when copied.
	LoneSurrogate bool
	// DupKeys says an object may repeat a key, which Elasticsearch refuses:
	// raw parts must then be copied without the repeats.
	DupKeys bool
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

// SkipWS returns the index of the first byte at or after i that is not
// JSON whitespace.
func SkipWS(d []byte, i int) int {
	for i < len(d) && ws[d[i]] {
		i++
	}
	return i
}

// Parse validates line as one JSON value and fills the tape.
func (t *Tape) Parse(line []byte) error {
	if len(line) > 1<<31-1 {
		return &syntaxError{"line longer than 2 GiB", 0}
	}
	t.line, t.n, t.LoneSurrogate, t.DupKeys = line, 0, false, false
	if want := len(line)/8 + 16; len(t.toks) < want {
		t.toks = make([]token, want)
	}
	i := SkipWS(line, 0)
	end, err := t.value(i, 0)
	if err != nil {
		return err
	}
	if end = SkipWS(line, end); end != len(line) {
		return &syntaxError{"data after the json value", end}
	}
	return nil
}

// value validates the value starting at d[i] (no leading whitespace),
// appends its tokens and returns the index just past it.
func (t *Tape) value(i, depth int) (int, error) {
	d := t.line
	if i >= len(d) {
		return i, &syntaxError{"unexpected end of input", i}
	}
	switch c := d[i]; {
	case c == '"':
		return t.str(i)
	case c == '{':
		return t.container(i, depth+1, KindObject)
	case c == '[':
		return t.container(i, depth+1, KindArray)
	case c == '-' || (c >= '0' && c <= '9'):
		end, err := scanNumber(d, i)
		t.push(i, end, KindNumber, false)
		return end, err
	case c == 't':
		return t.literal(i, "true", KindTrue)
	case c == 'f':
		return t.literal(i, "false", KindFalse)
	case c == 'n':
		return t.literal(i, "null", KindNull)
	default:
		return i, &syntaxError{fmt.Sprintf("unexpected character %q", c), i}
	}
}

func (t *Tape) push(start, end int, k Kind, esc bool) {
	if t.n == len(t.toks) {
		t.toks = append(t.toks, make([]token, len(t.toks)+16)...)
	}
	// Field by field: a composite literal is built on the stack with
	// narrow stores and copied with one wide load, which stalls on
	// store-to-load forwarding (measured: most of the cost of a push).
	tok := &t.toks[t.n]
	tok.start, tok.end, tok.next = int32(start), int32(end), int32(t.n+1)
	tok.Kind, tok.Esc = k, esc
	t.n++
}

func (t *Tape) literal(i int, lit string, k Kind) (int, error) {
	d := t.line
	if len(d)-i < len(lit) || string(d[i:i+len(lit)]) != lit {
		return i, &syntaxError{"invalid literal", i}
	}
	t.push(i, i+len(lit), k, false)
	return i + len(lit), nil
}

// container validates an object or array starting at d[i].
func (t *Tape) container(i, depth int, k Kind) (int, error) {
	if depth > MaxDepth {
		return i, &syntaxError{"exceeded max nesting depth", i}
	}
	self := t.n
	t.push(i, i, k, false)
	closer := byte(']')
	if k == KindObject {
		closer = '}'
	}
	d := t.line
	j := SkipWS(d, i+1)
	if j < len(d) && d[j] == closer {
		return t.closeContainer(self, j+1), nil
	}
	for nkeys := 0; ; nkeys++ {
		var err error
		if k == KindObject {
			j, err = t.key(j)
			if err != nil {
				return j, err
			}
			// The root object is never copied verbatim (its members are
			// read one by one, the last of a repeated key winning), so only
			// nested objects need the check.
			if depth > 1 && !t.DupKeys {
				t.DupKeys = t.repeatsKey(self, nkeys)
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

func (t *Tape) closeContainer(self, end int) int {
	t.toks[self].end = int32(end)
	t.toks[self].next = int32(t.n)
	return end
}

// key validates a member's key and colon; it returns the index of the value.
func (t *Tape) key(j int) (int, error) {
	d := t.line
	if j >= len(d) || d[j] != '"' {
		return j, &syntaxError{"expected string key", j}
	}
	j, err := t.str(j)
	if err != nil {
		return j, err
	}
	if j = SkipWS(d, j); j >= len(d) || d[j] != ':' {
		return j, &syntaxError{"expected ':' after key", j}
	}
	return SkipWS(d, j+1), nil
}

// afterElem consumes the ',' (and the whitespace after it) or the closing
// bracket after an element; done reports the container ended.
func afterElem(d []byte, j int, closer byte) (next int, done bool, err error) {
	j = SkipWS(d, j)
	if j >= len(d) {
		return j, false, &syntaxError{"unexpected end of input", j}
	}
	switch d[j] {
	case closer:
		return j + 1, true, nil
	case ',':
		return SkipWS(d, j+1), false, nil
	}
	return j, false, &syntaxError{fmt.Sprintf("expected ',' or %q", closer), j}
}

// Forget drops the tape's reference to its line, so that a pooled tape
// keeps no line alive.
func (t *Tape) Forget() { t.line = nil }

// Capacity is how many tokens the tape has room for.
func (t *Tape) Capacity() int { return cap(t.toks) }
