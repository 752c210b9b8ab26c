// Package pipeline defines the contracts between aspaudit's stages: the
// window a source fetches, the event the transform produces, the sink that
// stores events, the dead-letter place for events rejected for good, the
// checkpoint store that records which time ranges are fully stored, and the
// error vocabulary that says whether retrying can help.
//
// The package imports none of aspaudit's implementations: sources/* and
// sinks/* implement these contracts and cmd/aspaudit wires them together.
package pipeline
