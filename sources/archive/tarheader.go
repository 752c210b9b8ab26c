package archive

import (
	"bytes"
	"strconv"
)

const tarBlock = 512

// isTarHeader reports whether b (one 512-byte block) is a tar header: a
// valid checksum and either the ustar/GNU magic or the all-zero magic of a
// V7 archive. An audit log line cannot pass this by chance: its first byte
// would have to make the checksum at offset 148 come out right.
func isTarHeader(b []byte) bool {
	if len(b) < tarBlock || b[0] == 0 {
		return false
	}
	magic := b[257:263]
	if !bytes.HasPrefix(magic, []byte("ustar")) && !bytes.Equal(magic, make([]byte, 6)) {
		return false
	}
	want, ok := parseOctal(b[148:156])
	if !ok {
		return false
	}
	unsigned, signed := checksums(b)
	return want == unsigned || want == signed
}

// checksums sums the header's bytes with the checksum field read as spaces,
// both as unsigned and as signed bytes (old tar writers used the latter).
func checksums(b []byte) (unsigned, signed int64) {
	for i, c := range b[:tarBlock] {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return unsigned, signed
}

// parseOctal reads the checksum field: octal digits, maybe padded with
// spaces, ended by NUL or space.
func parseOctal(f []byte) (int64, bool) {
	s := string(bytes.Trim(f, " \x00"))
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 8, 64)
	return v, err == nil
}
