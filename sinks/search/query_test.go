package search_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// auditEvent is a known event for the search tests.
type auditEvent struct {
	id, action, outcome, ip string
}

func queryEvents() []auditEvent {
	actions := []string{"authenticate", "createCollection", "authCheck"}
	outcomes := []string{"success", "failure"}
	ips := []string{"10.0.0.5", "10.0.0.200", "10.0.1.7", "192.168.3.4", "2001:db8::1", "10.0.0.17"}
	var out []auditEvent
	for i := range 36 {
		out = append(out, auditEvent{
			id:      fmt.Sprintf("q-%02d", i),
			action:  actions[i%3],
			outcome: outcomes[i/3%2],
			ip:      ips[i%len(ips)],
		})
	}
	return out
}

func (a auditEvent) event() pipeline.Event {
	ts := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	doc, _ := json.Marshal(map[string]any{
		"@timestamp": ts.Format(time.RFC3339),
		"event":      map[string]any{"action": a.action, "outcome": a.outcome, "kind": "event"},
		"source":     map[string]any{"ip": a.ip, "port": 40000},
		"mongodb":    map[string]any{"audit": map[string]any{"atype": a.action, "param": map[string]any{"user": "u", "mechanism.name": "SCRAM-SHA-256"}}},
	})
	return pipeline.Event{ID: a.id, Time: ts, Doc: doc}
}

// TestSearchFindsExactlyTheExpectedEvents indexes a known set through the
// sink (so with the installed template's mapping) and checks that the
// searches users run return exactly the expected documents.
func TestSearchFindsExactlyTheExpectedEvents(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			s := newRealSink(t, u, u, prefix)
			known := queryEvents()
			var evs []pipeline.Event
			for _, a := range known {
				evs = append(evs, a.event())
			}
			if res := writeAll(t, s, evs); res.Stored != len(evs) {
				t.Fatalf("write: %+v", res)
			}
			searchtest.Refresh(t, u, search.IndexPattern(prefix))

			want := ids(known, func(a auditEvent) bool { return a.action == "authenticate" && a.outcome == "failure" })
			got := searchIDs(t, u, prefix, `{"query":{"query_string":{"query":"event.action:authenticate AND event.outcome:failure"}}}`)
			expectIDs(t, "event.action:authenticate AND event.outcome:failure", got, want)

			lo, hi := netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.0.0.255")
			want = ids(known, func(a auditEvent) bool {
				ip := netip.MustParseAddr(a.ip)
				return ip.Is4() && ip.Compare(lo) >= 0 && ip.Compare(hi) <= 0
			})
			got = searchIDs(t, u, prefix, `{"query":{"range":{"source.ip":{"gte":"10.0.0.0","lte":"10.0.0.255"}}}}`)
			expectIDs(t, "source.ip range", got, want)

			got = searchIDs(t, u, prefix, `{"query":{"term":{"source.ip":"10.0.0.0/24"}}}`)
			expectIDs(t, "source.ip CIDR", got, want)
		})
	}
}

func ids(known []auditEvent, keep func(auditEvent) bool) []string {
	var out []string
	for _, a := range known {
		if keep(a) {
			out = append(out, a.id)
		}
	}
	return out
}

func searchIDs(t *testing.T, u, prefix, query string) []string {
	t.Helper()
	b := searchtest.MustDo(t, http.MethodPost, u, "/"+url.PathEscape(search.IndexPattern(prefix))+"/_search?size=1000", query)
	var ans struct {
		Hits struct {
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatalf("decoding search answer: %v", err)
	}
	var out []string
	for _, h := range ans.Hits.Hits {
		out = append(out, h.ID)
	}
	return out
}

func expectIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	slices.Sort(got)
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatalf("%s: the test set expects no hit; it proves nothing", what)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}
