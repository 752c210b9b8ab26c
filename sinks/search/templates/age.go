package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Day is 24 hours; retention ages are counted in UTC days.
const Day = 24 * time.Hour

// Age is a retention age. Besides Go durations ("8760h") it accepts whole
// days ("400d") and weeks ("8w"); "" and "0" mean no age. It decodes from
// configuration text through encoding.TextUnmarshaler.
type Age time.Duration

// ParseAge reads an age: "400d", "8w", a Go duration such as "8760h", or
// "" / "0" for none. Negative ages are refused.
func ParseAge(s string) (Age, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	d, err := pipeline.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not an age: want whole days (400d), weeks (8w) or a duration (8760h)", s)
	}
	return Age(d), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseAge.
func (a *Age) UnmarshalText(b []byte) error {
	v, err := ParseAge(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText implements encoding.TextMarshaler with String.
func (a Age) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Duration returns the age as a time.Duration.
func (a Age) Duration() time.Duration { return time.Duration(a) }

// String returns "0", whole days ("400d") when the age is a number of days,
// else the Go duration text.
func (a Age) String() string {
	d := time.Duration(a)
	switch {
	case d == 0:
		return "0"
	case d%Day == 0:
		return strconv.FormatInt(int64(d/Day), 10) + "d"
	}
	return d.String()
}

// lifecycleAge writes an age in the units ILM and ISM accept: days, hours,
// or seconds.
func lifecycleAge(d time.Duration) string {
	switch {
	case d%Day == 0:
		return strconv.FormatInt(int64(d/Day), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
	return strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10) + "s"
}
