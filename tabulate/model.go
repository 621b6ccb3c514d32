package tabulate

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as maths
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mfbench/mfbench/space"
)

// MaxKernel is the largest conv1 kernel of the space; the masked net stores every
// block's conv1 at this size.
const MaxKernel = 7

// cifarMean and cifarStd normalise the input channels (R, G, B) with the usual
// CIFAR-10 training-set statistics.
var (
	cifarMean = [3]float32{0.4914, 0.4822, 0.4465}
	cifarStd  = [3]float32{0.2470, 0.2435, 0.2616}
)

// Net is the ResNet of design.md section 1 with the conv1 kernel sizes Kernels (3, 5 or
// 7 per block, as space.ResNetKernels returns them).
//
// A plain Net (Masked false) stores each conv1 at its own size and builds one graph per
// architecture. A masked Net stores every conv1 as a 7x7 kernel with padding 3 and
// multiplies it by a mask that is one on the centred kxk window and zero elsewhere; the
// mask is an input of the graph, so one compiled graph trains every architecture.
// Both compute the same function for the same weights (TestMaskedEqualsPlain).
type Net struct {
	Kernels [9]int
	Masked  bool
}

// paramKind says how a parameter is initialised.
type paramKind int

const (
	kindConv  paramKind = iota // He normal with the true fan-in
	kindScale                  // batch-norm scale, ones
	kindShift                  // batch-norm shift, zeros
	kindFC                     // linear weight and bias, uniform(-1/8, 1/8)
)

// paramSpec describes one trainable tensor of the net.
type paramSpec struct {
	name  string
	dims  []int
	kind  paramKind
	k     int // for convolutions: the true kernel size (the stored one may be 7)
	fanIn int // for convolutions: k*k*in
}

// trainable returns how many entries of the tensor an optimizer trains: the masked-out
// entries of a masked conv1 stay exactly zero and do not count.
func (p paramSpec) trainable() int64 {
	n := int64(1)
	for _, d := range p.dims {
		n *= int64(d)
	}
	if p.kind == kindConv && p.dims[0] != p.k {
		n = n / int64(p.dims[0]*p.dims[1]) * int64(p.k*p.k)
	}
	return n
}

// checkKernels reports whether every kernel size is 3, 5 or 7.
func (n Net) checkKernels() error {
	for i, k := range n.Kernels {
		if k != 3 && k != 5 && k != 7 {
			return fmt.Errorf("tabulate: block %d has kernel size %d, want 3, 5 or 7", i, k)
		}
	}
	return nil
}

// layout lists the trainable tensors in the order the graphs take them, and the
// number of batch-norm layers.
func (n Net) layout() (params []paramSpec, numBN int) {
	conv := func(name string, k, stored, in, out int) {
		params = append(params, paramSpec{name: name, dims: []int{stored, stored, in, out},
			kind: kindConv, k: k, fanIn: k * k * in})
	}
	bn := func(name string, c int) {
		params = append(params,
			paramSpec{name: name + ".scale", dims: []int{c}, kind: kindScale},
			paramSpec{name: name + ".shift", dims: []int{c}, kind: kindShift})
		numBN++
	}
	conv("stem.conv", 3, 3, 3, 16)
	bn("stem.bn", 16)
	for i, b := range space.ResNetBlocks() {
		k := n.Kernels[i]
		stored := k
		if n.Masked {
			stored = MaxKernel
		}
		pre := fmt.Sprintf("block%d.", i)
		conv(pre+"conv1", k, stored, b.In, b.Out)
		bn(pre+"bn1", b.Out)
		conv(pre+"conv2", 3, 3, b.Out, b.Out)
		bn(pre+"bn2", b.Out)
		if b.Projection() {
			conv(pre+"proj", 1, 1, b.In, b.Out)
			bn(pre+"proj.bn", b.Out)
		}
	}
	params = append(params,
		paramSpec{name: "fc.weight", dims: []int{64, 10}, kind: kindFC},
		paramSpec{name: "fc.bias", dims: []int{10}, kind: kindFC})
	return params, numBN
}

// NumParams returns the number of trainable parameters: conv weights, batch-norm scale
// and shift, linear weight and bias (not batch-norm running statistics). For a masked
// Net it counts only the unmasked conv1 weights, so it equals the plain count.
func (n Net) NumParams() int64 {
	params, _ := n.layout()
	var total int64
	for _, p := range params {
		total += p.trainable()
	}
	return total
}

// initParams returns freshly initialised weights, drawn from rng. A plain and a masked
// Net with the same kernels draw the same values: a masked conv1 holds the plain kxk
// weights at its centre and zeros around them.
func (n Net) initParams(rng *rand.Rand) []*tensors.Tensor {
	params, _ := n.layout()
	out := make([]*tensors.Tensor, len(params))
	for i, p := range params {
		size := 1
		for _, d := range p.dims {
			size *= d
		}
		data := make([]float32, size)
		switch p.kind {
		case kindConv:
			std := math.Sqrt(2 / float64(p.fanIn))
			stored, off := p.dims[0], (p.dims[0]-p.k)/2
			inner := p.dims[2] * p.dims[3]
			for y := range p.k {
				for x := range p.k {
					base := ((y+off)*stored + x + off) * inner
					for j := range inner {
						data[base+j] = float32(rng.NormFloat64() * std)
					}
				}
			}
		case kindScale:
			for j := range data {
				data[j] = 1
			}
		case kindFC:
			for j := range data {
				data[j] = float32((2*rng.Float64() - 1) / 8)
			}
		}
		out[i] = tensors.FromFlatDataAndDimensions(data, p.dims...)
	}
	return out
}

// kernelMasks returns the [9, 7, 7] masks of a masked Net: one on each block's centred
// kxk window.
func kernelMasks(kernels [9]int) *tensors.Tensor {
	data := make([]float32, 9*MaxKernel*MaxKernel)
	for b, k := range kernels {
		off := (MaxKernel - k) / 2
		for y := off; y < off+k; y++ {
			for x := off; x < off+k; x++ {
				data[(b*MaxKernel+y)*MaxKernel+x] = 1
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(data, 9, MaxKernel, MaxKernel)
}

// bnStats holds, per batch-norm layer, either the batch statistics of a training
// forward pass or the running statistics used for evaluation.
type bnStats struct {
	mean, variance []*Node
}

// forward builds the net on images x [batch, h, w, 3] (uint8 pixels or already
// normalised floats) and returns the logits [batch, 10].
//
// params follow layout. masks is the [9, 7, 7] mask input of a masked Net, nil for a
// plain one. With running == nil the batch norms use batch statistics, which are
// returned; otherwise they use running.
func (n Net) forward(params []*Node, masks, x *Node, running *bnStats) (*Node, bnStats) {
	g := x.Graph()
	if x.DType() != dtypes.Float32 {
		x = ConvertDType(x, dtypes.Float32)
		mean := Const(g, []float32{255 * cifarMean[0], 255 * cifarMean[1], 255 * cifarMean[2]})
		std := Const(g, []float32{255 * cifarStd[0], 255 * cifarStd[1], 255 * cifarStd[2]})
		x = Div(Sub(x, channels(mean)), channels(std))
	}
	var batch bnStats
	next := 0
	take := func() *Node { next++; return params[next-1] }
	norm := func(h *Node) *Node {
		scale, shift := take(), take()
		if running != nil {
			i := len(batch.mean)
			batch.mean = append(batch.mean, nil)
			return batchNormInfer(h, scale, shift, running.mean[i], running.variance[i])
		}
		y, m, v := batchNormTrain(h, scale, shift)
		batch.mean = append(batch.mean, m)
		batch.variance = append(batch.variance, v)
		return y
	}
	relu := func(h *Node) *Node { return Max(h, ZerosLike(h)) }

	// Stem, then nine basic blocks.
	h := relu(norm(conv2D(x, take(), 1, 1)))
	for i, b := range space.ResNetBlocks() {
		w1 := take()
		if masks != nil {
			m := Reshape(Slice(masks, AxisElem(i)), MaxKernel, MaxKernel, 1, 1)
			w1 = Mul(w1, m)
		}
		k := w1.Shape().Dimensions[0]
		out := relu(norm(conv2D(h, w1, b.Stride, k/2)))
		out = norm(conv2D(out, take(), 1, 1))
		short := h
		if b.Projection() {
			short = norm(conv2D(h, take(), b.Stride, 0))
		}
		h = relu(Add(out, short))
	}

	// Global average pool and the linear classifier.
	pooled := ReduceMean(h, 1, 2)
	w, bias := take(), take()
	return Add(Dot(pooled, w), Reshape(bias, 1, 10)), batch
}

// crossEntropy returns the mean cross-entropy of logits [batch, 10] against integer
// labels [batch], and the number of correct top-1 predictions (float32).
func crossEntropy(logits, labels *Node) (loss, correct *Node) {
	onehot := OneHot(labels, 10, logits.DType())
	loss = Neg(ReduceAllMean(ReduceSum(Mul(onehot, LogSoftmax(logits)), 1)))
	pred := ArgMax(logits, 1, labels.DType())
	correct = ReduceAllSum(ConvertDType(Equal(pred, labels), logits.DType()))
	return loss, correct
}
