//go:build unix

package benchmark

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process (the client side: the fixture server
// runs in its own) has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
