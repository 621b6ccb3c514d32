package space_test

import (
	"fmt"

	"github.com/mfbench/mfbench/space"
)

func ExampleSpace() {
	sp := space.ResNet
	a, err := sp.Parse("3x3,5x5,7x7,3x3,3x3,3x3,7x7,7x7,7x7")
	if err != nil {
		panic(err)
	}
	index, _ := sp.Index(a)
	macs, _ := sp.MACs(a)
	fmt.Println(sp.String(a), index, sp.Params(a), macs)

	_, err = sp.Parse("357433777")
	fmt.Println(err)
	// Output:
	// 357333777 3671 696410 81707648
	// space resnet: invalid architecture "357433777": block 3: kernel 4 is not 3, 5 or 7
}
