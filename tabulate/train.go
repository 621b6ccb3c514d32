package tabulate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as maths
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mfbench/mfbench/table"
)

// Recipe is the training recipe of design.md section 6. The zero value is the standard
// recipe for one epoch on the whole data set: a zero field takes the default named in
// its comment. A Recipe is part of a run's identity: shards of different recipes never
// merge.
type Recipe struct {
	Epochs      int     `json:"epochs"`       // epochs trained, the fidelity; default 1
	Batch       int     `json:"batch"`        // training batch; default 256
	LR          float64 `json:"lr"`           // initial learning rate; default 0.1
	Momentum    float64 `json:"momentum"`     // Nesterov momentum; default 0.9
	WeightDecay float64 `json:"weight_decay"` // L2 on every parameter; default 5e-4
	// TrainLimit, ValidLimit and TestLimit use only the first images of each split
	// (0: all of it): for CPU smoke runs, never for a benchmark table. The validation
	// split is in file order, so its first images can be unbalanced (on the shared
	// CIFAR-10 copy the first 64 hold only classes 3, 4, 5 and 8).
	TrainLimit int `json:"train_limit,omitempty"`
	ValidLimit int `json:"valid_limit,omitempty"`
	TestLimit  int `json:"test_limit,omitempty"`
}

// WithDefaults returns r with every zero field set to its default.
func (r Recipe) WithDefaults() Recipe {
	if r.Epochs == 0 {
		r.Epochs = 1
	}
	if r.Batch == 0 {
		r.Batch = 256
	}
	if r.LR == 0 {
		r.LR = 0.1
	}
	if r.Momentum == 0 {
		r.Momentum = 0.9
	}
	if r.WeightDecay == 0 {
		r.WeightDecay = 5e-4
	}
	return r
}

// Validate reports the first field of r (after defaults) that is out of range.
func (r Recipe) Validate() error {
	r = r.WithDefaults()
	switch {
	case r.Epochs < 0:
		return fmt.Errorf("tabulate: recipe epochs %d, want >= 1", r.Epochs)
	case r.Batch < 2:
		return fmt.Errorf("tabulate: recipe batch %d, want >= 2 (batch norm)", r.Batch)
	case r.LR < 0 || r.Momentum < 0 || r.Momentum >= 1 || r.WeightDecay < 0:
		return fmt.Errorf("tabulate: recipe lr %g, momentum %g, weight decay %g out of range",
			r.LR, r.Momentum, r.WeightDecay)
	case r.TrainLimit < 0 || r.ValidLimit < 0 || r.TestLimit < 0:
		return fmt.Errorf("tabulate: recipe limits %d/%d/%d, want >= 0",
			r.TrainLimit, r.ValidLimit, r.TestLimit)
	}
	return nil
}

// Table returns r in the table's provenance form.
func (r Recipe) Table() table.Recipe {
	r = r.WithDefaults()
	tr := table.Recipe{
		Dataset: "CIFAR-10 (official binary layout)",
		Split: "train 45000 / valid 5000 (last tenth of each class in file order) / " +
			"test 10000",
		Epochs: r.Epochs,
		Batch:  r.Batch,
		Optimizer: fmt.Sprintf("SGD, Nesterov momentum %g, weight decay %g on all "+
			"parameters", r.Momentum, r.WeightDecay),
		LR:          r.LR,
		WeightDecay: r.WeightDecay,
		Schedule: "cosine per step from lr to 0 over all epochs; last partial batch " +
			"dropped; metrics recorded after every epoch",
		Augmentation: "4-pixel zero pad + random 32x32 crop, horizontal flip p=0.5",
	}
	if r.TrainLimit+r.ValidLimit+r.TestLimit > 0 {
		tr.Subset = fmt.Sprintf("first images of each split: train %s, valid %s, test %s",
			limitString(r.TrainLimit), limitString(r.ValidLimit), limitString(r.TestLimit))
	}
	return tr
}

func limitString(n int) string {
	if n == 0 {
		return "all"
	}
	return fmt.Sprint(n)
}

// Epoch is what training measured after one epoch.
type Epoch struct {
	Epoch        int     // 1-based
	TrainLoss    float64 // mean cross-entropy over the epoch's training batches
	TrainAcc     float64 // accuracy over the epoch's (augmented) training batches
	ValidAcc     float64 // validation accuracy, batch norm in inference mode
	TestAcc      float64 // test accuracy, batch norm in inference mode
	TrainSeconds float64 // wall time of training steps up to this epoch (no evaluation)
}

// Step is the progress report a Trainer sends after every training step.
type Step struct {
	Step, Steps int           // steps done in this run, of Steps
	Images      int           // training images processed in this run
	Elapsed     time.Duration // since the run started
}

// Trainer trains architectures of the ResNet space with one recipe on one data set.
// Set the exported fields, then call Train; a Trainer is not safe for concurrent use.
type Trainer struct {
	Backend backends.Backend // required
	Data    *CIFAR10         // required
	Recipe  Recipe
	// Plain builds one graph per architecture with true-size kernels instead of the
	// single masked 7x7 graph; both compute the same function.
	Plain bool
	// EvalBatch is the batch of evaluation passes; default 500.
	EvalBatch int
	// Progress, if set, is called after every training step.
	Progress func(Step)

	masked *execs // the graphs of the masked net, built on first use
}

// execs holds the compiled programs of one net.
type execs struct {
	net         Net
	train, eval *Exec
}

func (t *Trainer) programs(kernels [9]int) (*execs, error) {
	if t.Plain {
		return t.build(Net{Kernels: kernels})
	}
	if t.masked == nil {
		e, err := t.build(Net{Kernels: kernels, Masked: true})
		if err != nil {
			return nil, err
		}
		t.masked = e
	}
	e := *t.masked
	e.net.Kernels = kernels
	return &e, nil
}

// build creates the training-step and evaluation programs of net.
func (t *Trainer) build(net Net) (*execs, error) {
	r := t.Recipe.WithDefaults()
	specs, numBN := net.layout()
	np := len(specs)
	masked := net.Masked

	// Inputs: params, momentum buffers, running means and variances, [masks], images,
	// labels, lr. Outputs: the new state in the same order, loss, correct.
	step := func(in []*Node) []*Node {
		params, bufs := in[:np], in[np:2*np]
		runMean, runVar := in[2*np:2*np+numBN], in[2*np+numBN:2*np+2*numBN]
		rest := in[2*np+2*numBN:]
		var masks *Node
		if masked {
			masks, rest = rest[0], rest[1:]
		}
		images, labels, lr := rest[0], rest[1], rest[2]
		logits, stats := net.forward(params, masks, images, nil)
		loss, correct := crossEntropy(logits, labels)
		grads := Gradient(loss, params...)
		out := make([]*Node, 0, len(in))
		newBufs := make([]*Node, np)
		for i := range params {
			var p *Node
			p, newBufs[i] = sgdNesterov(params[i], grads[i], bufs[i], lr, r.Momentum,
				r.WeightDecay)
			out = append(out, p)
		}
		out = append(out, newBufs...)

		// Running statistics as PyTorch keeps them: momentum 0.1, unbiased variance.
		n := float64(images.Shape().Size() / images.Shape().Dimensions[3])
		for i := range numBN {
			out = append(out, Add(MulScalar(runMean[i], 0.9), MulScalar(stats.mean[i], 0.1)))
		}
		for i := range numBN {
			unbiased := MulScalar(stats.variance[i], n/(n-1))
			out = append(out, Add(MulScalar(runVar[i], 0.9), MulScalar(unbiased, 0.1)))
		}
		return append(out, loss, correct)
	}

	// Inputs: params, running means and variances, [masks], images, labels, weights.
	// Output: the weighted number of correct predictions.
	eval := func(in []*Node) *Node {
		params := in[:np]
		run := &bnStats{mean: in[np : np+numBN], variance: in[np+numBN : np+2*numBN]}
		rest := in[np+2*numBN:]
		var masks *Node
		if masked {
			masks, rest = rest[0], rest[1:]
		}
		images, labels, weights := rest[0], rest[1], rest[2]
		logits, _ := net.forward(params, masks, images, run)
		pred := ArgMax(logits, 1, labels.DType())
		hit := ConvertDType(Equal(pred, labels), weights.DType())
		return ReduceAllSum(Mul(hit, weights))
	}
	te, err := NewExec(t.Backend, step)
	if err != nil {
		return nil, fmt.Errorf("tabulate: building the training step: %w", err)
	}
	ee, err := NewExec(t.Backend, eval)
	if err != nil {
		return nil, fmt.Errorf("tabulate: building the evaluation: %w", err)
	}
	return &execs{net: net, train: te.WithName("train_step"), eval: ee.WithName("eval")}, nil
}

// Train trains the architecture with the given conv1 kernels from seed and returns the
// metrics of every epoch. The seed fixes the initial weights and the order and
// augmentation of the training images; on the pure-Go backend the same seed gives the
// same numbers. Cancelling ctx stops training after the current step with ctx's error.
func (t *Trainer) Train(ctx context.Context, kernels [9]int, seed int64) (
	epochs []Epoch, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("tabulate: training %v seed %d: %v", kernels, seed, r)
		}
	}()
	if err := (Net{Kernels: kernels}).checkKernels(); err != nil {
		return nil, err
	}
	if err := t.Recipe.Validate(); err != nil {
		return nil, err
	}
	if t.Backend == nil || t.Data == nil {
		return nil, fmt.Errorf("tabulate: Trainer needs a Backend and Data")
	}
	r := t.Recipe.WithDefaults()
	train := t.Data.Train.head(r.TrainLimit)
	valid, test := t.Data.Valid.head(r.ValidLimit), t.Data.Test.head(r.TestLimit)
	stepsPerEpoch := train.Len() / r.Batch
	if stepsPerEpoch == 0 {
		return nil, fmt.Errorf("tabulate: %d training images, fewer than one batch of %d",
			train.Len(), r.Batch)
	}
	prog, err := t.programs(kernels)
	if err != nil {
		return nil, err
	}
	if t.Plain {
		defer prog.train.Finalize()
		defer prog.eval.Finalize()
	}

	// State: weights from the seed, zero momentum, running statistics 0 and 1.
	state, nb := prog.net.initState(seed)
	np := len(state)/2 - nb
	var masks *tensors.Tensor
	if prog.net.Masked {
		masks = kernelMasks(kernels)
	}

	// Epochs of shuffled, augmented batches; the cosine schedule runs per step.
	dataRNG := rand.New(rand.NewPCG(uint64(seed), 2))
	totalSteps := r.Epochs * stepsPerEpoch
	pix := make([]uint8, r.Batch*imageBytes)
	lab := make([]int32, r.Batch)
	var trainTime time.Duration
	start := time.Now()
	done := 0
	for e := 1; e <= r.Epochs; e++ {
		order := dataRNG.Perm(train.Len())
		var lossSum, correctSum float64
		t0 := time.Now()
		for s := range stepsPerEpoch {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			idx := order[s*r.Batch : (s+1)*r.Batch]
			augmentBatch(train, idx, dataRNG, pix)
			for b, i := range idx {
				lab[b] = int32(train.Labels[i])
			}
			lr := float32(0.5 * r.LR * (1 + math.Cos(math.Pi*float64(done)/float64(totalSteps))))
			args := make([]any, 0, len(state)+4)
			for _, st := range state {
				args = append(args, st)
			}
			if masks != nil {
				args = append(args, masks)
			}
			args = append(args,
				tensors.FromFlatDataAndDimensions(pix, r.Batch, ImageSize, ImageSize, 3),
				tensors.FromFlatDataAndDimensions(lab, r.Batch), lr)
			out, err := prog.train.Exec(args...)
			if err != nil {
				return nil, fmt.Errorf("tabulate: training step %d: %w", done+1, err)
			}
			for _, st := range state {
				st.FinalizeAll()
			}
			state = out[:len(state)]
			lossSum += float64(out[len(state)].Value().(float32))
			correctSum += float64(out[len(state)+1].Value().(float32))
			done++
			if t.Progress != nil {
				t.Progress(Step{Step: done, Steps: totalSteps, Images: done * r.Batch,
					Elapsed: time.Since(start)})
			}
		}
		trainTime += time.Since(t0)

		// Evaluate with running statistics.
		evalState := append(append([]*tensors.Tensor{}, state[:np]...), state[2*np:2*np+2*nb]...)
		va, err := t.accuracy(prog.eval, evalState, masks, valid)
		if err != nil {
			return nil, err
		}
		ta, err := t.accuracy(prog.eval, evalState, masks, test)
		if err != nil {
			return nil, err
		}
		n := float64(stepsPerEpoch)
		epochs = append(epochs, Epoch{Epoch: e, TrainLoss: lossSum / n,
			TrainAcc: correctSum / (n * float64(r.Batch)), ValidAcc: va, TestAcc: ta,
			TrainSeconds: trainTime.Seconds()})
	}
	for _, st := range state {
		st.FinalizeAll()
	}
	return epochs, nil
}

// initState returns the training state of a fresh net from seed: weights, zero
// momentum buffers, running means 0 and running variances 1 of each of its nb batch
// norms, in the order the training step takes them.
func (n Net) initState(seed int64) (state []*tensors.Tensor, nb int) {
	specs, _ := n.layout()
	state = n.initParams(rand.New(rand.NewPCG(uint64(seed), 1)))
	for _, sp := range specs {
		state = append(state, tensors.FromShape(shapes.Make(dtypes.Float32, sp.dims...)))
	}
	var widths []int
	for _, sp := range specs {
		if sp.kind == kindScale {
			widths = append(widths, sp.dims[0])
		}
	}
	for _, c := range widths {
		state = append(state, tensors.FromShape(shapes.Make(dtypes.Float32, c)))
	}
	for _, c := range widths {
		state = append(state, filled(c, 1))
	}
	return state, len(widths)
}

// accuracy returns the fraction of d that the net classifies correctly, in batches of
// EvalBatch padded with zero-weight images.
func (t *Trainer) accuracy(eval *Exec, state []*tensors.Tensor, masks *tensors.Tensor,
	d *Dataset) (float64, error) {
	if d.Len() == 0 {
		return math.NaN(), nil
	}
	bs := t.EvalBatch
	if bs <= 0 {
		bs = 500
	}
	pix := make([]uint8, bs*imageBytes)
	lab := make([]int32, bs)
	w := make([]float32, bs)
	var correct float64
	for from := 0; from < d.Len(); from += bs {
		n := min(bs, d.Len()-from)
		clear(pix)
		copy(pix, d.Pixels[from*imageBytes:(from+n)*imageBytes])
		for i := range bs {
			lab[i], w[i] = 0, 0
			if i < n {
				lab[i], w[i] = int32(d.Labels[from+i]), 1
			}
		}
		args := make([]any, 0, len(state)+4)
		for _, st := range state {
			args = append(args, st)
		}
		if masks != nil {
			args = append(args, masks)
		}
		args = append(args, tensors.FromFlatDataAndDimensions(pix, bs, ImageSize, ImageSize, 3),
			tensors.FromFlatDataAndDimensions(lab, bs), tensors.FromFlatDataAndDimensions(w, bs))
		out, err := eval.Exec(args...)
		if err != nil {
			return 0, fmt.Errorf("tabulate: evaluation: %w", err)
		}
		correct += float64(out[0].Value().(float32))
		out[0].FinalizeAll()
	}
	return correct / float64(d.Len()), nil
}

// filled returns a float32 vector of n copies of v.
func filled(n int, v float32) *tensors.Tensor {
	data := make([]float32, n)
	for i := range data {
		data[i] = v
	}
	return tensors.FromFlatDataAndDimensions(data, n)
}

// Software describes the software that trains, for a table's metadata.
func Software() string {
	v := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == "github.com/gomlx/gomlx" {
				v = d.Version
			}
		}
	}
	return fmt.Sprintf("mfbench tabulate; GoMLX %s; %s", v, runtime.Version())
}
