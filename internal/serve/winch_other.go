//go:build !unix

package serve

import "context"

// Resizes is nil where there is no SIGWINCH: the attached console keeps its first size.
func Resizes(context.Context) <-chan struct{} { return nil }
