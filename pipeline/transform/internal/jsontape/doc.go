// Package jsontape is the transform's JSON engine: a single-pass,
// validating scanner that turns one audit line into a flat tape of
// tokens (Tape), iteration over the tape's objects and arrays (Members,
// Elements), and the writing of JSON: string escaping, raw values copied
// back with their repairs (invalid UTF-8 and unpaired surrogate escapes
// become U+FFFD, repeated keys keep their last member, values past the
// flattened-field bounds are cut) and the raw line as event.original.
//
// It knows JSON only; what the lines mean (the two audit schemas, the
// event document) is pipeline/transform's. It is internal because it
// exists for the transform's rate alone: JSON libraries producing the
// same documents reach at most a fifth of it (see README, "The
// transform's JSON engine against libraries", and jsonbench).
package jsontape
