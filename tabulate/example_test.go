package tabulate_test

import (
	"fmt"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/tabulate"
)

// The trainable parameters of the GoMLX net equal the space's exact count, whether
// conv1 is stored at its own size or as a masked 7x7 kernel.
func ExampleNet_NumParams() {
	for _, s := range []string{"333333333", "357333777", "777777777"} {
		a, _ := space.ResNet.Parse(s)
		plain := tabulate.Net{Kernels: space.ResNetKernels(a)}
		masked := tabulate.Net{Kernels: space.ResNetKernels(a), Masked: true}
		fmt.Println(s, plain.NumParams(), masked.NumParams(), space.ResNet.Params(a))
	}
	// Output:
	// 333333333 272474 272474 272474
	// 357333777 696410 696410 696410
	// 777777777 815194 815194 815194
}

// A plan of 3 architectures and 2 seeds has 6 units; shard 1 of 4 owns units 1 and 5.
func ExamplePlan_Shard() {
	p, err := tabulate.NewPlan([]string{"333333333", "357333777", "777777777"},
		[]int64{0, 1}, tabulate.Recipe{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range p.Shard(1, 4) {
		fmt.Println(u.Number, u.Arch, u.Seed)
	}
	// Output:
	// 1 333333333 1
	// 5 777777777 1
}
