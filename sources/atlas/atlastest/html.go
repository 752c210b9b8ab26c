package atlastest

import (
	"net/http"
)

// CaptivePortal is the page a proxy or captive portal answers in place of
// the API: 200, text/html. Inject it with Rule{Status: 200, HTML: CaptivePortal}.
const CaptivePortal = "<!DOCTYPE html>\n<html><head><title>Network login required</title></head>\n<body><p>Sign in to continue.</p></body></html>\n"

// writeHTML answers as a proxy, captive portal or web server in front of
// a wrong base URL would: r.Status (200 when zero) with an HTML page.
func writeHTML(w http.ResponseWriter, r *Rule) {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(r.HTML))
}
