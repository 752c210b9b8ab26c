// Package files imports audit-log archives already downloaded from Atlas
// (with the Atlas CLI, the Admin API or the UI), so that the engine treats
// them like windows fetched from the API.
//
// A downloaded archive keeps the name the API gave it in
// Content-Disposition:
//
//	<workspace>_<start>_<end>_audit.log.gz
//	<workspace>_<processor>_<start>_<end>_audit.log.gz
//
// with start and end in RFC 3339. NameRule turns such a name into a
// pipeline.Window; see NameRule.Window for how the workspace is told from
// the processor when names contain underscores. A file named otherwise
// (the CLI's --out lets users choose any name) gets a window with the
// caller's workspace and zero Start and End: its time range is unknown, so
// it covers nothing in the checkpoints (the window's Range is empty) and the
// events' own times are all there is to go by.
//
// Source serves the archives through the pipeline.Source contract. Errors
// about local files are pipeline.Permanent, since retrying cannot repair a
// missing or truncated file, and name the path and what to do.
package files
