package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/mfbench/mfbench/strategies"
)

// paper lists the strategies of each profile that the benchmarks run: the
// paper's four under NNI's settings, and the reference set.
var paper = []struct {
	profile    strategies.Profile
	strategies []string
}{
	{strategies.NNI, []string{"random", "re", "tpe", "ppo"}},
	{strategies.Reference, []string{"random", "re", "tpe", "reinforce", "local"}},
}

// benchSpaces lists the shipped tables, and the resnet table once it ships.
func benchSpaces(b *testing.B) []string {
	names := []string{"nas-bench-macro", "nas-bench-201"}
	if _, err := os.Stat(filepath.Join("..", "testdata", "resnet.parquet")); err == nil {
		names = append(names, "resnet")
	}
	return names
}

// BenchmarkSearch runs each strategy for 50 trials, one seed per
// iteration (seed i for iteration i), the iterations spread over
// GOMAXPROCS goroutines. Beside ns/op it reports the means over seeds of
// the chosen architecture's M (mfactor), its regret to the table's
// optimum, its seed-mean test accuracy and its parameter count. Run it
// with -benchtime=1000x for 1,000 seeds.
func BenchmarkSearch(b *testing.B) {
	const trials = 50
	for _, sp := range benchSpaces(b) {
		for _, pr := range paper {
			for _, st := range pr.strategies {
				name := fmt.Sprintf("space=%s/profile=%s/strategy=%s/trials=%d",
					sp, pr.profile.Name, st, trials)
				b.Run(name, func(b *testing.B) {
					p := problem(b, sp)
					o := Options{Strategy: st, Profile: pr.profile, Budget: Budget{Trials: trials}}
					results := make([]*Result, b.N)
					var next atomic.Int64
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							i := int(next.Add(1) - 1)
							oi := o
							oi.Seed = uint64(i)
							r, err := Run(p, oi)
							if err != nil {
								b.Error(err)
								return
							}
							results[i] = r
						}
					})
					b.StopTimer()
					s := Summarize(results)
					b.ReportMetric(s.M, "mfactor")
					b.ReportMetric(s.Regret, "regret")
					b.ReportMetric(s.TestAcc, "test-acc")
					b.ReportMetric(s.Params, "params")
				})
			}
		}
	}
}
