//go:build xla

package main

// Built with -tags xla (and cgo), the command also offers GoMLX's XLA backend, which
// loads a PJRT plugin by path: GOMLX_BACKEND=xla:/path/to/xla_cuda_plugin.so.
import _ "github.com/gomlx/gomlx/backends/xla"
