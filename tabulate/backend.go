package tabulate

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // the pure-Go backend, always available
)

// NewBackend returns the GoMLX backend named by spec, in GOMLX_BACKEND's syntax
// ("go", "xla:cuda", "xla:/path/to/plugin.so"); an empty spec reads GOMLX_BACKEND and
// falls back to the pure-Go backend. The XLA backend is available only in binaries
// built with cgo and the xla build tag (see cmd/tabulate).
//
// The pure-Go backend is started with ops_sequential unless spec sets parallelism or
// ops_*. With its default bounded worker pool, GoMLX v0.26.0 deadlocks on this net's
// training graph on small machines (every worker waits for a worker inside a matrix
// product). "go:parallelism=-1" (unbounded workers) avoids the deadlock and is 1.3-1.6x
// faster on 2 cores with the same numbers in our runs, but the race detector reports
// data races in that backend's parallel executor (buffer reuse read without its lock),
// so it is opt-in.
func NewBackend(spec string) (b backends.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("tabulate: backend %q: %v", spec, r)
		}
	}()
	if spec == "" {
		spec = os.Getenv(backends.ConfigEnvVar)
	}
	if spec == "" {
		spec = "go"
	}
	if spec == "go" {
		spec = "go:ops_sequential"
	} else if strings.HasPrefix(spec, "go:") && !strings.Contains(spec, "ops_") &&
		!strings.Contains(spec, "parallelism") {
		spec += ",ops_sequential"
	}
	b, err = backends.NewWithConfig(spec)
	if err != nil {
		return nil, fmt.Errorf("tabulate: backend %q: %w", spec, err)
	}
	return b, nil
}
