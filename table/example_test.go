package table_test

import (
	"fmt"

	"github.com/mfbench/mfbench/table"
)

// Look up one architecture of NAS-Bench-Macro, for one training seed and for the mean
// over its three seeds, and ask for a seed the table lacks.
func ExampleTable_Lookup() {
	t, err := table.Read("../testdata/nas-bench-macro.parquet")
	if err != nil {
		panic(err)
	}
	a, _ := t.Space().Parse("11100000")
	i, _ := t.Space().Index(a)
	e, _ := t.Lookup(i, 2, 50)
	mean, _ := t.Lookup(i, table.MeanSeed, 50)
	m, _ := t.MBeta(i, table.MeanSeed, 50, 1, table.Test)
	fmt.Printf("seed 2: %.4f, mean: %.4f, params %d, M %.4f\n", e.TestAcc, mean.TestAcc,
		t.Params(i), m)

	_, err = t.Lookup(i, 3, 50)
	fmt.Println(err)
	// Output:
	// seed 2: 0.8376, mean: 0.8392, params 454666, M 0.8461
	// table nas-bench-macro: no entry for arch 11100000 seed 3 epoch 50: the table has no seed 3 (seeds [0 1 2])
}
