package pipeline

// Place says where a stream processing workspace runs, as Atlas lists it
// (the workspace's dataProcessRegion): Provider "AWS", Region
// "VIRGINIA_USA".
type Place struct {
	Provider string
	Region   string
}

// Locator tells where a workspace runs. Sources that learn it (the Atlas
// source, from the workspace listing) implement it; the transform writes
// it into every event of the workspace. ok is false when it is unknown
// (an imported archive, a workspace never listed). Safe for concurrent
// use; it must not block.
type Locator interface {
	Place(projectID, workspace string) (p Place, ok bool)
}
