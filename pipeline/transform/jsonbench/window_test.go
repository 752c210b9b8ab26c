package jsonbench

import (
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

var benchWindow = pipeline.Window{
	Series: pipeline.Series{ProjectID: projectID, Workspace: workspace},
	Start:  time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	End:    time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
}
