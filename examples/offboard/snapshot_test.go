package main

import (
	"path/filepath"
	"testing"
)

// snapshotPath is a snapshot file name in a directory of t's own, so that no
// test writes one in the package's directory.
func snapshotPath(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "snapshot.json")
}
