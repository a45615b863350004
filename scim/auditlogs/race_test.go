//go:build race

package auditlogs

// raceEnabled is true in a build with the race detector, which makes a
// walk of a million entries slow and its heap meaningless.
const raceEnabled = true
