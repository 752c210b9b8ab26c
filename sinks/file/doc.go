// Package file is aspaudit's embedded default sink: events as NDJSON files
// on local disk, plus the checkpoint store and dead-letter place that go
// with them, all under one data directory (./aspaudit-data by default):
//
//	events/2026.11/0000000001-0000000001.ndjson  committed segments, one event per line
//	events/2026.11/0000000001-0000000001.ids     id hashes of that segment (a cache)
//	events/2026.11/.lock                         serialises writers of the month
//	dead-letter/20261105T102030.123456789Z-<pid>-<n>.ndjson
//	state/coverage.json, state/coverage.lock     checkpoints
//
// Each line is the event's document with its id inserted as the first
// member, "_id". Events are partitioned by the UTC month of their own
// time, so an event always lands in the same partition.
//
// Crash safety: every file is written under a hidden temp name, synced,
// renamed into place and the directory synced, so a visible .ndjson file
// is always whole; a kill -9 or power loss leaves at most a temp file,
// which the next writer removes. Write returns only after that, so a
// checkpoint recorded after Write is honest.
//
// Each event is stored once: writers of a partition hold its lock (flock,
// across processes) while they load the ids of segments they have not
// seen, skip the events already stored (reported as duplicates), and
// commit the rest as a new segment. The .ids files hold 16-byte hashes
// of the ids; the in-memory id index keeps 100 bits of each (about 13.5
// bytes an event, see idindex.go), for at most
// Config.MaxLoadedPartitions months at a time. It is loaded from the .ids
// files, which are rebuilt from the segments when missing or damaged.
//
// Merging: when a month gathers Config.CompactSegments small segments of
// similar size they are copied into one named after the span of sequence
// numbers it replaces; a segment whose span lies inside another's is a
// leftover of an interrupted merge and is removed, never read twice.
//
// Readers other than aspaudit should skip names starting with "." and may
// use Scan, which takes the locks and skips leftovers.
package file
