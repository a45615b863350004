//go:build !unix

package benchmark

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
