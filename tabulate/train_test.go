package tabulate

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// tinyData returns a CIFAR10 of synthetic images: n train, 4 valid, 4 test.
func tinyData(n int) *CIFAR10 {
	return &CIFAR10{Train: syntheticDataset(n, 11), Valid: syntheticDataset(4, 12),
		Test: syntheticDataset(4, 13)}
}

func TestTrainSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a full-size net twice for one step (about 30 s on 2 cores); skipped with -short")
	}
	// One architecture, one step of 4 images, twice with the same seed: same numbers.
	tr := &Trainer{Backend: testBackend(t), Data: tinyData(4), EvalBatch: 4,
		Recipe: Recipe{Epochs: 1, Batch: 4}}
	kernels := kernelsOf(t, "357333777")
	var steps int
	tr.Progress = func(s Step) { steps = s.Step }
	a, err := tr.Train(context.Background(), kernels, 1)
	if err != nil {
		t.Fatal(err)
	}
	if steps != 1 || len(a) != 1 {
		t.Fatalf("%d steps, %d epochs; want 1 step, 1 epoch", steps, len(a))
	}
	e := a[0]
	t.Logf("%+v", e)
	// A freshly initialised 10-class net has loss near ln 10 = 2.30.
	if e.TrainLoss < 1 || e.TrainLoss > 5 || math.IsNaN(e.TrainLoss) {
		t.Errorf("train loss %v, want near ln 10", e.TrainLoss)
	}
	for _, acc := range []float64{e.TrainAcc, e.ValidAcc, e.TestAcc} {
		if acc < 0 || acc > 1 || acc*4 != math.Round(acc*4) {
			t.Errorf("accuracy %v is not a fraction of 4 images", acc)
		}
	}
	b, err := tr.Train(context.Background(), kernels, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b[0].TrainLoss != e.TrainLoss || b[0].ValidAcc != e.ValidAcc || b[0].TestAcc != e.TestAcc {
		t.Errorf("same seed, different numbers: %+v then %+v", e, b[0])
	}
}

func TestStepsFitBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("10 training steps on 8x8 images (about 20 s on 2 cores); skipped with -short")
	}
	// The whole training step (gradients, Nesterov update, batch norm) must fit a fixed
	// batch of 4 random 8x8 images: 10 steps take the loss from about ln 10 to under a tenth of it.
	tr := &Trainer{Backend: testBackend(t), Recipe: Recipe{Batch: 4}}
	kernels := kernelsOf(t, "357333777")
	prog, err := tr.programs(kernels)
	if err != nil {
		t.Fatal(err)
	}
	state, _ := prog.net.initState(3)
	x, y := randomImages(rand.New(rand.NewPCG(4, 4)), 4, 8)
	var first, last float32
	for i := range 10 {
		args := []any{}
		for _, s := range state {
			args = append(args, s)
		}
		args = append(args, kernelMasks(kernels), x, y, float32(0.05))
		out, err := prog.train.Exec(args...)
		if err != nil {
			t.Fatal(err)
		}
		state = out[:len(state)]
		last = out[len(state)].Value().(float32)
		if i == 0 {
			first = last
		}
	}
	t.Logf("loss %.4f -> %.4f", first, last)
	if first < 1.5 || first > 4 || last > 0.1*first {
		t.Errorf("loss %.4f -> %.4f after 10 steps, want from about 2.3 to under a tenth", first, last)
	}
}
