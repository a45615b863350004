// Package benchmark measures the SDK against hand-written twins: the same
// calls written with net/http and encoding/json as a careful Go programmer
// would without the SDK, against the same server and the same data. The
// server runs in a child process, so neither its CPU time nor its memory is
// counted with the client's. See BENCHMARKS.md for the command and the
// figures. It has no code of its own.
package benchmark
