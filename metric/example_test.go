package metric_test

import (
	"fmt"

	"github.com/mfbench/mfbench/metric"
)

// The paper's regularized-evolution pick: 75.5 % accuracy with 301,146 parameters, in a
// space whose smallest model has 272,474. beta > 1 weights its small size more, beta < 1
// its accuracy.
func ExampleMBeta() {
	s := metric.Efficiency(301146, 272474)
	fmt.Printf("S = %.4f\n", s)
	for _, beta := range []float64{0.5, 1, 2} {
		fmt.Printf("beta %.1f: M_beta = %.4f\n", beta, metric.MBeta(0.755, s, beta))
	}
	// Output:
	// S = 0.9048
	// beta 0.5: M_beta = 0.7809
	// beta 1.0: M_beta = 0.8231
	// beta 2.0: M_beta = 0.8703
}
