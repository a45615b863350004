//go:build !race

package auditlogs

// raceEnabled is true in a build with the race detector.
const raceEnabled = false
