package templates

import (
	"testing"
	"time"
)

func TestParseAge(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"", 0, false},
		{"0", 0, false},
		{"400d", 400 * Day, false},
		{"8w", 56 * Day, false},
		{"8760h", 8760 * time.Hour, false},
		{"36h30m", 36*time.Hour + 30*time.Minute, false},
		{" 30d ", 30 * Day, false},
		{"-1d", 0, true},
		{"-5h", 0, true},
		{"1.5d", 0, true},
		{"d", 0, true},
		{"400days", 0, true},
		{"99999999d", 0, true},
		{"1y", 0, true},
	}
	for _, c := range cases {
		got, err := ParseAge(c.in)
		if (err != nil) != c.bad {
			t.Errorf("ParseAge(%q) error = %v, want error %v", c.in, err, c.bad)
			continue
		}
		if !c.bad && got.Duration() != c.want {
			t.Errorf("ParseAge(%q) = %s, want %s", c.in, got.Duration(), c.want)
		}
	}
}

func TestAgeTextRoundTrip(t *testing.T) {
	for _, in := range []string{"0", "400d", "36h0m0s", "90m0s"} {
		var a Age
		if err := a.UnmarshalText([]byte(in)); err != nil {
			t.Fatalf("UnmarshalText(%q): %v", in, err)
		}
		out, _ := a.MarshalText()
		var b Age
		if err := b.UnmarshalText(out); err != nil || b != a {
			t.Errorf("%q -> %q -> %s (%v), want %s", in, out, b, err, a)
		}
	}
	if got := Age(56 * Day).String(); got != "56d" {
		t.Errorf("String of 56 days = %q", got)
	}
}

func TestLifecycleAge(t *testing.T) {
	cases := map[time.Duration]string{
		400 * Day:                   "400d",
		36 * time.Hour:              "36h",
		90 * time.Minute:            "5400s",
		Day + 1500*time.Millisecond: "86402s",
	}
	for in, want := range cases {
		if got := lifecycleAge(in); got != want {
			t.Errorf("lifecycleAge(%s) = %q, want %q", in, got, want)
		}
	}
}
