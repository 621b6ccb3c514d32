package space

import (
	"fmt"
	"strconv"
	"strings"
)

// ResNet is the paper's CIFAR-10 ResNet kernel space: a 3x3 stem (3 -> 16), three stages
// of three basic blocks at widths 16, 32 and 64 (the first block of stages 2 and 3 has
// stride 2), global average pooling and a linear layer 64 -> 10. Each block's first
// convolution picks a kernel of 3, 5 or 7 (padding k/2); choice c means kernel 3+2c.
//
// Canonical string: the nine kernel sizes in block order, e.g. "357333777". Parse also
// accepts the sizes separated by commas, spaces, '-' or '_', each written "k" or "kxk".
var ResNet Space = resnetSpace{}

// ResNetKernels returns the conv1 kernel size (3, 5 or 7) of each of the nine blocks of a.
// It panics if a is not an architecture of ResNet.
func ResNetKernels(a Arch) [9]int {
	if err := resnetRadix.check(a); err != nil {
		panic("space: resnet: " + err.Error())
	}
	var k [9]int
	for i, c := range a {
		k[i] = 3 + 2*c
	}
	return k
}

// ResNetBlock describes one basic block of the ResNet space, for code that builds the net.
type ResNetBlock struct {
	In, Out int // input and output channels
	Stride  int // stride of conv1 and of the projection shortcut
	Size    int // input height (= width) in pixels
}

// Projection reports whether the block's shortcut is a 1x1 convolution with batch norm
// (width or resolution changes) rather than the identity.
func (b ResNetBlock) Projection() bool { return b.Stride != 1 || b.In != b.Out }

// ResNetBlocks returns the nine blocks of the ResNet skeleton, in order.
func ResNetBlocks() [9]ResNetBlock {
	var blocks [9]ResNetBlock
	in, size := 16, 32
	for i := range blocks {
		out := 16 << (i / 3)
		stride := 1
		if i == 3 || i == 6 {
			stride = 2
		}
		blocks[i] = ResNetBlock{In: in, Out: out, Stride: stride, Size: size}
		in, size = out, size/stride
	}
	return blocks
}

var resnetRadix = radix{3, 3, 3, 3, 3, 3, 3, 3, 3}

type resnetSpace struct{}

func (resnetSpace) Name() string { return "resnet" }
func (resnetSpace) Dims() []int  { return resnetRadix }
func (resnetSpace) Len() int     { return 19683 }

func (resnetSpace) Arch(index int) Arch { return resnetRadix.decode(index) }

func (resnetSpace) Index(a Arch) (int, error) {
	i, err := resnetRadix.encode(a)
	if err != nil {
		return 0, fmt.Errorf("space resnet: %w", err)
	}
	return i, nil
}

func (resnetSpace) String(a Arch) string {
	k := ResNetKernels(a)
	var b strings.Builder
	for _, v := range k {
		b.WriteByte(byte('0' + v))
	}
	return b.String()
}

func (resnetSpace) Parse(s string) (Arch, error) {
	bad := func(format string, args ...any) error {
		return &ParseError{Space: "resnet", Input: s, Reason: fmt.Sprintf(format, args...)}
	}

	// The canonical form is nine digits; otherwise the sizes are separated tokens.
	t := strings.TrimSpace(s)
	var tokens []string
	if isDigits(t) {
		tokens = strings.Split(t, "")
	} else {
		tokens = strings.FieldsFunc(t, func(r rune) bool {
			return r == ',' || r == ' ' || r == '-' || r == '_' || r == '\t'
		})
	}
	if len(tokens) != 9 {
		return nil, bad("want 9 kernel sizes (one per block), got %d", len(tokens))
	}

	a := make(Arch, 9)
	for i, tok := range tokens {
		k, err := parseKernel(tok)
		if err != nil {
			return nil, bad("block %d: %v", i, err)
		}
		a[i] = (k - 3) / 2
	}
	return a, nil
}

// parseKernel reads "k" or "kxk" with k in {3, 5, 7}.
func parseKernel(tok string) (int, error) {
	side := tok
	if a, b, ok := strings.Cut(strings.ToLower(tok), "x"); ok {
		if a != b {
			return 0, fmt.Errorf("kernel %q is not square", tok)
		}
		side = a
	}
	k, err := strconv.Atoi(side)
	if err != nil {
		return 0, fmt.Errorf("kernel %q is not a number", tok)
	}
	if k != 3 && k != 5 && k != 7 {
		return 0, fmt.Errorf("kernel %d is not 3, 5 or 7", k)
	}
	return k, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// convBN counts a bias-free convolution followed by batch norm (scale and shift).
func convBN(in, out, k int) int64 {
	return int64(in*out*k*k + 2*out)
}

func (resnetSpace) Params(a Arch) int64 {
	kernels := ResNetKernels(a)
	p := convBN(3, 16, 3) // stem
	for i, b := range ResNetBlocks() {
		p += convBN(b.In, b.Out, kernels[i]) + convBN(b.Out, b.Out, 3)
		if b.Projection() {
			p += convBN(b.In, b.Out, 1)
		}
	}
	return p + 64*10 + 10 // linear with bias
}

func (resnetSpace) MACs(a Arch) (int64, bool) {
	kernels := ResNetKernels(a)
	macs := int64(32 * 32 * 3 * 16 * 9) // stem
	for i, b := range ResNetBlocks() {
		out := int64(b.Size / b.Stride)
		pixels := out * out
		macs += pixels * int64(b.In*b.Out*kernels[i]*kernels[i]) // conv1
		macs += pixels * int64(b.Out*b.Out*9)                    // conv2
		if b.Projection() {
			macs += pixels * int64(b.In*b.Out)
		}
	}
	return macs + 64*10, true
}
