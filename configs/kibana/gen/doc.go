// Package gen writes aspaudit's saved objects exports: the Kibana 8.x one
// (configs/kibana) and the OpenSearch Dashboards 2.x one
// (configs/dashboards), both from one catalog of searches, charts and
// dashboard layout, so that the two products show the same things.
//
// The exports are checked in; regenerate them after a change with
//
//	go generate ./configs/kibana
//
// which runs this package's test with -update. Without -update the test
// fails when a checked-in export differs from what the catalog produces.
package gen
