package oplog

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// logType is hashed before the other parts, so that an operational line
// never shares an id with an audit line of the same text (whose id, from
// transform.DocumentID, hashes no log type).
const logType = "operational"

// DocumentID returns the deterministic id of a raw operational line of the
// given project and workspace: SHA-256 over the log type, the project, the
// workspace and the line, each preceded by its length, truncated to 192
// bits and encoded as unpadded base64url (32 characters), like the audit
// log's ids. A trailing line ending is not part of the line. The processor
// is not part of the id, so a line fetched for the whole workspace and for
// one processor is one event.
func DocumentID(projectID, workspace string, line []byte) string {
	line = trimLineEnding(line)
	h := sha256.New()
	for _, part := range [][]byte{[]byte(logType), []byte(projectID), []byte(workspace), line} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:24])
}

// trimLineEnding drops a trailing "\n", "\r\n" or lone "\r".
func trimLineEnding(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line
}
