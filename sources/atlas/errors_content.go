package atlas

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/archive"
)

// headSize is how much of a download's start is kept to explain a body
// that is not an archive.
const headSize = 512

// headKeeper passes reads through and keeps the first headSize bytes.
type headKeeper struct {
	r    io.Reader
	head []byte
}

func (h *headKeeper) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if room := headSize - len(h.head); room > 0 && n > 0 {
		h.head = append(h.head, p[:min(n, room)]...)
	}
	return n, err
}

// ContentError is a 200 answer whose body is a page of text, not an
// archive: a proxy, a captive portal or a web server other than Atlas's
// API answered. Retrying does not help; it is permanent.
type ContentError struct {
	Call        string
	ContentType string
	// FirstLine is the first non-blank line of the body, cut short.
	FirstLine string
}

func (e *ContentError) Error() string {
	return fmt.Sprintf("%s: the answer is %s, not a gzip archive (it starts with %q): a proxy, a captive portal "+
		"or a wrong atlas.base_url usually answers so; check atlas.base_url (%s for Atlas) and the HTTPS_PROXY setting, "+
		"and whether this network needs a login", e.Call, e.ContentType, e.FirstLine, DefaultBaseURL)
}

// explainBody turns a read error caused by a body that is not gzip into
// a ContentError when the answer was labelled as text (HTML, plain text,
// JSON): the label and the first line say more than the bytes' magic.
func explainBody(call, contentType string, head []byte, err error) error {
	if !errors.Is(err, archive.ErrCorrupt) || !isText(contentType) || len(head) == 0 || head[0] == 0x1f {
		return err
	}
	return pipeline.Permanent(&ContentError{Call: call, ContentType: contentType, FirstLine: firstLine(head)})
}

// isText reports whether a Content-Type names a text format.
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/xhtml+xml" || mt == "application/xml"
}

// firstLine returns the first non-blank line of head, at most 120 bytes of
// valid UTF-8.
func firstLine(head []byte) string {
	for _, l := range bytes.Split(head, []byte("\n")) {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if len(l) > 120 {
			l = l[:120]
		}
		return strings.ToValidUTF8(string(l), string(utf8.RuneError))
	}
	return ""
}
