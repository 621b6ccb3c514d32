// Command mfimport converts the published benchmark tables into mfbench lookup tables.
//
// Usage:
//
//	mfimport [-shared DIR] [-out DIR] [-order FILE]
//
// It reads DIR/tables/nas-bench-macro-cifar10.json and
// DIR/tables/nb201-cifar-test-accuracy.csv (DIR defaults to ../shared) and writes:
//
//	OUT/nas-bench-macro.parquet  NAS-Bench-Macro, one row per architecture and training
//	                             seed (3 seeds, 50 epochs), test accuracy, params, FLOPs
//	OUT/nas-bench-201.parquet    NAS-Bench-201 CIFAR-10, one row per cell, the mean over
//	                             seeds of the 200-epoch test accuracy, params, MACs
//
// OUT defaults to testdata. With -order FILE it also writes the NAS-Bench-201 index order
// that package space embeds (space/nb201_order.txt): row i of the published file is
// benchmark index i. Running it again on the same input writes the same bytes.
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/mfbench/mfbench/internal/atomicfile"
	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/table"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mfimport:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func run(stdout io.Writer, args []string) error {
	fs := flag.NewFlagSet("mfimport", flag.ContinueOnError)
	shared := fs.String("shared", "../shared", "folder holding tables/ with the published files")
	out := fs.String("out", "testdata", "folder to write the Parquet tables into")
	order := fs.String("order", "", "also write the NAS-Bench-201 index order to this file")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	log := slog.New(slog.NewTextHandler(stdout, nil))

	dir := filepath.Join(*shared, "tables")
	macro := filepath.Join(*out, "nas-bench-macro.parquet")
	if err := importMacro(filepath.Join(dir, "nas-bench-macro-cifar10.json"), macro); err != nil {
		return err
	}
	log.Info("wrote", "table", macro)

	nb201 := filepath.Join(*out, "nas-bench-201.parquet")
	csvPath := filepath.Join(dir, "nb201-cifar-test-accuracy.csv")
	if err := importNB201(csvPath, nb201, *order); err != nil {
		return err
	}
	log.Info("wrote", "table", nb201)
	return nil
}

func importMacro(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var published map[string]struct {
		TestAcc []float64 `json:"test_acc"`
		Params  int64     `json:"params"`
		FLOPs   int64     `json:"flops"`
	}
	if err := json.Unmarshal(data, &published); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if len(published) != space.Macro.Len() {
		return fmt.Errorf("%s: %d architectures, want %d", src, len(published),
			space.Macro.Len())
	}
	keys := make([]string, 0, len(published))
	for k := range published {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var rows []table.Row
	for _, k := range keys {
		p := published[k]
		a, err := space.Macro.Parse(k)
		if err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		if got := space.Macro.Params(a); got != p.Params {
			return fmt.Errorf("%s: %s has %d params, the space gives %d", src, k, p.Params, got)
		}
		if len(p.TestAcc) != 3 {
			return fmt.Errorf("%s: %s has %d test accuracies, want 3", src, k, len(p.TestAcc))
		}
		index, _ := space.Macro.Index(a)
		macs, _ := space.Macro.MACs(a)
		if macs != p.FLOPs {
			return fmt.Errorf("%s: %s has %d FLOPs, the space gives %d MACs", src, k, p.FLOPs,
				macs)
		}
		for seed, acc := range p.TestAcc {
			rows = append(rows, table.Row{
				Arch:    k,
				Index:   int64(index),
				Seed:    table.Int(int64(seed)),
				Epoch:   50,
				Params:  p.Params,
				MACs:    table.Int(macs),
				FLOPs:   table.Int(p.FLOPs),
				TestAcc: table.Float(acc / 100),
			})
		}
	}
	meta := table.Meta{
		Space:     space.Macro.Name(),
		Aggregate: table.PerSeed,
		Source: "NAS-Bench-Macro (Su et al., CVPR 2021), data file of the public repository " +
			"xiusu/NAS-Bench-Macro, Apache License 2.0, copyright 2021 Xiu Su. " +
			"Seeds 0, 1, 2 are the three published runs in their published order.",
		Recipe: table.Recipe{Dataset: "CIFAR-10", Split: "train 50000 / test 10000",
			Epochs: 50, Batch: 256, Optimizer: "SGD", LR: 0.1, WeightDecay: 5e-4,
			Schedule: "cosine"},
		Software: "published by the benchmark's authors; imported by mfbench cmd/mfimport",
		Notes: "Test accuracy only: no validation accuracy, no per-epoch curves, no " +
			"training times. FLOPs as published; they equal the MACs derived from the " +
			"architecture.",
	}
	return table.Write(dst, meta, rows)
}

func importNB201(src, dst, orderPath string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if len(records) != space.NB201.Len()+1 {
		return fmt.Errorf("%s: %d rows, want %d and a header", src, len(records)-1,
			space.NB201.Len())
	}
	header := records[0]
	if header[0] != "CIFAR10TestAccuracy200Epochs" || header[3] != "ArchitectureString" {
		return fmt.Errorf("%s: unexpected header %q", src, header)
	}

	var rows []table.Row
	var order strings.Builder
	for i, rec := range records[1:] {
		a, err := space.NB201.Parse(rec[3])
		if err != nil {
			return fmt.Errorf("%s: row %d: %w", src, i, err)
		}
		for _, c := range a {
			order.WriteByte(byte('0' + c))
		}
		order.WriteByte('\n')
		acc, err := strconv.ParseFloat(rec[0], 64)
		if err != nil {
			return fmt.Errorf("%s: row %d: accuracy %q: %w", src, i, rec[0], err)
		}
		macs, _ := space.NB201.MACs(a)
		rows = append(rows, table.Row{
			Arch:    space.NB201.String(a),
			Index:   int64(i),
			Epoch:   200,
			Params:  space.NB201.Params(a),
			MACs:    table.Int(macs),
			TestAcc: table.Float(acc / 100),
		})
	}
	if orderPath != "" {
		if err := atomicfile.WriteFile(orderPath, []byte(order.String())); err != nil {
			return err
		}
	}
	meta := table.Meta{
		Space:     space.NB201.Name(),
		Aggregate: table.MeanOfSeed,
		Source: "NAS-Bench-201 / NATS-Bench topology space (Dong and Yang, ICLR 2020; " +
			"Dong et al., TPAMI 2021), MIT licence, copyright Xuanyi Dong: CIFAR-10 test " +
			"accuracy after 200 epochs (hp=200), averaged over the benchmark's seeds.",
		Recipe: table.Recipe{Dataset: "CIFAR-10", Split: "train 50000 / test 10000",
			Epochs: 200, Batch: 256, Optimizer: "SGD Nesterov momentum 0.9", LR: 0.1,
			WeightDecay: 5e-4, Schedule: "cosine", Augmentation: "random crop, flip"},
		Software: "published by the benchmark's authors; imported by mfbench cmd/mfimport",
		Notes: "Mean of seeds; test accuracy only: no validation accuracy, no per-epoch " +
			"curves, no training times. Params and MACs derived from the cell string; " +
			"the published FLOPs are MACs + 10.",
	}
	return table.Write(dst, meta, rows)
}
