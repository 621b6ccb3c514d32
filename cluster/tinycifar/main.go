// Tinycifar writes a small synthetic data set in the official CIFAR-10 binary layout
// (data_batch_1.bin ... data_batch_5.bin, test_batch.bin), for runs that exercise the
// tabulation machinery rather than measure accuracy: cluster/slurm/ci-test.sh trains on
// it, and a fresh clone has no CIFAR-10.
//
// Usage:
//
//	tinycifar -out DIR [-train N] [-test N] [-seed S]
//
// Each of the five training files gets N records and the test file gets its own N. A
// record's label is its position modulo 10; its pixels are a colour that depends on the
// label plus uniform noise from a PCG seeded with S and the file's number, so the same
// flags write the same bytes on every machine.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/mfbench/mfbench/tabulate"
)

func main() {
	if err := run(os.Stderr, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tinycifar:", err)
		}
		os.Exit(2)
	}
}

func run(stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("tinycifar", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder to write the six files into; required")
	train := fs.Int("train", 20, "records in each of the five training files")
	test := fs.Int("test", 20, "records in the test file")
	seed := fs.Uint64("seed", 1, "seed of the pixel noise")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 || *train < 1 || *test < 1 {
		fs.Usage()
		return errors.New("need -out DIR, positive -train and -test, and no arguments")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	files := append(append([]string{}, tabulate.TrainFiles...), tabulate.TestFile)
	for k, name := range files {
		n := *train
		if name == tabulate.TestFile {
			n = *test
		}
		if err := tabulate.WriteCIFAR10File(filepath.Join(*out, name),
			synthetic(n, *seed, uint64(k))); err != nil {
			return err
		}
	}
	return nil
}

// synthetic returns n labelled images: label i mod 10, a label colour plus noise.
func synthetic(n int, seed, stream uint64) *tabulate.Dataset {
	rng := rand.New(rand.NewPCG(seed, stream))
	const size = tabulate.ImageSize * tabulate.ImageSize * 3
	d := &tabulate.Dataset{Pixels: make([]uint8, n*size), Labels: make([]uint8, n)}
	for i := range n {
		label := uint8(i % tabulate.NumClasses)
		d.Labels[i] = label
		for p := range size {
			base := int(label) * 25 * (p%3 + 1) % 200
			d.Pixels[i*size+p] = uint8(base + rng.IntN(56))
		}
	}
	return d
}
