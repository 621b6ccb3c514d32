package space

import (
	"fmt"
	"strings"
)

// Macro is the NAS-Bench-Macro space (Su et al., CVPR 2021): a 3x3 stem conv to 32
// channels with batch norm, then 8 searchable layers in three stages of 2, 3 and 3 layers
// at 64, 128 and 256 channels (the first layer of each stage has stride 2), then a 1x1
// conv to 1280 with batch norm, global average pooling and a linear layer 1280 -> 10.
//
// Each layer is one of three blocks, written as a digit: 0 identity (a 1x1 conv with batch
// norm where the shape changes), 1 a MobileNetV2 inverted residual with kernel 3 and
// expansion 3, 2 the same with kernel 5 and expansion 6. Canonical string: the 8 digits,
// e.g. "02012100"; Parse also accepts them separated by commas, spaces, '-' or '_'.
var Macro Space = macroSpace{}

var macroRadix = radix{3, 3, 3, 3, 3, 3, 3, 3}

var (
	macroWidths  = [8]int{64, 64, 128, 128, 128, 256, 256, 256}
	macroStrides = [8]int{2, 1, 2, 1, 1, 2, 1, 1}
)

type macroSpace struct{}

func (macroSpace) Name() string { return "nas-bench-macro" }
func (macroSpace) Dims() []int  { return macroRadix }
func (macroSpace) Len() int     { return 6561 }

func (macroSpace) Arch(index int) Arch { return macroRadix.decode(index) }

func (macroSpace) Index(a Arch) (int, error) {
	i, err := macroRadix.encode(a)
	if err != nil {
		return 0, fmt.Errorf("space nas-bench-macro: %w", err)
	}
	return i, nil
}

func (macroSpace) String(a Arch) string {
	if err := macroRadix.check(a); err != nil {
		panic("space: nas-bench-macro: " + err.Error())
	}
	var b strings.Builder
	for _, c := range a {
		b.WriteByte(byte('0' + c))
	}
	return b.String()
}

func (macroSpace) Parse(s string) (Arch, error) {
	t := strings.TrimSpace(s)
	t = strings.Map(func(r rune) rune {
		if r == ',' || r == ' ' || r == '-' || r == '_' || r == '\t' {
			return -1
		}
		return r
	}, t)
	if len(t) != 8 {
		return nil, &ParseError{Space: "nas-bench-macro", Input: s,
			Reason: fmt.Sprintf("want 8 layer digits, got %d characters", len(t))}
	}
	a := make(Arch, 8)
	for i, r := range t {
		if r < '0' || r > '2' {
			return nil, &ParseError{Space: "nas-bench-macro", Input: s,
				Reason: fmt.Sprintf("layer %d: %q is not 0, 1 or 2", i, r)}
		}
		a[i] = int(r - '0')
	}
	return a, nil
}

func (macroSpace) Params(a Arch) int64 {
	if err := macroRadix.check(a); err != nil {
		panic("space: nas-bench-macro: " + err.Error())
	}
	p := convBN(3, 32, 3)
	in := 32
	for i, c := range a {
		out, stride := macroWidths[i], macroStrides[i]
		switch c {
		case 0:
			if stride != 1 || in != out {
				p += convBN(in, out, 1)
			}
		default:
			k, e := 3, 3
			if c == 2 {
				k, e = 5, 6
			}
			hidden := in * e
			p += convBN(in, hidden, 1) + int64(hidden*k*k+2*hidden) + convBN(hidden, out, 1)
		}
		in = out
	}
	return p + convBN(in, 1280, 1) + 1280*10 + 10
}

// MACs counts the convolutions and the classifier's weights. It equals the FLOPs that
// NAS-Bench-Macro publishes, for all 6,561 architectures.
func (macroSpace) MACs(a Arch) (int64, bool) {
	if err := macroRadix.check(a); err != nil {
		panic("space: nas-bench-macro: " + err.Error())
	}
	size := 32
	macs := int64(size * size * 3 * 32 * 9)
	in := 32
	for i, c := range a {
		out, stride := macroWidths[i], macroStrides[i]
		o := size / stride
		switch c {
		case 0:
			if stride != 1 || in != out {
				macs += int64(o * o * in * out)
			}
		default:
			k, e := 3, 3
			if c == 2 {
				k, e = 5, 6
			}
			hidden := in * e
			// Expansion at the input resolution, depthwise and projection at the output's.
			macs += int64(size*size*in*hidden + o*o*hidden*k*k + o*o*hidden*out)
		}
		in, size = out, o
	}
	return macs + int64(size*size*in*1280+1280*10), true
}
