package archive

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aspaudit/aspaudit/pipeline"
)

func readAll(t *testing.T, body []byte) (string, error) {
	t.Helper()
	b, err := io.ReadAll(NewReader(bytes.NewReader(body)))
	return string(b), err
}

func TestReaderShapes(t *testing.T) {
	lines := "{\"a\":1}\n{\"b\":2}\n"
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"zero bytes", nil, ""},
		{"empty member", emptyMember, ""},
		{"two empty members", append(append([]byte{}, emptyMember...), emptyMember...), ""},
		{"one member", gzipMembers(t, []byte(lines)), lines},
		{"members split mid-line", gzipMembers(t, []byte("{\"a\""), []byte(":1}\n{\"b\":2}\n")), lines},
		{"member then empty member", append(gzipMembers(t, []byte(lines)), emptyMember...), lines},
		{"crlf kept", gzipMembers(t, []byte("x\r\ny\r\n")), "x\r\ny\r\n"},
		{"no final newline", gzipMembers(t, []byte("x\ny")), "x\ny"},
		{"leading zero bytes are content", gzipMembers(t, []byte("\x00\x00x\n")), "\x00\x00x\n"},
		{"tar one file", gzipMembers(t, tarBytes(t, tarEntry{name: "ws_audit.log", body: lines})), lines},
		{"tar several files", gzipMembers(t, tarBytes(t,
			tarEntry{name: "d", dir: true},
			tarEntry{name: "d/a.log", body: "a1\na2\n"},
			tarEntry{name: "d/b.log", body: "b1\nb2"},
			tarEntry{name: "d/empty.log"},
			tarEntry{name: "d/c.log", body: "c1\n"},
		)), "a1\na2\nb1\nb2\nc1\n"},
		{"tar split over members", splitMembers(t, tarBytes(t, tarEntry{name: "x.log", body: lines}), 300), lines},
		{"two tars in two members", gzipMembers(t,
			tarBytes(t, tarEntry{name: "a.log", body: "a\n"}),
			tarBytes(t, tarEntry{name: "b.log", body: "b"})), "a\nb"},
		{"tar of empty file", gzipMembers(t, tarBytes(t, tarEntry{name: "x.log"})), ""},
		{"short plain content", gzipMembers(t, []byte("x")), "x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readAll(t, c.body)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func splitMembers(t *testing.T, b []byte, size int) []byte {
	var parts [][]byte
	for len(b) > size {
		parts = append(parts, b[:size])
		b = b[size:]
	}
	return gzipMembers(t, append(parts, b)...)
}

// readInChunks reads with small odd-sized buffers, as a line splitter may.
func readInChunks(r io.Reader, size int) ([]byte, error) {
	var out []byte
	buf := make([]byte, size)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

func TestReaderLongLineByteExact(t *testing.T) {
	long := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16)
	content := append(append([]byte("first\r\n"), long...), "\r\nlast\n"...)
	for _, body := range [][]byte{
		gzipMembers(t, content),
		gzipMembers(t, tarBytes(t, tarEntry{name: "a.log", body: string(content)})),
	} {
		got, err := readInChunks(NewReader(iotest.OneByteReader(bytes.NewReader(body))), 4093)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, content) {
			t.Fatalf("content differs: got %d bytes, want %d", len(got), len(content))
		}
	}
}

// TestReaderCutBody cuts bodies at every length and checks that each cut
// fails with a retryable error instead of ending cleanly. A cut exactly
// between two gzip members leaves a valid shorter body that no decoder can
// tell from a whole one; the HTTP layer detects those (chunked terminator or
// Content-Length), so they are skipped here.
func TestReaderCutBody(t *testing.T) {
	boundaries := map[string]int{"two members": len(gzipMembers(t, []byte("a\n")))}
	bodies := map[string][]byte{
		"one member":  gzipMembers(t, []byte(strings.Repeat("{\"line\":1}\n", 50))),
		"two members": gzipMembers(t, []byte("a\n"), []byte("b\n")),
		"tar":         gzipMembers(t, tarBytes(t, tarEntry{name: "a.log", body: "a\n"}, tarEntry{name: "b.log", body: "b\n"})),
		"empty":       emptyMember,
	}
	for name, body := range bodies {
		for n := 1; n < len(body); n++ {
			if boundaries[name] == n {
				continue
			}
			_, err := readAll(t, body[:n])
			if err == nil {
				t.Fatalf("%s cut at %d/%d: no error", name, n, len(body))
			}
			if !errors.Is(err, ErrCorrupt) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%s cut at %d/%d: error %v does not wrap ErrCorrupt and io.ErrUnexpectedEOF", name, n, len(body), err)
			}
			if pipeline.IsPermanent(err) {
				t.Fatalf("%s cut at %d: error is permanent", name, n)
			}
		}
	}
}

func TestReaderCorrupt(t *testing.T) {
	good := gzipMembers(t, []byte(strings.Repeat("{\"line\":1}\n", 50)))
	flipped := bytes.Clone(good)
	flipped[len(flipped)-6] ^= 0xff // inside the CRC-32
	garbage := append(bytes.Clone(good), "trailing garbage"...)
	brokenTar := gzipMembers(t, tarBytes(t, tarEntry{name: "a.log", body: strings.Repeat("x", 2000)})[:1024])
	for name, body := range map[string][]byte{
		"checksum":      flipped,
		"not gzip":      []byte("<html>proxy error</html>"),
		"after member":  garbage,
		"tar cut short": brokenTar,
	} {
		_, err := readAll(t, body)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
		if pipeline.IsPermanent(err) {
			t.Errorf("%s: error is permanent", name)
		}
	}
}

func TestReaderSourceErrorPassesThrough(t *testing.T) {
	body := gzipMembers(t, []byte(strings.Repeat("line\n", 10000)))
	boom := errors.New("connection reset by peer")
	r := NewReader(io.MultiReader(bytes.NewReader(body[:len(body)/2]), iotest.ErrReader(boom)))
	_, err := io.ReadAll(r)
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the source's error", err)
	}
	if errors.Is(err, ErrCorrupt) {
		t.Fatalf("a source failure is reported as corrupt content: %v", err)
	}
	if _, again := r.Read(make([]byte, 1)); !errors.Is(again, boom) {
		t.Fatalf("error is not sticky: %v", again)
	}
}

type closeRecorder struct {
	io.Reader
	closed int
}

func (c *closeRecorder) Close() error { c.closed++; return nil }

func TestReaderClose(t *testing.T) {
	src := &closeRecorder{Reader: bytes.NewReader(gzipMembers(t, []byte("a\n")))}
	r := NewReader(src)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if src.closed != 1 {
		t.Fatalf("body closed %d times", src.closed)
	}
	if _, err := r.Read(make([]byte, 8)); err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("read after close: %v", err)
	}
}

func TestIsTarHeaderRejectsLogLines(t *testing.T) {
	line := bytes.Repeat([]byte(`{"atype":"authenticate","ts":{"$date":"2026-01-01T00:00:00.000+0000"}}`+"\n"), 10)
	if isTarHeader(line[:tarBlock]) {
		t.Fatal("a log line was taken for a tar header")
	}
	if !isTarHeader(tarBytes(t, tarEntry{name: "a", body: "x"})[:tarBlock]) {
		t.Fatal("a real tar header was not recognised")
	}
}
