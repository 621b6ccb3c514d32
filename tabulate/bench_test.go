package tabulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// BenchmarkTrainStep measures training throughput (images per second) of one SGD step
// on the pure-Go backend, for the smallest and largest architectures, in the plain
// (true-size kernels) and masked (one 7x7 graph) forms. Keep it short:
//
//	go test -run '^$' -bench TrainStep -benchtime 2x ./tabulate
func BenchmarkTrainStep(b *testing.B) {
	const batch = 16 // scripts/bench_cpu.sh runs PyTorch at the same batch
	for _, arch := range []string{"333333333", "777777777"} {
		for _, masked := range []bool{false, true} {
			graph := "plain"
			if masked {
				graph = "masked"
			}
			b.Run(fmt.Sprintf("arch=%s/graph=%s/batch=%d", arch, graph, batch), func(b *testing.B) {
				benchStep(b, kernelsOf(b, arch), masked, batch)
			})
		}
	}
}

func benchStep(b *testing.B, kernels [9]int, masked bool, batch int) {
	tr := &Trainer{Backend: testBackend(b), Recipe: Recipe{Batch: batch}, Plain: !masked}
	prog, err := tr.programs(kernels)
	if err != nil {
		b.Fatal(err)
	}
	state, _ := prog.net.initState(1)
	x, y := randomImages(rand.New(rand.NewPCG(1, 1)), batch, ImageSize)
	args := func() []any {
		a := make([]any, 0, len(state)+4)
		for _, t := range state {
			a = append(a, t)
		}
		if masked {
			a = append(a, kernelMasks(kernels))
		}
		return append(a, x, y, float32(0.1))
	}

	// The first call compiles; report it apart.
	t0 := time.Now()
	out, err := prog.train.Exec(args()...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(t0).Seconds(), "first-step-s")
	state = out[:len(state)]
	var images int
	start, cpu0 := time.Now(), cpuSeconds()
	for b.Loop() {
		out, err := prog.train.Exec(args()...)
		if err != nil {
			b.Fatal(err)
		}
		state = out[:len(state)]
		images += batch
	}
	b.ReportMetric(float64(images)/time.Since(start).Seconds(), "img/s")
	b.ReportMetric(float64(images)/(cpuSeconds()-cpu0), "img/cpu-s")
}

// cpuSeconds returns the CPU time (user + system) this process has used. On a shared
// machine images per CPU-second is steadier than images per wall second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkCompile measures building and compiling the training step: what the masked
// single graph saves when a backend compiles one program per graph (XLA), as against
// one graph per architecture.
//
//	go test -run '^$' -bench Compile -benchtime 3x ./tabulate
func BenchmarkCompile(b *testing.B) {
	for _, graph := range []string{"plain", "masked"} {
		b.Run("graph="+graph, func(b *testing.B) {
			kernels := kernelsOf(b, "357333777")
			const batch = 4
			x, y := randomImages(rand.New(rand.NewPCG(1, 1)), batch, ImageSize)
			for b.Loop() {
				tr := &Trainer{Backend: testBackend(b), Recipe: Recipe{Batch: batch},
					Plain: graph == "plain"}
				prog, err := tr.programs(kernels)
				if err != nil {
					b.Fatal(err)
				}
				state, _ := prog.net.initState(1)
				a := make([]any, 0, len(state)+4)
				for _, t := range state {
					a = append(a, t)
				}
				if graph == "masked" {
					a = append(a, kernelMasks(kernels))
				}
				a = append(a, x, y, float32(0.1))
				if err := prog.train.PreCompile(a...); err != nil {
					b.Fatal(err)
				}
				prog.train.Finalize()
				prog.eval.Finalize()
				for _, t := range state {
					t.FinalizeAll()
				}
			}
		})
	}
}
