package libpath

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aspaudit/aspaudit/pipeline/transform"
)

// acceptable reports why a document would be refused by a strict reader
// (Elasticsearch): invalid JSON, invalid UTF-8 or a repeated key; "" if none.
func acceptable(doc []byte) string {
	if !json.Valid(doc) {
		return "invalid JSON"
	}
	if !utf8.Valid(doc) {
		return "invalid UTF-8"
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	var stack []map[string]bool
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, map[string]bool{})
				expectKey = true
			case '[':
				stack = append(stack, nil)
				expectKey = false
			default:
				stack = stack[:len(stack)-1]
				expectKey = len(stack) > 0 && stack[len(stack)-1] != nil
			}
			continue
		case string:
			if expectKey {
				top := stack[len(stack)-1]
				if top[v] {
					return "repeated key " + strconv.Quote(v)
				}
				top[v] = true
				expectKey = false
				continue
			}
		}
		expectKey = len(stack) > 0 && stack[len(stack)-1] != nil
	}
}

// TestSameOutputFuzzSeeds compares the parsers on the transform's fuzz
// corpus, and checks that every library document is acceptable.
func TestSameOutputFuzzSeeds(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/fuzz/FuzzParse/*")
	var lines [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, arg, _ := strings.Cut(string(b), "\n")
		arg = strings.TrimSpace(arg)
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(arg, "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		lines = append(lines, []byte(s))
	}
	for name, lib := range Codecs {
		n := compare(t, lines, window, transform.New(transform.NewDefaultConfig()), NewWith(lib))
		t.Logf("%s: fuzz seeds: %d of %d lines differ", name, n, len(lines))
	}
}
