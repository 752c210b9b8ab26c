package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

// progress redraws one status line on a terminal: windows done/total,
// events, rate and ETA. Off a terminal it prints nothing (logs suffice).
// Log lines written through it (Write) appear above the status line
// instead of running into it.
type progress struct {
	w       io.Writer
	label   string
	on      bool
	mu      sync.Mutex
	last    time.Time
	line    string // the status line currently shown, "" when none
	printed bool
}

// Write prints a log line above the status line. Safe for concurrent use.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.line != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
	n, err := p.w.Write(b)
	if p.line != "" {
		fmt.Fprint(p.w, p.line)
	}
	return n, err
}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, on: isTerminal(w)}
}

// update is the engine's Progress callback; it redraws at most 5 times a
// second.
func (p *progress) update(s ingest.Progress) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 200*time.Millisecond && s.WindowsDone+s.WindowsFailed < s.WindowsTotal {
		return
	}
	p.last = time.Now()
	p.printed = true
	p.line = progressLine(p.label, s)
	fmt.Fprintf(p.w, "\r\033[K%s", p.line)
}

// done ends the status line so the summary starts on a fresh one.
func (p *progress) done() {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.printed {
		fmt.Fprintln(p.w)
	}
	p.line = ""
}

// progressLine formats one snapshot.
func progressLine(label string, s ingest.Progress) string {
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Events) / s.Elapsed.Seconds()
	}
	line := fmt.Sprintf("%s: windows %d/%d", label, s.WindowsDone, s.WindowsTotal)
	if s.WindowsFailed > 0 {
		line += fmt.Sprintf(" (%d failed)", s.WindowsFailed)
	}
	line += fmt.Sprintf(", %d events, %.0f events/s", s.Events, rate)
	finished := s.WindowsDone + s.WindowsFailed
	if finished > 0 && finished < s.WindowsTotal {
		eta := time.Duration(float64(s.Elapsed) / float64(finished) * float64(s.WindowsTotal-finished))
		line += ", ETA " + eta.Round(time.Second).String()
	}
	return line
}
