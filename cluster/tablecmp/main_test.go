package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/table"
)

// resnetRow is a per-seed row of the ResNet space for the architecture at index.
func resnetRow(t *testing.T, index int, seed, epoch int64, acc, seconds float64) table.Row {
	t.Helper()
	a := space.ResNet.Arch(index)
	macs, _ := space.ResNet.MACs(a)
	return table.Row{
		Arch: space.ResNet.String(a), Index: int64(index), Seed: table.Int(seed),
		Epoch: epoch, Params: space.ResNet.Params(a), MACs: table.Int(macs),
		TrainLoss: table.Float(2.25), TrainAcc: table.Float(0.125),
		ValidAcc: table.Float(acc), TestAcc: nil, TrainSeconds: table.Float(seconds),
	}
}

var meta = table.Meta{
	Space: "resnet", Aggregate: table.PerSeed,
	Recipe: table.Recipe{Dataset: "cifar10", Epochs: 1, Batch: 8, Subset: "16 images"},
}

func write(t *testing.T, m table.Meta, rows ...table.Row) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := table.Write(path, m, rows); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRun(t *testing.T) {
	r0 := resnetRow(t, 0, 0, 1, 0.25, 10)
	r5 := resnetRow(t, 5, 0, 1, 0.5, 11)
	r9 := resnetRow(t, 19682, 0, 1, 0.375, 12)

	// The same measurements taken at another speed, by another backend build.
	slow0, slow5, slow9 := r0, r5, r9
	slow0.TrainSeconds, slow5.TrainSeconds, slow9.TrainSeconds =
		table.Float(99), table.Float(98), table.Float(97)
	other := meta
	other.Software, other.Notes = "another build", "merged from 3 shards"

	changed := r5
	changed.ValidAcc = table.Float(0.5000001)
	nulled := r5
	nulled.TrainLoss = nil
	recipe := meta
	recipe.Recipe.Epochs = 2

	full := write(t, meta, r0, r5, r9)
	cases := []struct {
		name string
		args []string
		got  string
		err  bool
		out  []string // substrings the output must hold
	}{
		{"same", nil, write(t, other, slow9, slow0, slow5), false,
			[]string{"match: 3 rows"}},
		{"value", nil, write(t, meta, r0, changed, r9), true,
			[]string{"index 5, seed 0, epoch 1: valid_acc: want 0.5, got 0.5000001"}},
		{"value within tol", []string{"-tol", "1e-6"}, write(t, meta, r0, changed, r9), false,
			[]string{"match"}},
		{"null", nil, write(t, meta, r0, nulled, r9), true,
			[]string{"train_loss: want 2.25, got NULL"}},
		{"missing row", nil, write(t, meta, r0, r9), true,
			[]string{"index 5, seed 0, epoch 1: missing in got"}},
		{"shard subset", []string{"-subset"}, write(t, meta, r9, r5), false,
			[]string{"match: 2 rows"}},
		{"extra row", []string{"-subset"},
			write(t, meta, r0, resnetRow(t, 7, 0, 1, 0.5, 1)), true,
			[]string{"index 7, seed 0, epoch 1: in got only"}},
		{"other seed", nil, write(t, meta, r0, r5, resnetRow(t, 19682, 1, 1, 0.375, 12)), true,
			[]string{"index 19682, seed 0, epoch 1: missing", "index 19682, seed 1, epoch 1: in got only"}},
		{"recipe", nil, write(t, recipe, r0, r5, r9), true,
			[]string{"recipe: want", "Epochs:1", "Epochs:2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(&stdout, &stderr, append(c.args, full, c.got))
			if (err != nil) != c.err {
				t.Fatalf("err = %v, want error %v; output:\n%s", err, c.err, stdout.String())
			}
			for _, s := range c.out {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, stdout.String())
				}
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(&stdout, &stderr, []string{"only-one"}); !errors.Is(err, errUsage) {
		t.Errorf("one argument: err = %v, want errUsage", err)
	}
	good := write(t, meta, resnetRow(t, 0, 0, 1, 0.25, 1))
	err := run(&stdout, &stderr, []string{good, filepath.Join(t.TempDir(), "absent.parquet")})
	if err == nil || !strings.Contains(err.Error(), "absent.parquet") {
		t.Errorf("absent file: err = %v, want one naming the file", err)
	}
}
