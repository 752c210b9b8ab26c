//go:build !race

package pipeline

// poisonReleased: see DocBlock.release.
const poisonReleased = false
