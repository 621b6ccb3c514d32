package surrogate

import (
	"fmt"
	"testing"

	"github.com/mfbench/mfbench/table"
)

// BenchmarkFit fits each model on a share of NAS-Bench-Macro and predicts the whole
// space, as Fill does.
func BenchmarkFit(b *testing.B) {
	tb := macroTable(b)
	obs := Observations(tb, table.Test)
	for _, m := range Models {
		for _, n := range []int{131, 656, 3281} {
			b.Run(fmt.Sprintf("model=%s/archs=%d", m, n), func(b *testing.B) {
				for b.Loop() {
					s, err := FitObservations(tb.Space(), obs[:n], Options{Model: m})
					if err != nil {
						b.Fatal(err)
					}
					for i := range tb.Space().Len() {
						if _, err := s.PredictIndex(i, 50); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
