package tabulate

// This file holds the pieces GoMLX v0.26.0's pure-Go backend lacks for training the
// ResNet (design.md section 6), written on GoMLX's public graph API and tested against
// finite differences in ops_test.go:
//
//   - conv2D: a 2-D convolution whose input and kernel gradients avoid the Reverse op
//     and the unset strides/dilations that GoMLX's own convolution gradient needs;
//   - batchNormTrain: batch normalisation with batch statistics, differentiated through
//     the statistics (standard batch norm), built from Sqrt and Div (Rsqrt has no gradient);
//   - sgdNesterov: SGD with Nesterov momentum and L2 weight decay, as PyTorch defines it.

import (
	"runtime"
	"sync"
	"weak"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as maths
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// convSpec is what conv2D records about each convolution node it builds, so that the
// convolution gradient below can find its stride and padding.
type convSpec struct {
	stride, pad int
}

var (
	// convSpecs maps weak.Pointer[Node] -> convSpec for convolutions built by conv2D;
	// weak keys, removed when their node is collected, so graphs do not leak.
	convSpecs   sync.Map
	stockConvVJ VJP // GoMLX's own ConvGeneral gradient, used for other convolutions
)

func init() {
	// Convolutions built by conv2D get convVJP; any other keeps GoMLX's own gradient.
	stockConvVJ = VJPRegistration[NodeTypeConvGeneral]
	VJPRegistration[NodeTypeConvGeneral] = func(node *Node, v []*Node, s shapes.Shape) []*Node {
		spec, ok := convSpecs.Load(weak.Make(node))
		if !ok {
			return stockConvVJ(node, v, s)
		}
		return convVJP(node, v[0], spec.(convSpec))
	}
}

// conv2D convolves x [batch, height, width, in] with kernel [k, k, in, out] at the given
// stride and symmetric zero padding pad, channels last, with no bias.
func conv2D(x, kernel *Node, stride, pad int) *Node {
	out := Convolve(x, kernel).StridePerAxis(stride, stride).
		PaddingPerDim([][2]int{{pad, pad}, {pad, pad}}).Done()
	key := weak.Make(out)
	convSpecs.Store(key, convSpec{stride: stride, pad: pad})
	runtime.AddCleanup(out, func(k weak.Pointer[Node]) { convSpecs.Delete(k) }, key)
	return out
}

// convVJP returns the gradients of a conv2D node with respect to its input and kernel,
// given v, the gradient with respect to its output.
func convVJP(node, v *Node, spec convSpec) []*Node {
	x, kernel := node.Inputs()[0], node.Inputs()[1]
	s, p := spec.stride, spec.pad
	k := kernel.Shape().Dimensions[0]
	h, w := x.Shape().Dimensions[1], x.Shape().Dimensions[2]
	ho, wo := node.Shape().Dimensions[1], node.Shape().Dimensions[2]
	ones := []int{1, 1}

	// Input gradient: the transposed convolution, that is v with s-1 zeros between its
	// elements, convolved with the kernel flipped in space and with in/out swapped.
	flipped := flipKernel(kernel)
	axes := ConvolveAxesConfig{
		InputBatch: 0, InputSpatial: []int{1, 2}, InputChannels: 3,
		KernelSpatial: []int{0, 1}, KernelInputChannels: 3, KernelOutputChannels: 2,
		OutputBatch: 0, OutputSpatial: []int{1, 2}, OutputChannels: 3,
	}
	lo := k - 1 - p
	pads := [][2]int{{lo, lo + (h+2*p-k)%s}, {lo, lo + (w+2*p-k)%s}}
	dx := ConvGeneral(v, flipped, axes, ones, pads, []int{s, s}, ones, 1, 1)

	// Kernel gradient: correlate x with v, with the batch as the contracted channel and
	// the input channels as the batch; the stride becomes a dilation of v.
	xs := x
	hiH, hiW := k-h-p+(ho-1)*s, k-w-p+(wo-1)*s
	if hiH < 0 || hiW < 0 {
		xs = Slice(x, AxisRange(), AxisRange(0, h+min(hiH, 0)), AxisRange(0, w+min(hiW, 0)))
		hiH, hiW = max(hiH, 0), max(hiW, 0)
	}
	kaxes := ConvolveAxesConfig{
		InputBatch: 3, InputSpatial: []int{1, 2}, InputChannels: 0,
		KernelSpatial: []int{1, 2}, KernelInputChannels: 0, KernelOutputChannels: 3,
		OutputBatch: 2, OutputSpatial: []int{0, 1}, OutputChannels: 3,
	}
	dk := ConvGeneral(xs, v, kaxes, ones, [][2]int{{p, hiH}, {p, hiW}}, ones, []int{s, s}, 1, 1)
	return []*Node{dx, dk}
}

// flipKernel reverses a [k, k, in, out] kernel in both spatial axes with a permutation
// matrix product (the pure-Go backend has no Reverse op).
func flipKernel(kernel *Node) *Node {
	dims := kernel.Shape().Dimensions
	kk := dims[0] * dims[1]
	perm := make([]float32, kk*kk)
	for i := range kk {
		perm[i*kk+kk-1-i] = 1
	}
	p := ConvertDType(Const(kernel.Graph(), tensors.FromFlatDataAndDimensions(perm, kk, kk)),
		kernel.DType())
	flat := Reshape(kernel, kk, dims[2]*dims[3])
	return Reshape(Dot(p, flat), dims...)
}

// bnEpsilon is the epsilon of batch norm, PyTorch's default.
const bnEpsilon = 1e-5

// batchNormTrain normalises x [batch, height, width, c] with the statistics of the batch
// and applies scale and shift [c]. It returns the result and the batch mean and biased
// variance [c]. Gradients flow through the statistics, as in standard batch norm.
func batchNormTrain(x, scale, shift *Node) (y, mean, variance *Node) {
	mean4 := ReduceAndKeep(x, ReduceMean, 0, 1, 2)
	centered := Sub(x, mean4)
	var4 := ReduceAndKeep(Mul(centered, centered), ReduceMean, 0, 1, 2)
	inv := Div(channels(scale), Sqrt(AddScalar(var4, bnEpsilon)))
	c := x.Shape().Dimensions[3]
	return Add(Mul(centered, inv), channels(shift)), Reshape(mean4, c), Reshape(var4, c)
}

// batchNormInfer normalises x with fixed statistics mean and variance [c].
func batchNormInfer(x, scale, shift, mean, variance *Node) *Node {
	inv := Div(channels(scale), Sqrt(AddScalar(channels(variance), bnEpsilon)))
	return Add(Mul(Sub(x, channels(mean)), inv), channels(shift))
}

// channels reshapes a per-channel vector [c] to [1, 1, 1, c] for broadcasting.
func channels(v *Node) *Node {
	return Reshape(v, 1, 1, 1, v.Shape().Dimensions[0])
}

// sgdNesterov returns the new parameter and momentum buffer of one step of SGD with
// Nesterov momentum mu and L2 weight decay wd at learning rate lr, as PyTorch's
// SGD(nesterov=True) computes it:
//
//	g = grad + wd*param; buf = mu*buf + g; param -= lr*(g + mu*buf)
//
// lr is a scalar node (it follows the schedule); mu and wd are constants.
func sgdNesterov(param, grad, buf, lr *Node, mu, wd float64) (newParam, newBuf *Node) {
	g := Add(grad, MulScalar(param, wd))
	newBuf = Add(MulScalar(buf, mu), g)
	step := Add(g, MulScalar(newBuf, mu))
	return Sub(param, Mul(lr, step)), newBuf
}
