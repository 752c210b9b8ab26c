package ingest

import "time"

// Report is the flat, JSON-ready form of a Summary (for --report json).
type Report struct {
	WindowsPlanned  int             `json:"windows_planned"`
	WindowsDone     int             `json:"windows_done"`
	WindowsFailed   int             `json:"windows_failed"`
	WindowsCanceled int             `json:"windows_canceled"`
	LinesRead       int64           `json:"lines_read"`
	BlankLines      int64           `json:"blank_lines"`
	Events          int64           `json:"events"`
	EventsStored    int64           `json:"events_stored"`
	Duplicates      int64           `json:"duplicates"`
	ParseFailures   int64           `json:"parse_failures"`
	DeadLettered    int64           `json:"dead_lettered"`
	Retries         int64           `json:"retries"`
	BytesRead       int64           `json:"bytes_read"`
	ElapsedSeconds  float64         `json:"elapsed_seconds"`
	Stopped         bool            `json:"stopped"`
	Failures        []FailureReport `json:"failures,omitempty"`
}

// FailureReport is a WindowFailure in text.
type FailureReport struct {
	Series   string    `json:"series"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error"`
}

// Report returns s in its JSON-ready form.
func (s Summary) Report() Report {
	st := s.Stats
	r := Report{
		WindowsPlanned: s.Planned, WindowsDone: s.Done, WindowsFailed: s.Failed, WindowsCanceled: s.Canceled,
		LinesRead: st.Lines, BlankLines: st.Blank, Events: st.Events, EventsStored: st.Stored,
		Duplicates: st.Duplicates, ParseFailures: st.ParseFailures, DeadLettered: st.DeadLettered,
		Retries: st.Retries, BytesRead: st.Bytes, ElapsedSeconds: s.Elapsed.Seconds(), Stopped: s.Stopped,
	}
	for _, f := range s.Failures {
		msg := ""
		if f.Err != nil {
			msg = f.Err.Error()
		}
		r.Failures = append(r.Failures, FailureReport{Series: f.Window.Series.String(), Start: f.Window.Start,
			End: f.Window.End, Attempts: f.Attempts, Error: msg})
	}
	return r
}
