package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfbench/mfbench/strategies"
	"github.com/mfbench/mfbench/table"
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

// BenchmarkTPESuggestion times mfbench's TPE (reference profile: Optuna's
// TPESampler defaults) per suggestion, for the side-by-side with Optuna
// (scripts/optuna_tpe.py). Each iteration is one seed's 50-trial run on
// one goroutine, observing as Run does; ns/suggestion is the mean time of
// Ask, and mfactor the mean M of the chosen architecture.
func BenchmarkTPESuggestion(b *testing.B) {
	for _, sp := range []string{"nas-bench-macro", "nas-bench-201"} {
		b.Run("space="+sp+"/trials=50", func(b *testing.B) {
			p := problem(b, sp)
			var asking time.Duration
			sumM := 0.0
			for i := range b.N {
				srng := rand.New(rand.NewPCG(uint64(i), 0x5eed5))
				orng := rand.New(rand.NewPCG(uint64(i), 0x0b5e7))
				s, err := strategies.NewTPE(p.Space.Dims(), srng, strategies.Reference.TPE)
				if err != nil {
					b.Fatal(err)
				}
				best, bestIdx := math.Inf(-1), -1
				for range 50 {
					t0 := time.Now()
					a, err := s.Ask()
					asking += time.Since(t0)
					if err != nil {
						b.Fatal(err)
					}
					idx, _ := p.Space.Index(a)
					seed := int64(table.MeanSeed)
					if len(p.Seeds) > 0 {
						seed = p.Seeds[orng.IntN(len(p.Seeds))]
					}
					v := p.Value(idx, seed)
					if v > best {
						best, bestIdx = v, idx
					}
					if err := s.Tell(a, v); err != nil {
						b.Fatal(err)
					}
				}
				sumM += p.Score(bestIdx)
			}
			b.ReportMetric(float64(asking.Nanoseconds())/float64(50*b.N), "ns/suggestion")
			b.ReportMetric(sumM/float64(b.N), "mfactor")
		})
	}
}

// BenchmarkPaperMatrix times the paper's experiment: the four NNI-profile
// strategies (random, re, tpe, ppo), 50 trials, 1,000 seeds, on one space,
// seeds spread over GOMAXPROCS goroutines. One op is the whole matrix; the
// sub-benchmark ppo=false (random, re, tpe) shows what the policy network
// costs. Run with -benchtime=1x.
func BenchmarkPaperMatrix(b *testing.B) {
	seeds := make([]uint64, 1000)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	for _, set := range [][]string{{"random", "re", "tpe", "ppo"}, {"random", "re", "tpe"}} {
		name := fmt.Sprintf("space=nas-bench-macro/ppo=%v/seeds=1000", slices.Contains(set, "ppo"))
		b.Run(name, func(b *testing.B) {
			p := problem(b, "nas-bench-macro")
			for b.Loop() {
				for _, st := range set {
					o := Options{Strategy: st, Profile: strategies.NNI, Budget: Budget{Trials: 50}}
					if _, err := RunSeeds(p, o, seeds, 0); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
