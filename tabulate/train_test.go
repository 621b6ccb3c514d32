package tabulate

import (
	"context"
	"math"
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
