package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll runs a lineReader over r and returns the lines it yields.
func readAll(r io.Reader) ([]string, *lineReader, error) {
	lr := newLineReader(r)
	var out []string
	for {
		c := getChunk()
		var err error
		more := true
		for more && err == nil && !c.full() {
			more, err = lr.next(c)
		}
		start := 0
		for _, end := range c.ends {
			out = append(out, string(c.data[start:end]))
			start = end
		}
		putChunk(c)
		if err != nil || !more {
			return out, lr, err
		}
	}
}

func TestLineReader(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		want         []string
		lines, blank int64
	}{
		{"empty", "", nil, 0, 0},
		{"one newline", "\n", nil, 1, 1},
		{"lf", "a\nb\n", []string{"a", "b"}, 2, 0},
		{"crlf", "a\r\nb\r\n", []string{"a", "b"}, 2, 0},
		{"no final newline", "a\nb", []string{"a", "b"}, 2, 0},
		{"final cr only", "a\r", []string{"a"}, 1, 0},
		{"blank lines", "\na\n\n \t\r\n\nb\n\n", []string{"a", "b"}, 7, 5},
		{"blank last line without newline", "a\n  ", []string{"a"}, 2, 1},
		{"inner spaces kept", " a b \n", []string{" a b "}, 1, 0},
		{"inner cr kept", "a\rb\n", []string{"a\rb"}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				got, lr, err := readAll(r)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
					t.Errorf("lines %q, want %q", got, tt.want)
				}
				if lr.lines != tt.lines || lr.blank != tt.blank || lr.bytes != int64(len(tt.in)) {
					t.Errorf("counted %d lines, %d blank, %d bytes; want %d, %d, %d", lr.lines, lr.blank, lr.bytes, tt.lines, tt.blank, len(tt.in))
				}
			}
		})
	}
}

func TestLineReaderHugeLines(t *testing.T) {
	huge := strings.Repeat("x", 5<<20)
	edge := strings.Repeat("y", readBufferSize-1) // newline is the buffer's last byte
	in := "a\n" + huge + "\r\n" + edge + "\n" + huge
	got, lr, err := readAll(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0] != "a" || got[1] != huge || got[2] != edge || got[3] != huge {
		t.Fatalf("got %d lines of lengths %v", len(got), lengths(got))
	}
	if lr.lines != 4 {
		t.Errorf("counted %d lines, want 4", lr.lines)
	}
}

func TestLineReaderManyLinesFillChunks(t *testing.T) {
	var b strings.Builder
	for i := range 3 * chunkLines {
		b.WriteString(strings.Repeat("z", i%700))
		b.WriteString("\n")
	}
	got, lr, err := readAll(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(got))+lr.blank != int64(3*chunkLines) || lr.blank != int64((3*chunkLines+699)/700) {
		t.Errorf("got %d lines and %d blank from %d", len(got), lr.blank, 3*chunkLines)
	}
}

func TestLineReaderReadErrorDropsCutLine(t *testing.T) {
	boom := errors.New("connection reset")
	got, _, err := readAll(&errReader{data: []byte("a\nb\npartial"), err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	for _, l := range got {
		if l == "partial" {
			t.Errorf("the line cut by the error was yielded: %q", got)
		}
	}
}

func lengths(ss []string) []int {
	var out []int
	for _, s := range ss {
		out = append(out, len(s))
	}
	return out
}

// FuzzLineReader checks the reader against a plain split: same lines, every
// line counted, whatever the bytes and the read sizes.
func FuzzLineReader(f *testing.F) {
	for _, s := range []string{"", "a", "a\n", "a\r\nb", "\n\n \r\n", "x\ry\n\rz"} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, in []byte, oneByte bool) {
		var r io.Reader = bytes.NewReader(in)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		got, lr, err := readAll(r)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		var total int64
		parts := strings.Split(string(in), "\n")
		if len(in) > 0 && in[len(in)-1] == '\n' {
			parts = parts[:len(parts)-1]
		}
		for _, p := range parts {
			if len(in) == 0 {
				break
			}
			total++
			p = strings.TrimSuffix(p, "\r")
			if strings.Trim(p, " \t\r") != "" {
				want = append(want, p)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != len(want) {
			t.Fatalf("lines %q, want %q", got, want)
		}
		if lr.lines != total || lr.lines-lr.blank != int64(len(want)) || lr.bytes != int64(len(in)) {
			t.Fatalf("counted %d lines %d blank %d bytes, want %d lines %d non-blank %d bytes", lr.lines, lr.blank, lr.bytes, total, len(want), len(in))
		}
	})
}
