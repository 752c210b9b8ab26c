package searchtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// throttleItems forwards a _bulk request and rewrites the answer: every
// second item (the 2nd, 4th, ...) becomes 429 es_rejected_execution_exception.
// Those items were stored all the same, so a client retrying them finds
// them (409) and counts them as duplicates; the others are answered as the
// cluster answered them.
func (p *Proxy) throttleItems(w http.ResponseWriter, r *http.Request, body []byte) {
	r.Header.Del("Accept-Encoding") // a plain answer, to rewrite
	res, err := p.forward(r, body)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"error":{"type":"proxy","reason":%q},"status":502}`, err.Error()), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	var ans struct {
		Items []map[string]map[string]any `json:"items"`
	}
	if err != nil || res.StatusCode != http.StatusOK || json.Unmarshal(raw, &ans) != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	for i, item := range ans.Items {
		if i%2 == 0 {
			continue
		}
		for _, v := range item {
			v["status"] = http.StatusTooManyRequests
			v["error"] = map[string]any{"type": "es_rejected_execution_exception",
				"reason": "rejected execution (injected by searchtest.Proxy)"}
		}
	}
	out, _ := json.Marshal(map[string]any{"errors": len(ans.Items) > 1, "items": ans.Items})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}
