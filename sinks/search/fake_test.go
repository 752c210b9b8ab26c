package search_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeCluster is an httptest server speaking enough of Elasticsearch's
// _bulk protocol for the sink's unit tests: it decodes gzip and NDJSON,
// stores created ids, answers 409 for known ids, and lets a test decide
// the status of any item or whole request.
type fakeCluster struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	docs     map[string]json.RawMessage // "index/id" -> document
	requests int
	gzipped  int
	sizes    []int // items per request
	seen     map[string]int

	// whole, when set, may answer a request as a whole: it returns a
	// status other than 0 to do so.
	whole func(n int, bodyBytes int) int
	// item, when set, may override the status of an item: it gets the
	// number of times this id was seen (1 the first time).
	item func(id string, seen int) (status int, errType, reason string)
}

func newFakeCluster(t *testing.T) *fakeCluster {
	f := &fakeCluster{t: t, docs: map[string]json.RawMessage{}, seen: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeCluster) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/":
		fmt.Fprint(w, `{"version":{"number":"8.19.0"},"tagline":"You Know, for Search"}`)
	case r.Method == http.MethodPost && r.URL.Path == "/_bulk":
		f.bulk(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/_index_template/"):
		// The template is there (setup ran); indices are not (404 below),
		// so each is created from it by its first write.
		name := strings.TrimPrefix(r.URL.Path, "/_index_template/")
		fmt.Fprintf(w, `{"index_templates":[{"name":%q,"index_template":{"_meta":{}}}]}`, name)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"type":"not_found","reason":"fake"},"status":404}`)
	}
}

type fakeAction struct {
	Create struct {
		Index string `json:"_index"`
		ID    string `json:"_id"`
	} `json:"create"`
}

func (f *fakeCluster) bulk(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	gz := r.Header.Get("Content-Encoding") == "gzip"
	if gz {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			http.Error(w, "bad gzip", 400)
			return
		}
		if body, err = io.ReadAll(zr); err != nil {
			http.Error(w, "bad gzip", 400)
			return
		}
	}
	var actions []fakeAction
	var docs []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var a fakeAction
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.Create.ID == "" {
			f.t.Errorf("fake: bad action line %q", sc.Bytes())
			http.Error(w, "bad action", 400)
			return
		}
		if !sc.Scan() || !json.Valid(sc.Bytes()) {
			f.t.Errorf("fake: missing or invalid document after %q", a.Create.ID)
			http.Error(w, "bad doc", 400)
			return
		}
		actions = append(actions, a)
		docs = append(docs, append(json.RawMessage(nil), sc.Bytes()...))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if gz {
		f.gzipped++
	}
	if f.whole != nil {
		if st := f.whole(len(actions), len(body)); st != 0 {
			w.WriteHeader(st)
			fmt.Fprintf(w, `{"error":{"type":"fake_whole","reason":"status %d"},"status":%d}`, st, st)
			return
		}
	}
	f.sizes = append(f.sizes, len(actions))
	fmt.Fprint(w, f.answer(actions, docs))
}

// answer settles each action and returns the _bulk answer (filtered like
// filter_path=errors,items.*.status,items.*.error).
func (f *fakeCluster) answer(actions []fakeAction, docs []json.RawMessage) string {
	var items []string
	errs := false
	for i, a := range actions {
		key := a.Create.Index + "/" + a.Create.ID
		f.seen[a.Create.ID]++
		st, typ, reason := 0, "", ""
		if f.item != nil {
			st, typ, reason = f.item(a.Create.ID, f.seen[a.Create.ID])
		}
		if st == 0 {
			if _, ok := f.docs[key]; ok {
				st, typ, reason = 409, "version_conflict_engine_exception", "document already exists"
			} else {
				f.docs[key] = docs[i]
				st = 201
			}
		}
		if st >= 300 {
			errs = true
			items = append(items, fmt.Sprintf(`{"create":{"status":%d,"error":{"type":%q,"reason":%q,"caused_by":{"type":"cause","reason":"why"}}}}`, st, typ, reason))
			continue
		}
		items = append(items, fmt.Sprintf(`{"create":{"status":%d}}`, st))
	}
	out, _ := json.Marshal(map[string]any{"errors": errs, "items": json.RawMessage("[" + join(items) + "]")})
	return string(out)
}

func join(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x)
	}
	return b.String()
}

func (f *fakeCluster) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.docs)
}

func (f *fakeCluster) has(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.docs[key]
	return ok
}

func (f *fakeCluster) stats() (requests, gzipped int, sizes []int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, f.gzipped, append([]int(nil), f.sizes...)
}
