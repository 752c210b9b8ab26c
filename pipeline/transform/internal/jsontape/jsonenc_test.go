package jsontape

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// randomBytes mixes ASCII, control characters, quotes, backslashes, valid
// multi-byte UTF-8 and invalid bytes.
func randomBytes(rng *rand.Rand) []byte {
	pieces := []string{"a", "Z", " ", "\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "€", "😀",
		"\u2028", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "<", "&", "/"}
	var b []byte
	for n := rng.IntN(40); n > 0; n-- {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return b
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		s := randomBytes(rng)
		got := AppendString(nil, s)
		if !json.Valid(got) || !utf8.Valid(got) {
			t.Fatalf("AppendString(%q) = %q: not valid JSON / UTF-8", s, got)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		// encoding/json replaces each invalid byte by U+FFFD, as does
		// converting to runes.
		if want := string([]rune(string(s))); back != want {
			t.Fatalf("AppendString(%q) decodes to %q, want %q", s, back, want)
		}
		// The fast path for known-valid UTF-8 must agree.
		if utf8.Valid(s) {
			if fast := AppendValidStringContent(nil, s); !bytes.Equal(fast, got[1:len(got)-1]) {
				t.Fatalf("fast path %q differs from %q", fast, got)
			}
		}
	}
}

func TestAppendStringEscapes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{`a"b\c`, `"a\"b\\c"`},
		{"\n\r\t\b\f", `"\n\r\t\b\f"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"\x7f", "\"\x7f\""},
		{"é😀", `"é😀"`},
		{"a\xffb", "\"a\ufffdb\""},
		{"<&>", `"<&>"`},
	}
	for _, tt := range tests {
		if got := string(AppendString(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("AppendString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendRawTextRepairs(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":"x"}`, `{"a":"x"}`},
		{`{"a":"\ud83d\ude00"}`, `{"a":"\ud83d\ude00"}`},
		{`{"a":"\ud800"}`, `{"a":"\ufffd"}`},
		{`{"a":"\udc00\ud800x"}`, `{"a":"\ufffd\ufffdx"}`},
		{`{"a":"\\ud800"}`, `{"a":"\\ud800"}`},
		{"{\"a\":\"b\xffc\"}", "{\"a\":\"b\ufffdc\"}"},
		{`{"a":"\u00e9"}`, `{"a":"\u00e9"}`},
	}
	for _, tt := range tests {
		if got := string(AppendRawText(nil, []byte(tt.in), false)); got != tt.want {
			t.Errorf("AppendRawText(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestUnescapeMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{`plain`, `a\"b`, `\\\/\b\f\n\r\t`, `\u00e9\u20ac`, `\ud83d\ude00`, `\ud800x`, `\udc00`, `\ud800\u0041`} {
		var want string
		if err := json.Unmarshal([]byte(`"`+s+`"`), &want); err != nil {
			t.Fatal(err)
		}
		if got := string(Unescape(nil, []byte(s))); got != want {
			t.Errorf("Unescape(%s) = %q, want %q", s, got, want)
		}
	}
}

func TestTapeAgreesWithEncodingJSONValid(t *testing.T) {
	inputs := []string{`{}`, `[]`, `{"a":[1,2,{"b":null}]}`, `{"a":1,}`, `[1,]`, `{"a" 1}`, `01`, `-`, `1.`, `1e`,
		`1e+5`, `-0.5E-3`, `"\u12"`, `"\x"`, "\"\x01\"", `{"a":tru}`, ` {"a" : "b" } `, `{"a":"b"}x`, `"`, `[`, `{"a":`,
		`nul`, `true`, `[[[]]]`, `{"":""}`, `{"a":1 "b":2}`, `[1 2]`, "\"\x7f\""}
	for _, in := range inputs {
		var tp Tape
		err := tp.Parse([]byte(in))
		if (err == nil) != json.Valid([]byte(in)) {
			t.Errorf("Tape.Parse(%q) err=%v, json.Valid=%v", in, err, json.Valid([]byte(in)))
		}
	}
}

func FuzzTape(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x\n",{"b":null}]}`, `[1e5,-0.1]`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tp Tape
		err := tp.Parse(b)
		if (err == nil) != json.Valid(b) {
			t.Fatalf("Tape.Parse(%q) err=%v, json.Valid=%v", b, err, json.Valid(b))
		}
		if err == nil {
			if out := AppendRawText(nil, b, false); !json.Valid(out) || !utf8.Valid(out) {
				t.Fatalf("repair of %q gave %q", b, out)
			}
		}
	})
}
