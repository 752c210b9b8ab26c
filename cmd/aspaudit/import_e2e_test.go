package main

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sources/archive"
)

// sampleEvents is the number of events in testdata/sample (issue 2).
const sampleEvents = 19

func TestImportSampleFileSink(t *testing.T) {
	t.Parallel()
	testImportSample(t, fileTarget(t))
}

func TestImportSampleElasticsearch(t *testing.T) {
	t.Parallel()
	testImportSample(t, searchTarget(t, "ES"))
}

func TestImportSampleOpenSearch(t *testing.T) {
	t.Parallel()
	testImportSample(t, searchTarget(t, "OS"))
}

// testImportSample imports the repository's sample archives: exactly their
// 19 events are stored; importing them again (as a directory) stores
// nothing more.
func testImportSample(t *testing.T, tg target) {
	binary(t)
	files := sampleArchives(t)
	want := archiveIDs(t, files)
	if len(want) != sampleEvents {
		t.Fatalf("the sample archives hold %d distinct events; want %d", len(want), sampleEvents)
	}
	e := tg.env.with("ASPAUDIT_LOG__FORMAT", "json")

	r := aspaudit(t, e, append([]string{"import", "--project", e2eProject, "--report", "json"}, files...)...)
	mustExit(t, r, exitOK, "first import")
	rep := parseReport(t, r)
	if rep.Command != "import" || rep.WindowsPlanned != len(files) || rep.WindowsDone != len(files) ||
		rep.Events != sampleEvents || rep.EventsStored != sampleEvents || rep.Duplicates != 0 || rep.DeadLettered != 0 {
		t.Errorf("first import: %+v; want %d windows, %d events all stored", rep, len(files), sampleEvents)
	}
	idDiff(t, "after the first import", want, tg.stored(t))
	if tg.url != "" {
		if n := searchtest.Count(t, tg.url, tg.prefix+"-*"); n != sampleEvents {
			t.Errorf("_count after the first import: %d, want %d", n, sampleEvents)
		}
	}

	r = aspaudit(t, e, "import", "--project", e2eProject, "--report", "json", filepath.Dir(files[0]))
	mustExit(t, r, exitOK, "second import")
	rep = parseReport(t, r)
	if rep.Events != sampleEvents || rep.EventsStored != 0 || rep.Duplicates != sampleEvents {
		t.Errorf("second import: %+v; want %d events, all duplicates", rep, sampleEvents)
	}
	idDiff(t, "after the second import", want, tg.stored(t))
	if tg.url != "" {
		if n := searchtest.Count(t, tg.url, tg.prefix+"-*"); n != sampleEvents {
			t.Errorf("_count after the second import: %d, want %d", n, sampleEvents)
		}
	}
}

// archiveIDs reads the archives itself and returns the ids of their
// non-blank lines, for workspace ws-payments (from the file names).
func archiveIDs(t testing.TB, files []string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(archive.NewReader(fh))
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for sc.Scan() {
			if line := sc.Bytes(); !isBlankText(string(line)) {
				out[transform.DocumentID(e2eProject, "ws-payments", line)] = true
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatalf("reading %s: %v", f, err)
		}
		_ = fh.Close()
	}
	return out
}
