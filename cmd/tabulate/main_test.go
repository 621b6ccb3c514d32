package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfbench/mfbench/table"
	"github.com/mfbench/mfbench/tabulate"
)

// writeFixture writes a synthetic CIFAR-10 folder: 100 training images (10 per class,
// so the split keeps one per class for validation) and 10 test images.
func writeFixture(t *testing.T, dir string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	make1 := func(n, from int) *tabulate.Dataset {
		d := &tabulate.Dataset{Pixels: make([]uint8, n*3072), Labels: make([]uint8, n)}
		for i := range d.Pixels {
			d.Pixels[i] = uint8(rng.IntN(256))
		}
		for i := range d.Labels {
			d.Labels[i] = uint8((from + i) % 10)
		}
		return d
	}
	for f, name := range tabulate.TrainFiles {
		if err := tabulate.WriteCIFAR10File(filepath.Join(dir, name), make1(20, 20*f)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tabulate.WriteCIFAR10File(filepath.Join(dir, tabulate.TestFile), make1(10, 0)); err != nil {
		t.Fatal(err)
	}
}

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, &out, &errb, []string{"run", "-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run -h: %v, want flag.ErrHelp", err)
	}
	for _, f := range []string{"-data", "-work", "-archs", "-shard", "-time-limit", "-seeds", "-epochs"} {
		if !strings.Contains(errb.String(), f) {
			t.Errorf("run -h does not document %s", f)
		}
	}
	var ue usageError
	for _, args := range [][]string{
		{},
		{"train"},
		{"run", "-data", "d"},
		{"run", "-data", "d", "-work", "w", "-archs", "333333333", "-all"},
		{"run", "-data", "d", "-work", "w", "-archs", "333333333", "-shard", "3/3"},
		{"run", "-data", "d", "-work", "w", "-archs", "33333333"},
		{"merge", "-out", "x.parquet"},
	} {
		if err := run(ctx, &out, &errb, args); !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}

	// Usage errors that must give their own reason.
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"-sample", "0"}, "the sample size must be in 1..19683"},
		{[]string{"-sample", "-3"}, "the sample size must be in 1..19683"},
		{[]string{"-sample", "19684"}, "the sample size must be in 1..19683"},
		{[]string{"-sample", "0", "-archs", "333333333"}, "the sample size must be in 1..19683"},
		{[]string{"-sample", "2", "-all"}, "give exactly one of -archs, -all, -sample"},
		{[]string{"-archs", "333333333", "-seeds", "-1"}, "seed -1 is negative"},
		{[]string{"-archs", "333333333", "-seeds", "0,-2"}, "seed -2 is negative"},
	} {
		args := append([]string{"run", "-data", "d", "-work", "w"}, c.flags...)
		err := run(ctx, &out, &errb, args)
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want a usage error saying %q", args, err, c.want)
		}
	}
}

func TestMessageOnePrefix(t *testing.T) {
	_, _, shardErr := tabulate.ParseShard("3/3")
	_, _, _, envErr := tabulate.ShardFromEnv(func(k string) string {
		return map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "2"}[k]
	}, 0)
	for _, c := range []struct {
		err  error
		want string
	}{
		{usageError{shardErr.Error()}, `tabulate: shard "3/3", want i/n with 0 <= i < n`},
		{envErr, `tabulate: SLURM_ARRAY_TASK_ID="5" SLURM_ARRAY_TASK_COUNT="2", want task ` +
			`i of n with 0 <= i < n (an array numbered 0..n-1)`},
		{usagef("run: -data and -work are required"), "tabulate: run: -data and -work are required"},
		{fmt.Errorf("%s seed %d: %w", "333333333", 0, errors.New("tabulate: training step 1: nan")),
			"tabulate: 333333333 seed 0: training step 1: nan"},
		{errors.New("table: writing t.parquet: disk full"), "tabulate: table: writing t.parquet: disk full"},
	} {
		if got := message(c.err); got != c.want {
			t.Errorf("message(%q) = %q, want %q", c.err, got, c.want)
		}
	}
}

// TestRefusedRunLeavesNoTrace checks that a run refused for any input (data, backend,
// plan, table path) creates no work folder, so the corrected command, another plan,
// can use the same folder.
func TestRefusedRunLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir)
	work := filepath.Join(dir, "work")
	t.Setenv("GOMLX_BACKEND", "go")
	ctx := context.Background()
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"-data", filepath.Join(dir, "nope")}, "data_batch_1.bin"},
		{[]string{"-backend", "bogus"}, `backend "bogus"`},
		{[]string{"-train-limit", "1", "-batch", "2"}, "fewer than one -batch of 2"},
		{[]string{"-batch", "91"}, "90 training images"},
		{[]string{"-table", filepath.Join(dir, "nope", "t.parquet")}, "does not exist"},
		{[]string{"-seeds", "-1"}, "seed -1 is negative"},
		{[]string{"-archs", "333333333,33333333"}, `architecture "33333333"`},
	} {
		args := []string{"run", "-data", dir, "-work", work, "-archs", "777777777", "-epochs", "3",
			"-batch", "2"}
		args = append(args, c.flags...)
		var out, errb bytes.Buffer
		err := run(ctx, &out, &errb, args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error saying %q", args, err, c.want)
		}
		if _, err := os.Stat(work); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%q: the refused run left the work folder (%v)", args, err)
		}
	}
	// The corrected run (another plan than all of the above) takes the folder; a time
	// limit too short for any unit keeps it from training.
	var out, errb bytes.Buffer
	err := run(ctx, &out, &errb, []string{"run", "-data", dir, "-work", work,
		"-archs", "333333333", "-train-limit", "2", "-batch", "2", "-time-limit", "1ns"})
	if err != nil {
		t.Fatalf("the corrected run: %v\n%s", err, errb.String())
	}
	data, err := os.ReadFile(filepath.Join(work, "plan.json"))
	if err != nil || !strings.Contains(string(data), `"333333333"`) ||
		strings.Contains(string(data), "777777777") {
		t.Errorf("plan.json after the corrected run: %v\n%s", err, data)
	}
}

func TestTimeLimitStops(t *testing.T) {
	// A time limit too short for any unit: run stops cleanly before training, writes no
	// unit and no shard marker, and merge reports the missing unit.
	dir := t.TempDir()
	writeFixture(t, dir)
	work := filepath.Join(dir, "work")
	var out, errb bytes.Buffer
	t.Setenv("GOMLX_BACKEND", "go")
	err := run(context.Background(), &out, &errb, []string{"run", "-data", dir, "-work", work,
		"-archs", "333333333", "-train-limit", "2", "-batch", "2", "-time-limit", "1ns"})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	units, _ := filepath.Glob(filepath.Join(work, "units", "*"))
	markers, _ := filepath.Glob(filepath.Join(work, "shards", "*"))
	if len(units)+len(markers) != 0 || !strings.Contains(errb.String(), "time limit") {
		t.Fatalf("units %v, markers %v, log:\n%s", units, markers, errb.String())
	}
	err = run(context.Background(), &out, &errb, []string{"merge", "-out",
		filepath.Join(dir, "t.parquet"), work})
	var me *tabulate.MissingError
	if !errors.As(err, &me) || me.Missing != 1 {
		t.Errorf("merge of an unfinished plan: %v, want 1 missing unit", err)
	}
}

// TestKillResume runs the real command, kills it with SIGKILL while it trains, starts
// it again, and checks that the table holds every unit exactly once and that the unit
// finished before the kill was not trained again.
func TestKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command (about a minute); skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tabulate")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "cifar")
	os.Mkdir(data, 0o755)
	writeFixture(t, data)
	work := filepath.Join(dir, "work")
	tbl := filepath.Join(dir, "t.parquet")
	archs := []string{"333333333", "333333335", "533333333"}
	args := []string{"run", "-data", data, "-work", work, "-archs", strings.Join(archs, ","),
		"-train-limit", "2", "-valid-limit", "2", "-test-limit", "2", "-batch", "2",
		"-eval-batch", "2", "-plain", "-table", tbl}
	env := append(os.Environ(), "GOMLX_BACKEND=go", "GOMLX_NO_AUTO_INSTALL=1")

	// First run: kill -9 once the first unit is on disk and the second is training.
	first := exec.Command(bin, args...)
	first.Env = env
	var log1 bytes.Buffer
	first.Stderr = &log1
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	unit0 := filepath.Join(work, "units", archs[0]+"-s0.json")
	deadline := time.Now().Add(3 * time.Minute)
	for !fileOK(unit0) {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatalf("no unit after 3 minutes; log:\n%s", log1.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	first.Process.Kill()
	first.Wait()
	before, _ := os.ReadFile(unit0)
	units, _ := filepath.Glob(filepath.Join(work, "units", "*.json"))
	if len(units) == len(archs) || fileOK(tbl) {
		t.Fatalf("the first run finished before the kill (%d units); the test proves nothing", len(units))
	}

	// Second run: finishes the rest and writes the table.
	second := exec.Command(bin, args...)
	second.Env = env
	out, err := second.CombinedOutput()
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "done="+strconv.Itoa(len(units))) {
		t.Errorf("second run did not resume from %d done units:\n%s", len(units), out)
	}
	after, _ := os.ReadFile(unit0)
	if !bytes.Equal(before, after) {
		t.Error("the unit finished before the kill was trained again")
	}
	tb, err := table.Read(tbl)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := table.ReadRows(tbl)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range rows {
		seen[r.Arch]++
	}
	for _, a := range archs {
		if seen[a] != 1 {
			t.Errorf("architecture %s has %d rows, want 1", a, seen[a])
		}
	}
	if len(rows) != len(archs) || len(tb.Seeds()) != 1 {
		t.Errorf("%d rows, seeds %v; want %d rows of seed 0", len(rows), tb.Seeds(), len(archs))
	}
}

// fileOK reports whether path holds a complete JSON unit.
func fileOK(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var r tabulate.Result
	return json.Unmarshal(data, &r) == nil
}
