package surrogate_test

import (
	"fmt"

	"github.com/mfbench/mfbench/surrogate"
)

// Kendall's tau-b of two rankings with a tie: of the 10 pairs, one is tied in x,
// 7 are concordant and 2 discordant, so tau-b = 5 / sqrt(9 * 10).
func ExampleKendallTau() {
	x := []float64{0.91, 0.92, 0.92, 0.94, 0.95}
	y := []float64{0.90, 0.93, 0.91, 0.96, 0.92}
	tau, err := surrogate.KendallTau(x, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.4f\n", tau)
	// Output: 0.5270
}
