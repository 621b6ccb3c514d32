package bench_test

import (
	"fmt"
	"log"

	"github.com/mfbench/mfbench/bench"
	"github.com/mfbench/mfbench/strategies"
	"github.com/mfbench/mfbench/table"
)

// Regularized evolution (reference settings) for 50 trials on
// NAS-Bench-Macro, seed 1: what it searched, what it chose, and how far
// that is from the table's best M.
func ExampleRun() {
	t, err := table.Read("../testdata/nas-bench-macro.parquet")
	if err != nil {
		log.Fatal(err)
	}
	p, err := bench.NewProblem(t, bench.ProblemOptions{})
	if err != nil {
		log.Fatal(err)
	}
	r, err := bench.Run(p, bench.Options{Strategy: "re", Profile: strategies.Reference,
		Seed: 1, Budget: bench.Budget{Trials: 50}})
	if err != nil {
		log.Fatal(err)
	}
	c := r.Chosen
	fmt.Println(r.Objective)
	fmt.Printf("%d trials, %d repeats, stop: %s\n", len(r.Trials), r.Repeats, r.Stop)
	fmt.Printf("chosen %s: test acc %.4f, params %d, M %.4f, regret %.4f\n",
		c.Arch, c.TestAcc, c.Params, c.M, c.Regret)
	fmt.Printf("optimum %s: M %.4f\n", p.Optimum.Arch, p.Optimum.M)
	// Output:
	// M_beta(test_acc), beta 1, epoch 50, one training seed per trial
	// 50 trials, 9 repeats, stop: budget
	// chosen 11200000: test acc 0.8722, params 500170, M 0.8210, regret 0.0251
	// optimum 11100000: M 0.8461
}
