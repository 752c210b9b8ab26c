package jsontape

import "testing"

func TestCutEscapedEndsBetweenCharacters(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`abcdef`, `abcd`},
		{`abc\n`, `abc`},             // an escape is not split
		{`ab\u00e9x`, `ab`},          // nor a \u escape
		{`a\ud83d\ude00`, `a`},       // nor a surrogate pair
		{"abcé", "abc"},              // nor a UTF-8 sequence
		{`ab\"c`, `ab\"`},            // an escape that fits is kept
		{"\u00e9\u00e9\u00e9", "éé"}, // two-byte runes
	} {
		if got := string(cutEscaped([]byte(tc.in), 4)); got != tc.want {
			t.Errorf("cutEscaped(%q, 4) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
