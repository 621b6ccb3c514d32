// Command tabulate trains architectures of the ResNet kernel space on CIFAR-10 with
// GoMLX and writes what it measures, epoch by epoch, into an mfbench lookup table.
//
// Usage:
//
//	tabulate run -data DIR -work DIR [flags]      train the units of a plan (or one shard)
//	tabulate merge -out TABLE.parquet DIR...      join the work folders of one plan
//
// # Work, resume and shards
//
// A plan is a recipe, a list of architectures and a list of training seeds; each
// (architecture, seed) is a unit. run writes each finished unit as one small file in
// the work folder, atomically, and skips units already there: kill it at any moment
// (kill -9 included), start the same command again, and it finishes the work without
// repeating or losing a unit. A work folder belongs to one plan; run refuses a folder
// of another plan. run checks every input (the flags, the data folder, the backend)
// before it creates or opens the work folder, so a refused command leaves no trace.
//
// -shard i/n runs only units whose number is i modulo n. Without -shard, run reads
// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (an array numbered 0..n-1) or
// JOB_COMPLETION_INDEX with -job-count n (an indexed Kubernetes Job). Shards may share
// one work folder or use one each. When a shard has finished all its units, it writes
// shards/i-of-n.done. merge joins any number of work folders into one table; it refuses
// folders of different plans and, unless -partial, reports the missing units (per shard)
// instead of writing a table.
//
// Without shards, run -table PATH also writes the table when the plan is complete.
//
// # Backends
//
// GOMLX_BACKEND (or -backend) picks GoMLX's backend: "go" (pure Go, CPU, the default
// here) or, in a binary built with cgo and the build tag xla, "xla:cuda" or
// "xla:/path/to/xla_cuda_plugin.so". Set GOMLX_NO_AUTO_INSTALL=1 on machines without
// internet.
//
// # Examples
//
// A tiny CPU smoke run, two architectures, one epoch on 64 images:
//
//	tabulate run -data /tmp/cifar10 -work /tmp/w -archs 333333333,777777777 \
//	    -train-limit 64 -valid-limit 64 -test-limit 64 -batch 32 -table tiny.parquet
//
// A 4-task Slurm array sharing a work folder, then the merge:
//
//	sbatch --array=0-3 --wrap 'tabulate run -data D -work W -all -epochs 12'
//	tabulate merge -out resnet.parquet W
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/table"
	"github.com/mfbench/mfbench/tabulate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, message(err))
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, message(err))
		os.Exit(1)
	}
}

// message returns err's text with one "tabulate: " prefix. The library prefixes its
// errors with "tabulate: ", and the command adds context in front of some of them
// ("333333333 seed 0: tabulate: training step 1: ..."); the inner prefixes go.
func message(err error) string {
	const p = "tabulate: "
	msg := strings.ReplaceAll(err.Error(), ": "+p, ": ")
	for strings.HasPrefix(msg, p) {
		msg = strings.TrimPrefix(msg, p)
	}
	return p + msg
}

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

const usage = `usage:
  tabulate run -data DIR -work DIR [flags]     train a plan's units (or one shard of them)
  tabulate merge -out TABLE.parquet DIR...     join work folders of one plan into a table
Run "tabulate run -h" or "tabulate merge -h" for the flags.
`

func run(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("missing subcommand")
	}
	switch args[0] {
	case "run":
		return runCmd(ctx, stderr, args[1:])
	case "merge":
		return mergeCmd(stdout, stderr, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usagef("unknown subcommand %q", args[0])
}

func runCmd(ctx context.Context, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("tabulate run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		data       = fs.String("data", "", "CIFAR-10 folder in the official binary layout (data_batch_1.bin ... test_batch.bin); required")
		work       = fs.String("work", "", "work folder: plan.json, one file per finished unit; required")
		tablePath  = fs.String("table", "", "write the table here when the whole plan is done (unsharded runs)")
		archs      = fs.String("archs", "", "comma-separated architectures, e.g. 333333333,357333777")
		all        = fs.Bool("all", false, "every architecture of the space (19,683)")
		sample     = fs.Int("sample", 0, "N distinct architectures (1..19683) drawn uniformly with -sample-seed")
		sampleSeed = fs.Uint64("sample-seed", 0, "seed of -sample")
		seeds      = fs.String("seeds", "0", "comma-separated training seeds, each >= 0")
		epochs     = fs.Int("epochs", 0, "epochs, the fidelity (0: 1); every epoch is recorded")
		batch      = fs.Int("batch", 0, "training batch (0: 256)")
		lr         = fs.Float64("lr", 0, "initial learning rate of the cosine schedule (0: 0.1)")
		momentum   = fs.Float64("momentum", 0, "Nesterov momentum (0: 0.9)")
		wd         = fs.Float64("wd", 0, "weight decay (0: 5e-4)")
		trainLimit = fs.Int("train-limit", 0, "use only the first N training images (0: all 45,000); smoke runs only")
		validLimit = fs.Int("valid-limit", 0, "use only the first N validation images (0: all 5,000)")
		testLimit  = fs.Int("test-limit", 0, "use only the first N test images (0: all 10,000)")
		evalBatch  = fs.Int("eval-batch", 500, "batch of evaluation passes")
		shard      = fs.String("shard", "", "run shard i/n (units numbered i modulo n); default from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX")
		jobCount   = fs.Int("job-count", 0, "number of completions of an indexed Kubernetes Job (with JOB_COMPLETION_INDEX)")
		timeLimit  = fs.Duration("time-limit", 0, "start no unit that would end after this long (estimated from the last unit); 0: no limit")
		plain      = fs.Bool("plain", false, "one graph per architecture with true-size kernels instead of one masked 7x7 graph")
		backend    = fs.String("backend", "", "GoMLX backend, GOMLX_BACKEND syntax (default $GOMLX_BACKEND, else go)")
		every      = fs.Duration("progress", 10*time.Second, "interval of progress lines (images/s, ETA) on stderr")
		notes      = fs.String("notes", "", "text for the notes of the -table, e.g. \"tiny CPU smoke run\"")
	)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: tabulate run -data DIR -work DIR [-archs A,B | -all | -sample N] [flags]\n\n"+
			"Trains each (architecture, seed) unit of the plan not yet in the work folder and\n"+
			"records it there atomically; safe to kill and restart. Flags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("run: unexpected argument %q", fs.Arg(0))
	}
	if *data == "" || *work == "" {
		return usagef("run: -data and -work are required")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	// Every input is checked before the work folder is created or opened: the first
	// run binds a folder to its plan, so a run refused for a typo must leave no trace.
	// The plan.
	sampleSet := false
	fs.Visit(func(f *flag.Flag) { sampleSet = sampleSet || f.Name == "sample" })
	list, err := archList(*archs, *all, sampleSet, *sample, *sampleSeed)
	if err != nil {
		return err
	}
	seedList, err := parseSeeds(*seeds)
	if err != nil {
		return err
	}
	recipe := tabulate.Recipe{Epochs: *epochs, Batch: *batch, LR: *lr, Momentum: *momentum,
		WeightDecay: *wd, TrainLimit: *trainLimit, ValidLimit: *validLimit, TestLimit: *testLimit}
	plan, err := tabulate.NewPlan(list, seedList, recipe)
	if err != nil {
		return usageError{err.Error()}
	}

	// The shard.
	si, sn := 0, 1
	if *shard != "" {
		if si, sn, err = tabulate.ParseShard(*shard); err != nil {
			return usageError{err.Error()}
		}
	} else if i, n, ok, err := tabulate.ShardFromEnv(os.Getenv, *jobCount); err != nil {
		return usageError{err.Error()}
	} else if ok {
		si, sn = i, n
	}
	if sn > 1 && *tablePath != "" {
		return usagef("run: -table needs the whole plan; merge the shards with tabulate merge")
	}
	if *tablePath != "" {
		if fi, err := os.Stat(filepath.Dir(*tablePath)); err != nil || !fi.IsDir() {
			return usagef("run: -table %s: folder %s does not exist", *tablePath,
				filepath.Dir(*tablePath))
		}
	}

	// The data and the backend.
	cifar, err := tabulate.LoadCIFAR10(*data)
	if err != nil {
		return err
	}
	r := plan.Recipe
	if n := min(limitOr(r.TrainLimit, cifar.Train.Len()), cifar.Train.Len()); n < r.Batch {
		return fmt.Errorf("run: -data %s: %d training images (-train-limit %d), fewer "+
			"than one -batch of %d", *data, n, r.TrainLimit, r.Batch)
	}
	be, err := tabulate.NewBackend(*backend)
	if err != nil {
		return err
	}
	defer be.Finalize()
	desc := be.Name() + ": " + be.Description() + ", one masked 7x7 graph"
	if *plain {
		desc = be.Name() + ": " + be.Description() + ", plain graphs"
	}

	wd0, err := tabulate.OpenWorkDir(*work, plan)
	if err != nil {
		return err
	}
	var todo []tabulate.Unit
	units := plan.Shard(si, sn)
	for _, u := range units {
		if !wd0.Done(u) {
			todo = append(todo, u)
		}
	}
	log.Info("plan", "archs", len(plan.Archs), "seeds", len(plan.Seeds), "shard",
		fmt.Sprintf("%d/%d", si, sn), "units", len(units), "done", len(units)-len(todo),
		"todo", len(todo), "work", *work)

	// Training.
	if len(todo) > 0 {
		log.Info("backend", "backend", desc)
		tr := &tabulate.Trainer{Backend: be, Data: cifar, Recipe: r, Plain: *plain,
			EvalBatch: *evalBatch}
		if err := train(ctx, log, wd0, tr, desc, todo, *every, *timeLimit); err != nil {
			return err
		}
	}
	for _, u := range units {
		if !wd0.Done(u) {
			log.Info("shard incomplete (time limit)", "shard", fmt.Sprintf("%d/%d", si, sn))
			return nil
		}
	}
	if err := wd0.MarkShardDone(si, sn); err != nil {
		return err
	}
	log.Info("shard done", "shard", fmt.Sprintf("%d/%d", si, sn))
	if *tablePath != "" {
		return writeTable(log, *tablePath, []string{*work}, tabulate.AssembleOptions{Notes: *notes})
	}
	return nil
}

// train runs the units in order with tr, recording each as it finishes; desc names the
// backend in the results.
func train(ctx context.Context, log *slog.Logger, w *tabulate.WorkDir, tr *tabulate.Trainer,
	desc string, todo []tabulate.Unit, every, limit time.Duration) error {
	r, cifar := w.Plan.Recipe, tr.Data
	stepsPerUnit := r.Epochs * (min(cifar.Train.Len(), limitOr(r.TrainLimit, cifar.Train.Len())) / r.Batch)
	totalImages := len(todo) * stepsPerUnit * r.Batch
	start := time.Now()
	var imagesBefore int
	var lastLog time.Time
	var trainSeconds float64
	var lastUnit time.Duration
	for k, u := range todo {
		if limit > 0 && time.Since(start)+lastUnit > limit {
			log.Info("time limit: stopping", "limit", limit, "units_done", k, "units_left", len(todo)-k)
			return nil
		}
		a, _ := space.ResNet.Parse(u.Arch)
		unitStart := time.Now()
		tr.Progress = func(s tabulate.Step) {
			if time.Since(lastLog) < every && s.Step != s.Steps {
				return
			}
			lastLog = time.Now()
			done := imagesBefore + s.Images
			secs := trainSeconds + s.Elapsed.Seconds()
			rate := float64(done) / secs
			eta := time.Duration(float64(totalImages-done) / rate * float64(time.Second))
			log.Info("progress", "unit", fmt.Sprintf("%d/%d", k+1, len(todo)), "arch", u.Arch,
				"seed", u.Seed, "step", fmt.Sprintf("%d/%d", s.Step, s.Steps),
				"img_per_s", fmt.Sprintf("%.2f", rate), "eta", eta.Round(time.Second))
		}
		epochs, err := tr.Train(ctx, space.ResNetKernels(a), u.Seed)
		if err != nil {
			return fmt.Errorf("%s seed %d: %w", u.Arch, u.Seed, err)
		}
		last := epochs[len(epochs)-1]
		res := tabulate.Result{Arch: u.Arch, Seed: u.Seed, Backend: desc, Epochs: epochs,
			Images: stepsPerUnit * r.Batch}
		if err := w.Save(u, res); err != nil {
			return err
		}
		imagesBefore += res.Images
		trainSeconds += last.TrainSeconds
		lastUnit = time.Since(unitStart)
		log.Info("unit done", "arch", u.Arch, "seed", u.Seed, "valid_acc", last.ValidAcc,
			"test_acc", last.TestAcc, "train_loss", last.TrainLoss,
			"img_per_s", fmt.Sprintf("%.2f", float64(res.Images)/last.TrainSeconds),
			"seconds", lastUnit.Round(time.Millisecond))
	}
	return nil
}

func limitOr(limit, n int) int {
	if limit <= 0 {
		return n
	}
	return limit
}

func mergeCmd(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("tabulate merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "path of the table to write (Parquet); required")
	partial := fs.Bool("partial", false, "write the units found even if some are missing (the table's notes say so)")
	notes := fs.String("notes", "", "text for the table's notes, e.g. \"tiny CPU smoke run\"")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: tabulate merge -out TABLE.parquet [flags] WORKDIR...\n\n"+
			"Joins the work folders of one plan into one table. Refuses folders of different\n"+
			"plans; reports missing units per shard instead of writing a partial table. Flags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if *out == "" || fs.NArg() == 0 {
		return usagef("merge: -out and at least one work folder are required")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	return writeTable(log, *out, fs.Args(), tabulate.AssembleOptions{Partial: *partial, Notes: *notes})
}

func writeTable(log *slog.Logger, path string, dirs []string, opt tabulate.AssembleOptions) error {
	meta, rows, plan, err := tabulate.Assemble(dirs, opt)
	if err != nil {
		return err
	}
	if err := table.Write(path, meta, rows); err != nil {
		return err
	}
	log.Info("table written", "path", path, "rows", len(rows), "archs", len(plan.Archs),
		"seeds", len(plan.Seeds), "epochs", plan.Recipe.Epochs)
	return nil
}

// archList returns the architectures the flags select; sampleSet says whether -sample
// was given.
func archList(archs string, all, sampleSet bool, sample int, seed uint64) ([]string, error) {
	s := space.ResNet
	if sampleSet && (sample < 1 || sample > s.Len()) {
		return nil, usagef("run: -sample %d: the sample size must be in 1..%d (the space's "+
			"architectures)", sample, s.Len())
	}
	n := 0
	for _, set := range []bool{archs != "", all, sampleSet} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, usagef("run: give exactly one of -archs, -all, -sample")
	}
	switch {
	case archs != "":
		return strings.Split(archs, ","), nil
	case all:
		out := make([]string, s.Len())
		for i := range out {
			out[i] = s.String(s.Arch(i))
		}
		return out, nil
	}
	perm := rand.New(rand.NewPCG(seed, 0)).Perm(s.Len())[:sample]
	out := make([]string, sample)
	for i, idx := range perm {
		out[i] = s.String(s.Arch(idx))
	}
	return out, nil
}

func parseSeeds(s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return nil, usagef("run: -seeds %q: %q is not an integer", s, f)
		}
		if v < 0 {
			return nil, usagef("run: -seeds %q: seed %d is negative; training seeds are >= 0 "+
				"(seed %d means the mean over seeds in a table)", s, v, table.MeanSeed)
		}
		out = append(out, v)
	}
	return out, nil
}
