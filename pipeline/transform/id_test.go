package transform

import (
	"encoding/base64"
	"testing"
)

func TestDocumentIDStableAndEndingBlind(t *testing.T) {
	line := []byte(`{"atype":"authenticate"}`)
	id := DocumentID("p", "w", line)
	if len(id) != 32 {
		t.Fatalf("id %q has %d characters, want 32", id, len(id))
	}
	if b, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(b) != 24 {
		t.Fatalf("id %q is not 192 bits of unpadded base64url: %v", id, err)
	}
	for _, variant := range []string{"\n", "\r\n", "\r"} {
		if got := DocumentID("p", "w", append([]byte(string(line)), variant...)); got != id {
			t.Errorf("line ending %q changed the id", variant)
		}
	}
	if DocumentID("p", "w", line) != id {
		t.Error("same input, different id")
	}
}

func TestDocumentIDSeparatesParts(t *testing.T) {
	// Without length prefixes these triples would hash the same bytes.
	triples := [][3]string{
		{"ab", "c", "d"}, {"a", "bc", "d"}, {"a", "b", "cd"}, {"", "abc", "d"}, {"abcd", "", ""},
		{"p", "w", "line"}, {"p", "w", "line "}, {"P", "w", "line"}, {"p", "W", "line"},
	}
	seen := map[string][3]string{}
	for _, tr := range triples {
		id := DocumentID(tr[0], tr[1], []byte(tr[2]))
		if other, dup := seen[id]; dup {
			t.Errorf("%q and %q share id %s", tr, other, id)
		}
		seen[id] = tr
	}
}

func TestDocumentIDKnownValue(t *testing.T) {
	// Pinned so that a change of the id scheme, which would double every
	// stored event on re-import, cannot go unnoticed. Reference: SHA-256 of
	// the big-endian uint64 length and bytes of each part, first 24 bytes,
	// unpadded base64url.
	const want = "gAnwdz-5XQPow2N0CJVHIeFd2gehi6VG" // computed independently (Python hashlib)
	if got := DocumentID("5f1d7e3a2b4c6d8e9f0a1b2c", "ws1", []byte(`{"atype":"logout"}`)); got != want {
		t.Errorf("DocumentID = %s, want %s", got, want)
	}
}
