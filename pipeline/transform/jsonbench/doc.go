// Package jsonbench compares third-party JSON libraries with the approach
// pipeline/transform uses (a hand-written validating tape and document
// encoder) on the same corpus. It is a separate module so that the
// libraries it measures never become dependencies of aspaudit:
//
//	cd pipeline/transform/jsonbench && go test -run XXX -bench . -benchmem -cpu 1
//
// Compare with the transform's own figures:
//
//	go test -run XXX -bench . -benchmem -cpu 1 ./pipeline/transform/
package jsonbench
