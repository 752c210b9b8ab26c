package kibana

import _ "embed"

// OperationalFileName is the operational log's export in this directory.
const OperationalFileName = "aspaudit-operational-saved-objects.ndjson"

// OperationalSavedObjects is the operational log's export (data view,
// searches, charts, dashboard), as SavedObjects is the audit log's.
// Treat it as read-only.
//
//go:embed aspaudit-operational-saved-objects.ndjson
var OperationalSavedObjects []byte
