// Package state keeps aspaudit's own state inside the search cluster it
// writes to: the checkpoint store (which time ranges of each series are
// fully stored) and, optionally, the dead-letter index (events the cluster
// refused for good, with its reason). Keeping them in the cluster lets
// replicas and restarted containers share them without a volume.
//
// # Checkpoints
//
// One document per series in the state index (default "aspaudit-state",
// a hidden index), its id a hash of the series, holding the merged
// coverage ranges. MarkStored reads the document, merges the new range and
// writes it back only if nobody wrote in between (if_seq_no and
// if_primary_term); on a conflict it reads again and retries, so two
// processes recording ranges of the same series at once never lose each
// other's ranges. Reads by id are real-time, so no refresh is needed, and
// an acknowledged write is durable (the translog is synced per request by
// default).
//
// # Dead letters
//
// Each refused event becomes one document in the dead-letter index: the
// event's own document kept as a string (it was refused by the mapping, so
// it is not mapped again), its id, time, the item's status and the
// server's reason. The dead letter's id is the event's id: re-running a
// window that is refused again overwrites its dead letter instead of
// adding another.
//
// # Leases
//
// LeaseStore keeps, in the state index too, the leases by which several
// `run` replicas share the projects (see ingest.FollowShared): one
// document per project ("lease-" and a hash of the project id: holder,
// expiry, last renewal) and one "members" document recording each replica
// alive with its expiry. Every write is conditional on the version read
// (if_seq_no and if_primary_term, or op_type=create), so of replicas
// racing for a lease exactly one wins; reads by id are real-time. An
// index created before leases gets their fields added to its mapping.
//
// Both indices are created on first use with their own small, strict
// mapping. Their names must not match the audit indices' pattern
// ("<prefix>-*"), whose template would otherwise apply; CheckNames tells.
package state
