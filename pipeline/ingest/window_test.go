package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

func checkInvariants(t *testing.T, st Stats) {
	t.Helper()
	if st.Lines != st.Blank+st.Events {
		t.Errorf("lines %d != blank %d + events %d", st.Lines, st.Blank, st.Events)
	}
	if st.Events != st.Stored+st.Duplicates+st.DeadLettered {
		t.Errorf("events %d != stored %d + duplicates %d + dead-lettered %d", st.Events, st.Stored, st.Duplicates, st.DeadLettered)
	}
}

func TestWindowStoresEveryLineOnceInOrder(t *testing.T) {
	w := win(seriesA, day(1, 0), day(1, 6))
	body := lines(w, 5000)
	r := newRig(t, func(r *rig) {
		r.cfg.BatchSize = 77
		r.src.body = func(pipeline.Window) string { return body }
	})
	st, err := r.e.Window(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, st)
	if st.Lines != 5000 || st.Stored != 5000 || st.Bytes != int64(len(body)) {
		t.Errorf("stats %+v, want 5000 lines stored, %d bytes", st, len(body))
	}
	want := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if got := r.sink.docs(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the sink did not get the lines in order (%d of %d)", len(got), len(want))
	}
	for i, n := range r.sink.batches {
		if n > 77 || (n < 77 && i != len(r.sink.batches)-1) {
			t.Errorf("batch %d has %d events, want 77 except the last", i, n)
		}
	}
	// Again: all duplicates.
	st, err = r.e.Window(context.Background(), w)
	if err != nil || st.Duplicates != 5000 || st.Stored != 0 {
		t.Errorf("second run: %+v, %v; want 5000 duplicates", st, err)
	}
}

func TestWindowBatchBytes(t *testing.T) {
	w := win(seriesA, day(1, 0), day(1, 6))
	r := newRig(t, func(r *rig) {
		r.cfg.BatchBytes = 1000
		r.cfg.BatchSize = 1000
		r.src.body = func(pipeline.Window) string {
			return strings.Repeat(strings.Repeat("a", 99)+"\n", 3) + strings.Repeat("b", 5000) + "\n" + lines(w, 40)
		}
	})
	st, err := r.e.Window(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, st)
	// Each event counts its document plus a 32-byte id.
	r.sink.mu.Lock()
	defer r.sink.mu.Unlock()
	if len(r.sink.batches) < 4 || r.sink.batches[0] != 3 || r.sink.batches[1] != 1 {
		t.Errorf("batches %v: want the small lines, then the 5000-byte line alone, then batches under 1000 bytes", r.sink.batches)
	}
}

func TestWindowCountsBlankAndParseFailures(t *testing.T) {
	w := win(seriesA, day(1, 0), day(1, 6))
	r := newRig(t, func(r *rig) {
		r.src.body = func(pipeline.Window) string { return "\nok 1\r\n  \nbad 1\nok 2\nbad 2" }
	})
	st, err := r.e.Window(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Lines: 6, Blank: 2, Events: 4, Stored: 4, ParseFailures: 2, Bytes: st.Bytes}
	if st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	if !r.sink.has("bad 2") {
		t.Error("a parse failure was not stored")
	}
}

func TestWindowRejectedGoToDeadLetter(t *testing.T) {
	w := win(seriesA, day(1, 0), day(1, 6))
	r := newRig(t, func(r *rig) {
		r.src.body = func(pipeline.Window) string { return "ok 1\nreject 1\nok 2\nreject 2\n" }
	})
	st, err := r.e.Window(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, st)
	dead := r.dl.Rejections()
	if st.DeadLettered != 2 || st.Stored != 2 || len(dead) != 2 || string(dead[1].Event.Doc) != "reject 2" || dead[0].Reason == "" {
		t.Errorf("stats %+v, dead letters %v", st, dead)
	}
}

func TestWindowFailures(t *testing.T) {
	boom := errors.New("boom")
	w := win(seriesA, day(1, 0), day(1, 6))
	tests := []struct {
		name string
		mod  func(*rig)
		want error
	}{
		{"fetch", func(r *rig) { r.src.fail = func(pipeline.Window, int) error { return boom } }, boom},
		{"write", func(r *rig) { r.sink.err = boom }, boom},
		{"dead letter", func(r *rig) {
			r.dl.PutErr = boom
			r.src.body = func(w pipeline.Window) string { return lines(w, 10) + "reject me\n" }
		}, boom},
		{"sink accounting", func(r *rig) { r.sink.lie = true }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.mod)
			_, err := r.e.Window(context.Background(), w)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), w.String()) {
				t.Errorf("error %q does not name the window", err)
			}
		})
	}
}

func TestWindowReadErrorMidStream(t *testing.T) {
	boom := errors.New("unexpected EOF in gzip")
	w := win(seriesA, day(1, 0), day(1, 6))
	r := newRig(t, nil)
	r.e.deps.Source = funcSource(func(context.Context, pipeline.Window) (io.ReadCloser, error) {
		return &errReader{data: []byte(lines(w, 3000)), err: boom}, nil
	})
	st, err := r.e.Window(context.Background(), w)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the read error", err)
	}
	if st.Lines != 3000 {
		t.Errorf("read %d lines before the error, want 3000", st.Lines)
	}
}

// A write failure stops the window early: the rest of a long stream is not
// read.
func TestWindowStopsReadingAfterWriteFailure(t *testing.T) {
	w := win(seriesA, day(1, 0), day(1, 6))
	body := lines(w, 200000)
	r := newRig(t, func(r *rig) {
		r.sink.err = errors.New("bulk rejected")
		r.src.body = func(pipeline.Window) string { return body }
	})
	st, err := r.e.Window(context.Background(), w)
	if err == nil {
		t.Fatal("no error")
	}
	if st.Bytes >= int64(len(body)) {
		t.Errorf("read all %d bytes after the first write failed", st.Bytes)
	}
}

func TestNewReportsEveryMissingDependency(t *testing.T) {
	cfg := NewDefaultConfig()
	cfg.BatchSize = 0
	_, err := New(cfg, Deps{})
	for _, want := range []string{"batch_size", "source", "parser", "sink", "dead letter", "checkpoint store"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New() = %v, want it to name %q", err, want)
		}
	}
}

func ExampleStats_Add() {
	var total Stats
	total.Add(Stats{Lines: 3, Events: 2, Blank: 1, Stored: 2})
	total.Add(Stats{Lines: 1, Events: 1, DeadLettered: 1})
	fmt.Println(total.Lines, total.Events, total.Stored, total.DeadLettered)
	// Output: 4 3 2 1
}

type panicParser struct{ lineParser }

func (p panicParser) Parse(line []byte, w pipeline.Window) (pipeline.Event, error) {
	if strings.HasSuffix(string(line), " 77") {
		panic("index out of range")
	}
	return p.lineParser.Parse(line, w)
}

func TestWindowParserPanicFailsWindowOnly(t *testing.T) {
	w := win(seriesA, day(1, 0), day(1, 6))
	r := newRig(t, nil)
	r.e.deps.Parser = panicParser{}
	_, err := r.e.Window(context.Background(), w)
	if err == nil || !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("err = %v, want a permanent error about the panic", err)
	}
}
