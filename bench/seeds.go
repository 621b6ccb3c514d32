package bench

import (
	"fmt"
	"runtime"
	"sync"
)

// RunSeeds runs o once for each seed, spreading the runs over workers
// goroutines (0 means GOMAXPROCS). Results are in the order of seeds and
// do not depend on workers. On error it returns the first error in seed
// order, with the results of the runs that succeeded.
func RunSeeds(p *Problem, o Options, seeds []uint64, workers int) ([]*Result, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]*Result, len(seeds))
	errs := make([]error, len(seeds))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, len(seeds)) {
		wg.Go(func() {
			for i := range next {
				oi := o
				oi.Seed = seeds[i]
				results[i], errs[i] = Run(p, oi)
			}
		})
	}
	for i := range seeds {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return results, fmt.Errorf("seed %d: %w", seeds[i], err)
		}
	}
	return results, nil
}

// Summary holds means over runs of the chosen architectures' scores.
type Summary struct {
	Runs    int
	M       float64 // mean M_beta of the chosen architectures (seed-mean test accuracy)
	Regret  float64 // mean regret to the table's optimum
	TestAcc float64 // mean seed-mean test accuracy of the chosen architectures
	Params  float64 // mean parameter count of the chosen architectures
}

// Summarize averages the chosen architectures' scores over results (in
// order, so the sums are deterministic). Runs without trials are skipped.
func Summarize(results []*Result) Summary {
	var s Summary
	for _, r := range results {
		if r == nil || len(r.Trials) == 0 {
			continue
		}
		s.Runs++
		s.M += r.Chosen.M
		s.Regret += r.Chosen.Regret
		s.TestAcc += r.Chosen.TestAcc
		s.Params += float64(r.Chosen.Params)
	}
	if s.Runs > 0 {
		n := float64(s.Runs)
		s.M, s.Regret, s.TestAcc, s.Params = s.M/n, s.Regret/n, s.TestAcc/n, s.Params/n
	}
	return s
}
