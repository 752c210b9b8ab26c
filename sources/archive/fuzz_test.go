package archive

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

const fuzzCap = 16 << 20

// FuzzReader checks Reader against the standard library's multistream gzip
// reader: where the reference decodes the body, Reader yields the same bytes
// (unless they start with a tar header, which Reader unpacks); where the
// reference fails, Reader fails too, with an error that is not permanent.
// Seeds live in testdata/fuzz/FuzzReader.
func FuzzReader(f *testing.F) {
	f.Add([]byte{})
	f.Add(emptyMember)
	f.Add(gzipMembers(f, []byte("{\"a\":1}\r\n{\"b\":2}\n")))
	f.Add(gzipMembers(f, []byte("a\n"), []byte("b")))
	f.Add(gzipMembers(f, tarBytes(f, tarEntry{name: "a.log", body: "a\n"}, tarEntry{name: "b.log", body: "b"})))
	f.Fuzz(func(t *testing.T, body []byte) {
		// A hang is a finding too: crash the worker so that the fuzzer
		// keeps the input.
		watchdog := time.AfterFunc(time.Minute, func() { panic(fmt.Sprintf("reading a %d-byte body took over a minute", len(body))) })
		defer watchdog.Stop()
		want, refErr := reference(body)
		if errors.Is(refErr, errTooBig) {
			return
		}
		got, err := io.ReadAll(io.LimitReader(NewReader(bytes.NewReader(body)), fuzzCap+1))
		if len(got) > fuzzCap {
			return
		}
		if err != nil && pipeline.IsPermanent(err) {
			t.Fatalf("permanent error: %v", err)
		}
		switch {
		case len(body) == 0:
			if err != nil || len(got) != 0 {
				t.Fatalf("empty body: got %q, %v", got, err)
			}
		case refErr != nil:
			if err == nil {
				t.Fatalf("reference failed (%v) but Reader ended cleanly with %d bytes", refErr, len(got))
			}
		case len(want) >= tarBlock && isTarHeader(want[:tarBlock]):
			// Unpacked as tar: its own tests check the content.
		case err != nil:
			t.Fatalf("reference decoded %d bytes, Reader failed: %v", len(want), err)
		case !bytes.Equal(got, want):
			t.Fatalf("content differs from the reference: got %d bytes, want %d", len(got), len(want))
		}
	})
}

var errTooBig = errors.New("decompressed body over the fuzz cap")

func reference(body []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, fuzzCap+1))
	if len(out) > fuzzCap {
		return nil, errTooBig
	}
	return out, err
}
