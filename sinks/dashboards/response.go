package dashboards

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// importResponse is the import API's answer (Kibana and OpenSearch
// Dashboards share it).
type importResponse struct {
	Success      bool `json:"success"`
	SuccessCount int  `json:"successCount"`
	Errors       []struct {
		Type  string `json:"type"`
		ID    string `json:"id"`
		Title string `json:"title"`
		Meta  struct {
			Title string `json:"title"`
		} `json:"meta"`
		Error struct {
			Type       string      `json:"type"`
			Message    string      `json:"message"`
			StatusCode int         `json:"statusCode"`
			References []Reference `json:"references"`
		} `json:"error"`
	} `json:"errors"`
}

// ObjectError is one object the server did not import.
type ObjectError struct {
	Type, ID, Title string
	// Reason is the server's error type: "missing_references",
	// "unsupported_type" (the product does not know the object type),
	// "conflict", "unknown"...
	Reason string
	// Message is the server's explanation, when it gave one.
	Message string
	// Missing lists the references that could not be resolved.
	Missing []Reference
}

func (e ObjectError) String() string {
	s := fmt.Sprintf("%s %q", e.Type, e.ID)
	if e.Title != "" {
		s += fmt.Sprintf(" (%s)", e.Title)
	}
	s += ": " + strings.ReplaceAll(e.Reason, "_", " ")
	for i, r := range e.Missing {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		s += fmt.Sprintf("%s%s %q", sep, r.Type, r.ID)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// ImportError reports an import the server did not complete. It is
// permanent: retrying sends the same objects and meets the same answer.
type ImportError struct {
	Product  string
	Objects  int
	Imported int
	Failed   []ObjectError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s imported %d of %d saved objects", e.Product, e.Imported, e.Objects)
	for _, f := range e.Failed {
		b.WriteString("\n" + f.String())
	}
	return b.String()
}

func decodeResponse(b []byte) (importResponse, error) {
	var r importResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return r, pipeline.Permanent(fmt.Errorf("decoding the import answer: %w: %.200q", err, b))
	}
	return r, nil
}

// err turns an answer that is not a full success into an *ImportError.
func (r importResponse) err(f Flavor, objects int) error {
	if r.Success && len(r.Errors) == 0 && r.SuccessCount == objects {
		return nil
	}
	e := &ImportError{Product: f.String(), Objects: objects, Imported: r.SuccessCount}
	for _, x := range r.Errors {
		title := x.Title
		if title == "" {
			title = x.Meta.Title
		}
		e.Failed = append(e.Failed, ObjectError{
			Type: x.Type, ID: x.ID, Title: title, Reason: x.Error.Type,
			Message: x.Error.Message, Missing: x.Error.References,
		})
	}
	return pipeline.Permanent(e)
}

// statusError classifies a non-200 answer: 429 and 5xx are worth retrying
// (the server is starting or overloaded), everything else is permanent.
func statusError(f Flavor, resp *http.Response, body []byte) error {
	msg := serverMessage(body)
	err := fmt.Errorf("%s answered %s: %s", f, resp.Status, msg)
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		return pipeline.Throttle(err, conn.RetryAfter(resp.Header.Get("Retry-After"), time.Now()))
	case code >= 500:
		return err
	case code == http.StatusUnauthorized:
		return pipeline.Permanent(fmt.Errorf("%w (check username/password or api_key)", err))
	case code == http.StatusForbidden:
		return pipeline.Permanent(fmt.Errorf("%w (the user needs the privilege to manage saved objects)", err))
	case code == http.StatusNotFound:
		return pipeline.Permanent(fmt.Errorf("%w (check url, its base path, and space)", err))
	default:
		return pipeline.Permanent(err)
	}
}

// serverMessage extracts the "message" of a JSON error body, else the body
// itself, shortened.
func serverMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && (e.Message != "" || e.Error != "") {
		if e.Message != "" {
			return e.Message
		}
		return e.Error
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
