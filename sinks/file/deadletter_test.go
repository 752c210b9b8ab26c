package file

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

func TestDeadLetterLines(t *testing.T) {
	path := t.TempDir()
	d, err := NewDeadLetter(path)
	if err != nil {
		t.Fatal(err)
	}
	rs := sinktest.Rejections(3) // object, text, binary documents
	if err := d.Put(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(path, deadLetterDir, "*.ndjson"))
	if len(files) != 1 {
		t.Fatalf("dead-letter files: %v", files)
	}
	b, _ := os.ReadFile(files[0])
	lines := bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
	if len(lines) != 3 {
		t.Fatalf("%d lines; want 3", len(lines))
	}
	var rec map[string]any
	if err := json.Unmarshal(lines[0], &rec); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"time", "_id", "status", "reason", "event_time"} {
		if _, ok := rec[key]; !ok {
			t.Errorf("line has no %q: %s", key, lines[0])
		}
	}
	if _, ok := rec["doc"].(map[string]any); !ok {
		t.Errorf("a JSON document should be kept as an object: %s", lines[0])
	}
	if !bytes.Contains(lines[1], []byte(`"doc_text":"not json {`)) || !bytes.Contains(lines[2], []byte(`"doc_base64":`)) {
		t.Errorf("other documents should be kept as text or base64:\n%s\n%s", lines[1], lines[2])
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(context.Background(), rs); err == nil {
		t.Error("Put after Close succeeded")
	}
}
