package dashboards

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// fakeServer behaves like the saved objects import API of Kibana or
// OpenSearch Dashboards: it requires the product's xsrf header and a
// multipart "file" named *.ndjson, skips the export summary line, keys
// objects by type and id, replaces existing ones only with overwrite=true,
// and reports unsupported types and missing references per object.
type fakeServer struct {
	t         *testing.T
	xsrf      string
	supported map[string]bool

	mu       sync.Mutex
	objects  map[string]json.RawMessage // "space/type:id"
	requests []recorded
	// failures are statuses answered, in order, before normal service.
	failures []int
}

type recorded struct {
	method, path, query string
	header              http.Header
	formName, fileName  string
	fileType            string
	file                []byte
}

func newFake(t *testing.T, f Flavor) *fakeServer {
	types := []string{"index-pattern", "search", "dashboard", "visualization"}
	if f == Kibana {
		types = append(types, "lens")
	}
	s := &fakeServer{t: t, xsrf: f.xsrfHeader(), supported: map[string]bool{}, objects: map[string]json.RawMessage{}}
	for _, typ := range types {
		s.supported[typ] = true
	}
	return s
}

func (s *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := recorded{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone()}
	space, ok := importSpace(r.URL.Path)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) > 0 {
		code := s.failures[0]
		s.failures = s.failures[1:]
		s.requests = append(s.requests, rec)
		http.Error(w, fmt.Sprintf(`{"statusCode":%d,"message":"Kibana server is not ready yet"}`, code), code)
		return
	}
	if !ok || r.Method != http.MethodPost {
		s.requests = append(s.requests, rec)
		http.Error(w, `{"statusCode":404,"message":"Not Found"}`, http.StatusNotFound)
		return
	}
	if r.Header.Get(s.xsrf) == "" {
		s.requests = append(s.requests, rec)
		http.Error(w, `{"statusCode":400,"message":"Request must contain a `+s.xsrf+` header."}`, http.StatusBadRequest)
		return
	}
	if err := s.readFile(r, &rec); err != nil {
		s.requests = append(s.requests, rec)
		http.Error(w, `{"statusCode":415,"message":"`+err.Error()+`"}`, http.StatusUnsupportedMediaType)
		return
	}
	s.requests = append(s.requests, rec)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.importFile(space, rec.file, r.URL.Query().Get("overwrite") == "true"))
}

// importSpace accepts /api/saved_objects/_import and
// /s/{space}/api/saved_objects/_import.
func importSpace(p string) (string, bool) {
	const api = "/api/saved_objects/_import"
	if p == api {
		return "default", true
	}
	if rest, ok := strings.CutPrefix(p, "/s/"); ok {
		space, tail, found := strings.Cut(rest, "/")
		return space, found && "/"+tail == api && space != ""
	}
	return "", false
}

func (s *fakeServer) readFile(r *http.Request, rec *recorded) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return io.ErrUnexpectedEOF
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	p, err := mr.NextPart()
	if err != nil {
		return err
	}
	rec.formName, rec.fileName, rec.fileType = p.FormName(), p.FileName(), p.Header.Get("Content-Type")
	rec.file, err = io.ReadAll(p)
	if err != nil {
		return err
	}
	if _, err := mr.NextPart(); err != io.EOF {
		return io.ErrUnexpectedEOF // exactly one part
	}
	return nil
}

type fakeAnswer struct {
	Success      bool             `json:"success"`
	SuccessCount int              `json:"successCount"`
	Errors       []map[string]any `json:"errors,omitempty"`
}

func (s *fakeServer) importFile(space string, file []byte, overwrite bool) fakeAnswer {
	var objs []Object
	inFile := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(file))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var probe map[string]any
		if json.Unmarshal(sc.Bytes(), &probe) != nil || probe == nil {
			continue
		}
		if n, _ := probe["exportedCount"].(float64); n != 0 {
			continue
		}
		var o Object
		_ = json.Unmarshal(sc.Bytes(), &o)
		objs = append(objs, o)
		// Like the products, objects of unsupported types are dropped
		// before references are resolved.
		inFile[o.key()] = s.supported[o.Type]
	}
	ans := fakeAnswer{Success: true}
	for _, o := range objs {
		if e := s.store(space, o, inFile, overwrite); e != nil {
			ans.Success = false
			ans.Errors = append(ans.Errors, e)
			continue
		}
		ans.SuccessCount++
	}
	return ans
}

// store saves one object or returns its error entry.
func (s *fakeServer) store(space string, o Object, inFile map[string]bool, overwrite bool) map[string]any {
	fail := func(e map[string]any) map[string]any {
		return map[string]any{"type": o.Type, "id": o.ID, "meta": map[string]any{"title": o.ID}, "error": e}
	}
	if !s.supported[o.Type] {
		return fail(map[string]any{"type": "unsupported_type"})
	}
	var missing []map[string]string
	for _, r := range o.References {
		if !inFile[r.Type+":"+r.ID] && s.objects[space+"/"+r.Type+":"+r.ID] == nil {
			missing = append(missing, map[string]string{"type": r.Type, "id": r.ID})
		}
	}
	if len(missing) > 0 {
		return fail(map[string]any{"type": "missing_references", "references": missing})
	}
	k := space + "/" + o.key()
	if s.objects[k] != nil && !overwrite {
		return fail(map[string]any{"type": "conflict"})
	}
	s.objects[k] = o.Attributes
	return nil
}

func (s *fakeServer) count(space string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k := range s.objects {
		if strings.HasPrefix(k, space+"/") {
			n++
		}
	}
	return n
}

func (s *fakeServer) recorded() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.requests...)
}
