package jsontape

import (
	"bytes"
	"fmt"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/corpus"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClassifyLine(t *testing.T) {
	for _, c := range []struct {
		line         string
		valid, plain bool
	}{
		{``, true, true},
		{`{"a":"b"}`, true, true},
		{strings.Repeat("abcdefgh", 9), true, true},
		{`{"a":` + "\t" + `1}`, true, false},
		{strings.Repeat("abcdefgh", 3) + "\r", true, false},
		{strings.Repeat("abcdefgh", 3) + "\x1f" + strings.Repeat("x", 20), true, false},
		{"\x00", true, false},
		{`{"name":"Zoë"}` + strings.Repeat(" ", 20), true, true},
		{`{"name":"Zoë",` + "\t" + `"x":1}`, true, false},
		{`{"name":"Zo` + "\xff" + `"}`, false, false},
		{strings.Repeat("abcdefgh", 2) + "\xc3", false, false},
		{strings.Repeat("abcdefgh", 2) + "\x7f\x20\x1f", true, false}, // 0x7f is not a control byte for JSON
		{strings.Repeat("\x7f", 17), true, true},
	} {
		valid, plain := ClassifyLine([]byte(c.line))
		if valid != c.valid || plain != c.plain {
			t.Errorf("ClassifyLine(%q) = %v, %v; want %v, %v", c.line, valid, plain, c.valid, c.plain)
		}
	}
	// Every single byte value in every position of a 24-byte line.
	for pos := range 24 {
		for c := range 256 {
			line := bytes.Repeat([]byte("a"), 24)
			line[pos] = byte(c)
			valid, plain := ClassifyLine(line)
			wantValid := utf8.Valid(line)
			if valid != wantValid || plain != (wantValid && c >= 0x20) {
				t.Fatalf("ClassifyLine with %#x at %d = %v, %v", c, pos, valid, plain)
			}
		}
	}
}

// TestAppendOriginalMatchesEscaping checks the tape-guided escaping of a
// parsed line against escaping it byte by byte: lines of the benchmark
// corpus, and lines with runs of every length around the 16-byte moves,
// escapes, non-ASCII text and strings at either end.
func TestAppendOriginalMatchesEscaping(t *testing.T) {
	lines := corpus.Mixed(500)
	for n := range 40 {
		s := strings.Repeat("x", n)
		num := strings.Repeat("7", n+1)
		lines = append(lines,
			fmt.Appendf(nil, `{"%s":"%s","n":%s}`, s, s, num),
			fmt.Appendf(nil, `["%s",%s,"",""]`, s, num),
			fmt.Appendf(nil, `"%s"`, s),
			fmt.Appendf(nil, `{"k":"%s\"q\\b\u00e9\ud83d\ude00/%s", "%s" : [ true , null ]}`, s, s, s),
			fmt.Appendf(nil, `{"zoë":"%sé€😀", "n": %s}`, s, num),
			fmt.Appendf(nil, `  {"a" :  "%s"}  `, s),
			fmt.Appendf(nil, `%s`, num),
		)
	}
	var tp Tape
	for _, line := range lines {
		valid, plain := ClassifyLine(line)
		if !valid || !plain {
			t.Fatalf("test line %q is not plain", line)
		}
		if err := tp.Parse(line); err != nil {
			t.Fatalf("test line %q: %v", line, err)
		}
		prefix := []byte("prefix")
		got := tp.AppendOriginal(bytes.Clone(prefix))
		want := AppendValidStringContent(bytes.Clone(prefix), line)
		if !bytes.Equal(got, want) {
			t.Fatalf("escaping %q:\n got %q\nwant %q", line, got, want)
		}
	}
}
