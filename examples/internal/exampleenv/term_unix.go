//go:build linux || darwin || freebsd || netbsd || dragonfly

package exampleenv

import (
	"os"
	"syscall"
	"unsafe"
)

// Terminal reports whether f is a terminal and, if so, its width in columns
// (0 when the terminal does not say), for a progress line redrawn in place.
func Terminal(f *os.File) (width int, ok bool) {
	var ws struct{ row, col, xpixel, ypixel uint16 }
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	if errno != 0 {
		return 0, false
	}
	return int(ws.col), true
}
