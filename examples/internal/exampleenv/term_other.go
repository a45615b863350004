//go:build !(linux || darwin || freebsd || netbsd || dragonfly)

package exampleenv

import "os"

// Terminal reports whether f is a terminal and its width. Here it cannot
// tell, and says no: examples then print one line per step instead of a
// progress line.
func Terminal(*os.File) (width int, ok bool) { return 0, false }
