// Package jsonbench compares third-party JSON libraries with the approach
// pipeline/transform uses (a hand-written validating tape and document
// encoder, pipeline/transform/internal/jsontape) on the same corpus. It is
// a separate module so that the libraries it measures never become
// dependencies of aspaudit. Package
// libpath is the transform's parse written on a library, with the same
// output (its tests check that against the engine); BenchmarkFull runs it
// on each library, BenchmarkFloor measures the least library work any
// such path does, and the other benchmarks are subsets or decoders alone:
//
//	cd pipeline/transform/jsonbench && go test ./libpath/ && go test -run XXX -bench . -benchmem -cpu 1
//
// Compare with the transform's own figures:
//
//	go test -run XXX -bench . -benchmem -cpu 1 ./pipeline/transform/
package jsonbench
