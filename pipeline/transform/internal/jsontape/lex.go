package jsontape

// str validates the string whose opening quote is d[i]. UTF-8 validity is
// checked per line, elsewhere.
func (t *Tape) str(i int) (int, error) {
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
				t.LoneSurrogate = true
			}
			t.push(i+1, j, KindString, esc)
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
func (t *Tape) checkSurrogate(d []byte, j, n, highEnd int) int {
	if n-j != 6 {
		if highEnd >= 0 {
			t.LoneSurrogate = true
		}
		return -1
	}
	r := decodeHex4(d[j+2:])
	low := r >= 0xdc00 && r <= 0xdfff
	if highEnd >= 0 && !(highEnd == j && low) || highEnd < 0 && low {
		t.LoneSurrogate = true
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

// maxKeysCompared bounds the pairwise key comparison of repeatsKey; objects
// with more keys are assumed to repeat one, which only costs the slower,
// exact copy.
const maxKeysCompared = 32

// repeatsKey reports whether the key just pushed (the last token) repeats
// an earlier key of the object at token self, which has nkeys keys before it.
func (t *Tape) repeatsKey(self, nkeys int) bool {
	if nkeys > maxKeysCompared {
		return true
	}
	last := t.n - 1
	k := t.toks[last]
	for i := int32(self + 1); i < int32(last); i = t.toks[i+1].next {
		o := t.toks[i]
		if o.Esc || k.Esc {
			if SameKey(t.At(i), t.At(int32(last))) {
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
