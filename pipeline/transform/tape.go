package transform

import "github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"

// tape is a validated line (see internal/jsontape) with the readers of
// this package's schemas as its methods.
type tape struct{ jsontape.Tape }

// raw is one value of the tape.
type raw = jsontape.Value
