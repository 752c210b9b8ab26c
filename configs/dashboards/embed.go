package dashboards

import _ "embed"

// FileName is the export's name in this directory.
const FileName = "aspaudit-saved-objects.ndjson"

// Path is where the export lives in aspaudit's source tree.
const Path = "configs/dashboards/" + FileName

// SavedObjects is the export, one saved object per line followed by the
// export summary line, as the OpenSearch Dashboards saved objects import
// API takes it. Treat it as read-only.
//
//go:embed aspaudit-saved-objects.ndjson
var SavedObjects []byte
