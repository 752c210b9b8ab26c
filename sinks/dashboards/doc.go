// Package dashboards imports aspaudit's saved objects (data view or index
// pattern, saved searches, visualizations, dashboard) into Kibana 8.x or
// OpenSearch Dashboards 2.x through their saved objects import API, as
// "aspaudit setup" does.
//
// The objects have fixed ids and are imported with overwrite=true, so a
// re-run replaces aspaudit's objects instead of adding copies. Exports are
// checked locally before they are sent (every line parses, ids are unique,
// every reference resolves, version stamps are present), and the server's
// per-object errors are reported one by one.
//
// Without a configured URL nothing is sent: ManualInstructions tells the
// user how to import the export by hand.
package dashboards
