package files

import (
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

const project = "5f1a2b3c4d5e6f7a8b9c0d1e"

func TestWindowFromName(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	win := func(ws, proc string) pipeline.Window {
		return pipeline.Window{Series: pipeline.Series{ProjectID: project, Workspace: ws, Processor: proc}, Start: start, End: end}
	}
	stamps := "_2026-11-01T00:00:00Z_2026-11-02T00:00:00Z_audit.log.gz"
	cases := []struct {
		name  string
		rule  NameRule
		file  string
		want  pipeline.Window
		error string
	}{
		{"workspace only", NameRule{}, "/tmp/dl/ws-prod" + stamps, win("ws-prod", ""), ""},
		{"offset times", NameRule{}, "ws_2026-11-01T01:00:00+01:00_2026-11-02T01:00:00+01:00_audit.log.gz", win("ws", ""), ""},
		{"gunzipped", NameRule{}, "ws_2026-11-01T00:00:00Z_2026-11-02T00:00:00Z_audit.log", win("ws", ""), ""},
		{"processor is ambiguous alone", NameRule{}, "ws_proc" + stamps, pipeline.Window{}, `workspace "ws_proc" or workspace "ws" with processor "proc"`},
		{"processor settled by flag", NameRule{Workspace: "ws"}, "ws_proc" + stamps, win("ws", "proc"), ""},
		{"underscored workspace settled by flag", NameRule{Workspace: "my_ws"}, "my_ws" + stamps, win("my_ws", ""), ""},
		{"underscored workspace and processor", NameRule{Workspace: "my_ws"}, "my_ws_p_1" + stamps, win("my_ws", "p_1"), ""},
		{"settled by known workspaces", NameRule{Known: []string{"other", "my_ws"}}, "my_ws_p_1" + stamps, win("my_ws", "p_1"), ""},
		{"known workspace whole", NameRule{Known: []string{"my_ws"}}, "my_ws" + stamps, win("my_ws", ""), ""},
		{"known list matches twice", NameRule{Known: []string{"a", "a_b"}}, "a_b_c" + stamps, pipeline.Window{}, "can be read as"},
		{"flag contradicts name", NameRule{Workspace: "other"}, "ws" + stamps, pipeline.Window{}, `not with the workspace "other"`},
		{"start after end", NameRule{}, "ws_2026-11-02T00:00:00Z_2026-11-01T00:00:00Z_audit.log.gz", pipeline.Window{}, "is not before its end"},
		{"free name with flag", NameRule{Workspace: "ws"}, "/tmp/logs.gz", pipeline.Window{Series: pipeline.Series{ProjectID: project, Workspace: "ws"}}, ""},
		{"free name without flag", NameRule{}, "/tmp/logs.gz", pipeline.Window{}, "does not say its workspace"},
		{"bad times are a free name", NameRule{Workspace: "ws"}, "ws_yesterday_today_audit.log.gz", pipeline.Window{Series: pipeline.Series{ProjectID: project, Workspace: "ws"}}, ""},
		{"no prefix", NameRule{}, "_2026-11-01T00:00:00Z_2026-11-02T00:00:00Z_audit.log.gz", pipeline.Window{}, "does not say its workspace"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.rule.ProjectID = project
			got, err := c.rule.Window(c.file)
			if c.error != "" {
				if err == nil || !strings.Contains(err.Error(), c.error) {
					t.Fatalf("got %v, %v; want error containing %q", got, err, c.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Series != c.want.Series || !got.Start.Equal(c.want.Start) || !got.End.Equal(c.want.End) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			if !c.want.Start.IsZero() && (got.Start.Location() != time.UTC || got.End.Location() != time.UTC) {
				t.Fatalf("times not in UTC: %v", got)
			}
		})
	}
}

func TestWindowFromNameNeedsProject(t *testing.T) {
	if _, err := WindowFromName("", "ws", "ws_2026-11-01T00:00:00Z_2026-11-02T00:00:00Z_audit.log.gz"); err == nil {
		t.Fatal("no error without a project id")
	}
}
