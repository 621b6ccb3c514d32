package tabulate

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as maths
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mfbench/mfbench/space"
)

func kernelsOf(t testing.TB, arch string) [9]int {
	t.Helper()
	a, err := space.ResNet.Parse(arch)
	if err != nil {
		t.Fatal(err)
	}
	return space.ResNetKernels(a)
}

func TestNumParams(t *testing.T) {
	// 357333777 by hand: conv1 of a block with in x out channels grows by
	// (k*k - 9)*in*out over 3x3: blocks 1 (16x16, k5) 16*256 = 4,096; 2 (16x16, k7)
	// 40*256 = 10,240; 6 (32x64, k7) 40*2,048 = 81,920; 7 and 8 (64x64, k7) 40*4,096
	// each = 327,680. 272,474 + 423,936 = 696,410.
	cases := []struct {
		arch string
		want int64
	}{
		{"333333333", 272474},
		{"777777777", 815194},
		{"357333777", 696410},
	}
	for _, c := range cases {
		a, _ := space.ResNet.Parse(c.arch)
		if got := space.ResNet.Params(a); got != c.want {
			t.Errorf("space.ResNet.Params(%s) = %d, want %d", c.arch, got, c.want)
		}
		for _, masked := range []bool{false, true} {
			n := Net{Kernels: kernelsOf(t, c.arch), Masked: masked}
			if got := n.NumParams(); got != c.want {
				t.Errorf("%s masked=%v: NumParams = %d, want %d", c.arch, masked, got, c.want)
			}
		}
	}
}

// randomImages returns n uint8 images [n, size, size, 3] and labels [n].
func randomImages(rng *rand.Rand, n, size int) (*tensors.Tensor, *tensors.Tensor) {
	pix := make([]uint8, n*size*size*3)
	for i := range pix {
		pix[i] = uint8(rng.IntN(256))
	}
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(rng.IntN(10))
	}
	return tensors.FromFlatDataAndDimensions(pix, n, size, size, 3),
		tensors.FromFlatDataAndDimensions(labels, n)
}

// lossAndGradients runs one training forward pass (batch statistics) and returns the
// logits and the gradients of the loss with respect to every parameter.
func lossAndGradients(t *testing.T, n Net, params []*tensors.Tensor, x, y *tensors.Tensor) (
	*tensors.Tensor, []*tensors.Tensor) {
	t.Helper()
	np := len(params)
	exec := MustNewExec(testBackend(t), func(in []*Node) []*Node {
		var masks *Node
		if n.Masked {
			masks = Const(in[0].Graph(), kernelMasks(n.Kernels))
		}
		logits, _ := n.forward(in[:np], masks, in[np], nil)
		loss, _ := crossEntropy(logits, in[np+1])
		return append([]*Node{logits}, Gradient(loss, in[:np]...)...)
	})
	args := make([]any, 0, np+2)
	for _, p := range params {
		args = append(args, p)
	}
	out := exec.MustExec(append(args, x, y)...)
	return out[0], out[1:]
}

func TestMaskedEqualsPlain(t *testing.T) {
	// Same weights, same tiny batch (4 images of 8x8, so it runs in a second): the
	// masked 7x7 net must give the plain net's logits and gradients.
	kernels := kernelsOf(t, "357333775")
	plain, masked := Net{Kernels: kernels}, Net{Kernels: kernels, Masked: true}
	x, y := randomImages(rand.New(rand.NewPCG(3, 3)), 4, 8)
	pp := plain.initParams(rand.New(rand.NewPCG(7, 7)))
	mp := masked.initParams(rand.New(rand.NewPCG(7, 7)))
	pl, pg := lossAndGradients(t, plain, pp, x, y)
	ml, mg := lossAndGradients(t, masked, mp, x, y)

	close := func(what string, a, b []float32) {
		t.Helper()
		var scale float64
		for _, v := range a {
			scale = max(scale, math.Abs(float64(v)))
		}
		for i := range a {
			if d := math.Abs(float64(a[i] - b[i])); d > 1e-4*scale+1e-7 {
				t.Fatalf("%s[%d]: plain %g, masked %g", what, i, a[i], b[i])
			}
		}
	}
	close("logits", tensors.MustCopyFlatData[float32](pl), tensors.MustCopyFlatData[float32](ml))

	specs, _ := plain.layout()
	for i, s := range specs {
		pgi := tensors.MustCopyFlatData[float32](pg[i])
		mgi := tensors.MustCopyFlatData[float32](mg[i])
		if len(pgi) == len(mgi) {
			close(s.name, pgi, mgi)
			continue
		}
		// A masked conv1: its centre holds the plain gradient, the rest is exactly 0.
		k, off, inner := s.k, (MaxKernel-s.k)/2, s.dims[2]*s.dims[3]
		centre := make([]float32, 0, len(pgi))
		for yy := range MaxKernel {
			for xx := range MaxKernel {
				in := yy >= off && yy < off+k && xx >= off && xx < off+k
				for j := range inner {
					v := mgi[(yy*MaxKernel+xx)*inner+j]
					if in {
						centre = append(centre, v)
					} else if v != 0 {
						t.Fatalf("%s: masked-out gradient at (%d,%d) is %g, want 0", s.name, yy, xx, v)
					}
				}
			}
		}
		close(s.name, pgi, centre)
	}
}
