package tabulate

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as maths
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

var (
	backendOnce sync.Once
	backendErr  error
	backendGo   backends.Backend
)

// testBackend returns GoMLX's pure-Go backend as NewBackend configures it, whatever
// GOMLX_BACKEND says; one instance for the whole test binary, since tensors cannot move
// between instances.
func testBackend(t testing.TB) backends.Backend {
	t.Helper()
	backendOnce.Do(func() { backendGo, backendErr = simplego.New("ops_sequential") })
	if backendErr != nil {
		t.Fatalf("pure-Go backend: %v", backendErr)
	}
	return backendGo
}

// randTensor returns a float64 tensor of the given shape with standard normal entries.
func randTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// checkGradients compares the graph gradients of the scalar loss(inputs) with central
// finite differences in float64, for every entry of every input.
func checkGradients(t *testing.T, loss func(in []*Node) *Node, inputs []*tensors.Tensor) {
	t.Helper()
	be := testBackend(t)
	lossExec := MustNewExec(be, func(in []*Node) *Node { return loss(in) })
	gradExec := MustNewExec(be, func(in []*Node) []*Node { return Gradient(loss(in), in...) })
	args := make([]any, len(inputs))
	for i, x := range inputs {
		args[i] = x
	}
	grads := gradExec.MustExec(args...)
	const h = 1e-6
	for i, x := range inputs {
		data := tensors.MustCopyFlatData[float64](x)
		got := tensors.MustCopyFlatData[float64](grads[i])
		for j := range data {
			eval := func(d float64) float64 {
				pert := append([]float64(nil), data...)
				pert[j] += d
				a := append([]any(nil), args...)
				a[i] = tensors.FromFlatDataAndDimensions(pert, x.Shape().Dimensions...)
				return lossExec.MustExec(a...)[0].Value().(float64)
			}
			want := (eval(h) - eval(-h)) / (2 * h)
			if math.Abs(got[j]-want) > 1e-5*(1+math.Abs(want)) {
				t.Fatalf("input %d entry %d: gradient %.9g, finite difference %.9g", i, j, got[j], want)
			}
		}
	}
}

func TestConv2DGradient(t *testing.T) {
	cases := []struct {
		name                string
		size, k, stride, in int
	}{
		{"k3s1", 5, 3, 1, 2},
		{"k3s2", 6, 3, 2, 2},
		{"k3s2odd", 5, 3, 2, 1},
		{"k1s2", 6, 1, 2, 2},
		{"k5s1", 5, 5, 1, 1},
		{"k7s2", 6, 7, 2, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(c.k)))
			x := randTensor(rng, 2, c.size, c.size, c.in)
			w := randTensor(rng, c.k, c.k, c.in, 3)
			outSize := (c.size+2*(c.k/2)-c.k)/c.stride + 1
			r := randTensor(rng, 2, outSize, outSize, 3)
			checkGradients(t, func(in []*Node) *Node {
				y := conv2D(in[0], in[1], c.stride, c.k/2)
				return ReduceAllSum(Mul(y, Const(in[0].Graph(), r)))
			}, []*tensors.Tensor{x, w})
		})
	}
}

func TestBatchNormTrainGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	x := randTensor(rng, 3, 2, 2, 2)
	scale := randTensor(rng, 2)
	shift := randTensor(rng, 2)
	r := randTensor(rng, 3, 2, 2, 2)
	checkGradients(t, func(in []*Node) *Node {
		y, _, _ := batchNormTrain(in[0], in[1], in[2])
		return ReduceAllSum(Mul(y, Const(in[0].Graph(), r)))
	}, []*tensors.Tensor{x, scale, shift})
}

func TestBatchNormTrainValues(t *testing.T) {
	// One channel, values 1, 2, 3, 4: mean 2.5, biased variance 1.25.
	be := testBackend(t)
	x := tensors.FromFlatDataAndDimensions([]float64{1, 2, 3, 4}, 4, 1, 1, 1)
	outs := MustNewExec(be, func(x *Node) []*Node {
		g := x.Graph()
		y, m, v := batchNormTrain(x, Const(g, []float64{2}), Const(g, []float64{1}))
		return []*Node{y, m, v}
	}).MustExec(x)
	y := tensors.MustCopyFlatData[float64](outs[0])
	sd := math.Sqrt(1.25 + bnEpsilon)
	for i, xi := range []float64{1, 2, 3, 4} {
		if want := 2*(xi-2.5)/sd + 1; math.Abs(y[i]-want) > 1e-12 {
			t.Errorf("y[%d] = %v, want %v", i, y[i], want)
		}
	}
	if m := outs[1].Value().([]float64)[0]; m != 2.5 {
		t.Errorf("mean = %v, want 2.5", m)
	}
	if v := outs[2].Value().([]float64)[0]; v != 1.25 {
		t.Errorf("variance = %v, want 1.25", v)
	}
}

func TestSGDNesterov(t *testing.T) {
	// Two steps by hand, mu 0.9, wd 0.1, lr 0.5, param 1, buffer 0, gradients 2 then -1:
	// step 1: g = 2 + 0.1 = 2.1; buf = 2.1; p = 1 - 0.5*(2.1 + 1.89) = -0.995
	// step 2: g = -1 - 0.0995 = -1.0995; buf = 1.89 - 1.0995 = 0.7905;
	//         p = -0.995 - 0.5*(-1.0995 + 0.71145) = -0.800975
	be := testBackend(t)
	step := MustNewExec(be, func(p, g, buf *Node) []*Node {
		np, nb := sgdNesterov(p, g, buf, Const(p.Graph(), 0.5), 0.9, 0.1)
		return []*Node{np, nb}
	})
	p, buf := tensors.FromScalar(1.0), tensors.FromScalar(0.0)
	wants := [][2]float64{{-0.995, 2.1}, {-0.800975, 0.7905}}
	for i, g := range []float64{2, -1} {
		out := step.MustExec(p, tensors.FromScalar(g), buf)
		p, buf = out[0], out[1]
		gotP, gotB := p.Value().(float64), buf.Value().(float64)
		if math.Abs(gotP-wants[i][0]) > 1e-12 || math.Abs(gotB-wants[i][1]) > 1e-12 {
			t.Errorf("step %d: param %v buffer %v, want %v %v", i+1, gotP, gotB, wants[i][0], wants[i][1])
		}
	}
}
