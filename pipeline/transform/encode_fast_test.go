package transform

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/internal/isotime"
)

// TestIPTextMatchesFormatting checks that writing an ip by copying its text
// from the line gives what formatting the parsed address gives, and that an
// endpoint whose address is replaced does not keep the earlier text.
func TestIPTextMatchesFormatting(t *testing.T) {
	p := New(NewDefaultConfig())
	for _, tc := range []struct{ local, want string }{
		{`{"ip":"10.0.0.1","port":1}`, "10.0.0.1"},
		{`{"ip":"0.0.0.0","port":1}`, "0.0.0.0"},
		{`{"ip":"255.255.255.255","port":1}`, "255.255.255.255"},
		{`{"ip":"010.0.0.1","port":1}`, ""}, // not an ip: no leading zeros
		{`{"ip":"10.0.0.1","unix":"::FFFF:10.0.0.2"}`, "::ffff:10.0.0.2"},
		{`{"ip":"10.0.0.1","unix":"/tmp/mongodb.sock"}`, ""},
		{`{"ip":"2001:DB8::1","port":1}`, "2001:db8::1"},
		{`{"ip":"1\u002e2.3.4","port":1}`, "1.2.3.4"},
	} {
		line := fmt.Sprintf(`{"atype":"authCheck","ts":{"$date":"2026-11-01T10:15:30.123Z"},"local":%s,"result":0}`, tc.local)
		ev, err := p.Parse([]byte(line), goldenWindow)
		if err != nil {
			t.Fatal(err)
		}
		doc := decodeDoc(t, ev.Doc)
		got, _ := field(doc, "destination.ip").(string)
		if got != tc.want {
			t.Errorf("local %s: destination.ip = %q, want %q", tc.local, got, tc.want)
		}
		if tc.want != "" {
			if a, err := netip.ParseAddr(got); err != nil || a.String() != got {
				t.Errorf("local %s: %q is not canonical ip text", tc.local, got)
			}
		}
	}
}

// TestStampFollowsTime checks that the cached event.ingested text changes
// with the millisecond and equals appendTime's.
func TestStampFollowsTime(t *testing.T) {
	var s stamp
	t0 := time.Date(2026, 11, 1, 10, 15, 30, 123e6, time.UTC)
	for _, at := range []time.Time{time.Unix(0, 0).UTC(), t0, t0, t0.Add(time.Millisecond), t0.Add(-time.Hour), time.Unix(0, 0).UTC()} {
		if got, want := string(s.text(at)), string(isotime.Append(nil, at)); got != want {
			t.Errorf("stamp of %v = %s, want %s", at, got, want)
		}
	}
}
