// Command mftable inspects mfbench lookup tables and prints the paper audit.
//
// Usage:
//
//	mftable info FILE               provenance, size and coverage of a table, and its
//	                                optimum under M_beta for beta = 0.1 to 4
//	mftable query [flags] FILE ARCH what the table records for one architecture
//	mftable top [flags] FILE        the best architectures under M_beta
//	mftable audit                   the paper's Table 1, recomputed from its own A and P
//
// Flags of query: -seed S (default -1: the mean over seeds), -epoch E (default: the last).
// Flags go before FILE. -h after a command lists its flags.
// Flags of top: -beta B (default 1), -n N (default 10), -epoch E.
//
// ARCH is any spelling the table's space accepts (for resnet "357333777" or
// "3,5,7,3,3,3,7,7,7"). Exit status 2 means a usage error, 1 any other failure.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/mfbench/mfbench/metric"
	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/table"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mftable:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

const usage = "usage: mftable info FILE | query [-seed S] [-epoch E] FILE ARCH | " +
	"top [-beta B] [-n N] [-epoch E] FILE | audit"

// helpOut receives -h output; run sets it to its writer.
var helpOut io.Writer = os.Stdout

func run(w io.Writer, args []string) error {
	helpOut = w
	err := dispatch(w, args)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func dispatch(w io.Writer, args []string) error {
	if len(args) == 0 {
		return usageError{errors.New(usage)}
	}
	switch args[0] {
	case "info":
		return info(w, args[1:])
	case "query":
		return query(w, args[1:])
	case "top":
		return top(w, args[1:])
	case "audit":
		if len(args) > 1 {
			return usageError{fmt.Errorf("audit takes no arguments, got %q", args[1:])}
		}
		return metric.WriteAudit(w)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(w, usage)
		return nil
	}
	return usageError{fmt.Errorf("unknown command %q; %s", args[0], usage)}
}

// errHelp reports that a command printed its flags for -h; run returns nil for it.
var errHelp = errors.New("help printed")

func parse(fs *flag.FlagSet, args []string, nargs int) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(helpOut)
			fmt.Fprintf(helpOut, "%s\nflags of %s:\n", usage, fs.Name())
			fs.PrintDefaults()
			return errHelp
		}
		return usageError{fmt.Errorf("%s: %w", fs.Name(), err)}
	}
	if fs.NArg() != nargs {
		hint := ""
		if fs.NArg() > nargs {
			hint = " (flags go before FILE)"
		}
		return usageError{fmt.Errorf("%s: want %d arguments, got %d%s; %s", fs.Name(), nargs,
			fs.NArg(), hint, usage)}
	}
	return nil
}

func info(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	t, err := table.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	m := t.Meta()
	fmt.Fprintf(w, "space:        %s (%d architectures, P_min %d)\n", m.Space,
		t.Space().Len(), space.PMin(t.Space()))
	fmt.Fprintf(w, "rows:         %d\n", len(t.Rows()))
	fmt.Fprintf(w, "coverage:     %d of %d architectures\n", t.Count(), t.Space().Len())
	fmt.Fprintf(w, "aggregate:    %s\n", m.Aggregate)
	fmt.Fprintf(w, "seeds:        %s\n", seeds(t.Seeds()))
	fmt.Fprintf(w, "epochs:       %v\n", t.Epochs())
	fmt.Fprintf(w, "source:       %s\n", m.Source)
	fmt.Fprintf(w, "recipe:       %+v\n", m.Recipe)
	fmt.Fprintf(w, "software:     %s\n", m.Software)
	if m.Backend != "" {
		fmt.Fprintf(w, "backend:      %s\n", m.Backend)
	}
	if m.Notes != "" {
		fmt.Fprintf(w, "notes:        %s\n", m.Notes)
	}

	col := table.Test
	if t.HasValid() {
		col = table.Valid
	}
	over := "the whole space"
	if t.Count() < t.Space().Len() {
		over = fmt.Sprintf("the %d architectures present (of %d)", t.Count(), t.Space().Len())
	}
	fmt.Fprintf(w, "\noptimum of M_beta over the seed-mean %s at epoch %d, over %s:\n", col,
		t.MaxEpoch(), over)
	fmt.Fprintln(w, "beta   arch   accuracy   params   M_beta")
	for _, beta := range []float64{0.1, 0.25, 0.5, 1, 2, 4} {
		o, err := t.Best(beta, col, t.MaxEpoch())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-4g   %s   %.4f   %d   %.4f\n", beta, o.Arch, o.Accuracy, o.Params,
			o.M)
	}
	return nil
}

func seeds(s []int64) string {
	if len(s) == 1 && s[0] == table.MeanSeed {
		return "none (values are means over seeds)"
	}
	return fmt.Sprint(s)
}

func query(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	seed := fs.Int64("seed", table.MeanSeed, "training seed; -1 means the mean over seeds")
	epoch := fs.Int64("epoch", 0, "epoch (default: the table's last)")
	if err := parse(fs, args, 2); err != nil {
		return err
	}
	t, err := table.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	a, err := t.Space().Parse(fs.Arg(1))
	if err != nil {
		return err
	}
	if *epoch == 0 {
		*epoch = t.MaxEpoch()
	}
	index, _ := t.Space().Index(a)
	e, err := t.Lookup(index, *seed, *epoch)
	if err != nil {
		return err
	}
	macs, ok := t.Space().MACs(a)
	fmt.Fprintf(w, "arch:          %s\nindex:         %d\nparams:        %d\n",
		t.Space().String(a), index, t.Params(index))
	if ok {
		fmt.Fprintf(w, "macs:          %d\n", macs)
	}
	if f, ok := t.FLOPs(index); ok {
		fmt.Fprintf(w, "flops:         %d\n", f)
	}
	fmt.Fprintf(w, "seed:          %s\nepoch:         %d\n", seedName(*seed), *epoch)
	for _, v := range []struct {
		name string
		x    float64
	}{{"train_loss", e.TrainLoss}, {"train_acc", e.TrainAcc}, {"valid_acc", e.ValidAcc},
		{"test_acc", e.TestAcc}, {"train_seconds", e.TrainSeconds}} {
		fmt.Fprintf(w, "%-14s %s\n", v.name+":", num(v.x))
	}
	s := metric.Efficiency(t.Params(index), space.PMin(t.Space()))
	fmt.Fprintf(w, "S = P_min/P:   %.4f\nM (test_acc):  %s\n", s, num(metric.M(e.TestAcc, s)))
	return nil
}

func seedName(s int64) string {
	if s == table.MeanSeed {
		return "mean"
	}
	return fmt.Sprint(s)
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "NULL"
	}
	return fmt.Sprintf("%.6g", x)
}

func top(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("top", flag.ContinueOnError)
	beta := fs.Float64("beta", 1, "weight of size against accuracy (> 0)")
	n := fs.Int("n", 10, "number of architectures")
	epoch := fs.Int64("epoch", 0, "epoch (default: the table's last)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if !(*beta > 0) || math.IsInf(*beta, 0) || *n < 1 {
		return usageError{fmt.Errorf("top: -beta %v and -n %d must be positive and finite",
			*beta, *n)}
	}
	t, err := table.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	if *epoch == 0 {
		*epoch = t.MaxEpoch()
	}
	if !slices.Contains(t.Epochs(), *epoch) {
		return fmt.Errorf("top: %s has no epoch %d (epochs %v)", fs.Arg(0), *epoch, t.Epochs())
	}
	col := table.Test
	if t.HasValid() {
		col = table.Valid
	}
	type scored struct {
		index int
		m     float64
	}
	var all []scored
	for i := range t.Space().Len() {
		if m, err := t.MBeta(i, table.MeanSeed, *epoch, *beta, col); err == nil {
			all = append(all, scored{i, m})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		switch {
		case a.m > b.m:
			return -1
		case a.m < b.m:
			return 1
		}
		return 0
	})
	fmt.Fprintf(w, "M_beta (beta %g) of the seed-mean %s at epoch %d\n", *beta, col, *epoch)
	fmt.Fprintf(w, "%4s  %-*s  %8s  %9s  %7s\n", "rank", archWidth(t), "arch", "accuracy",
		"params", "M_beta")
	for r, s := range all[:min(*n, len(all))] {
		e, _ := t.Lookup(s.index, table.MeanSeed, *epoch)
		fmt.Fprintf(w, "%4d  %-*s  %8.4f  %9d  %7.4f\n", r+1, archWidth(t),
			t.Space().String(t.Space().Arch(s.index)), e.Accuracy(col), t.Params(s.index), s.m)
	}
	return nil
}

func archWidth(t *table.Table) int {
	return len(strings.TrimSpace(t.Space().String(t.Space().Arch(0))))
}
