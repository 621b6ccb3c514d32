package tabulate

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/table"
)

// A run is a Plan: which architectures, which training seeds, which recipe. Its work is
// split into units, one per (architecture, seed), numbered in plan order (architecture
// major, seed minor). Each finished unit is one small JSON file in the run's work
// folder, written atomically, so a run killed at any moment and started again redoes at
// most the units in flight and never repeats or loses a finished one.
//
// Shard i of n (0 <= i < n) owns the units whose number is i modulo n. Shards may share
// one work folder (a shared file system) or each have their own; Assemble joins any
// number of folders of the same plan into one table and refuses folders of different
// plans, and a plan with missing units unless asked for a partial table.
//
// Work folder layout:
//
//	plan.json                 the Plan, written by the first run; later runs must match
//	units/<arch>-s<seed>.json one finished unit (a Result)
//	shards/<i>-of-<n>.done    shard i of n finished all its units

// Plan is a run's identity.
type Plan struct {
	Space  string   `json:"space"` // always "resnet"
	Recipe Recipe   `json:"recipe"`
	Archs  []string `json:"archs"` // canonical architecture strings, in order
	Seeds  []int64  `json:"seeds"`
}

// NewPlan returns the plan for the given architectures (any accepted spelling) and
// seeds, with the recipe's defaults filled in. Seeds must be distinct and >= 0.
func NewPlan(archs []string, seeds []int64, recipe Recipe) (Plan, error) {
	if err := recipe.Validate(); err != nil {
		return Plan{}, err
	}
	if len(archs) == 0 || len(seeds) == 0 {
		return Plan{}, fmt.Errorf("tabulate: a plan needs architectures and seeds "+
			"(got %d and %d)", len(archs), len(seeds))
	}
	p := Plan{Space: space.ResNet.Name(), Recipe: recipe.WithDefaults(), Seeds: seeds}
	seen := map[string]bool{}
	for _, s := range archs {
		a, err := space.ResNet.Parse(s)
		if err != nil {
			return Plan{}, fmt.Errorf("tabulate: architecture %q: %w", s, err)
		}
		c := space.ResNet.String(a)
		if seen[c] {
			return Plan{}, fmt.Errorf("tabulate: architecture %s listed twice", c)
		}
		seen[c] = true
		p.Archs = append(p.Archs, c)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(seeds)))) != len(seeds) {
		return Plan{}, fmt.Errorf("tabulate: seeds %v repeat", seeds)
	}
	for _, s := range seeds {
		if s < 0 {
			return Plan{}, fmt.Errorf("tabulate: seed %d is negative; training seeds are "+
				">= 0 (a table's seed %d means the mean over seeds)", s, table.MeanSeed)
		}
	}
	return p, nil
}

// Unit is one architecture trained with one seed.
type Unit struct {
	Number int    // position in the plan
	Arch   string // canonical string
	Seed   int64
}

// Units returns all units of the plan, in order.
func (p Plan) Units() []Unit {
	us := make([]Unit, 0, len(p.Archs)*len(p.Seeds))
	for _, a := range p.Archs {
		for _, s := range p.Seeds {
			us = append(us, Unit{Number: len(us), Arch: a, Seed: s})
		}
	}
	return us
}

// Shard returns the units of shard i of n: those whose number is i modulo n.
func (p Plan) Shard(i, n int) []Unit {
	var us []Unit
	for _, u := range p.Units() {
		if u.Number%n == i {
			us = append(us, u)
		}
	}
	return us
}

// fileName is the unit's file name in units/.
func (u Unit) fileName() string { return fmt.Sprintf("%s-s%d.json", u.Arch, u.Seed) }

// Result is a finished unit: what training measured, epoch by epoch.
type Result struct {
	Arch    string  `json:"arch"`
	Seed    int64   `json:"seed"`
	Backend string  `json:"backend"`
	Epochs  []Epoch `json:"epochs"`
	// Images is the number of training images processed; Images divided by the last
	// epoch's TrainSeconds is the training throughput.
	Images int `json:"images"`
}

// ParseShard parses "i/n" with 0 <= i < n.
func ParseShard(s string) (i, n int, err error) {
	i, n, ok := parseShard(s)
	if !ok {
		return 0, 0, fmt.Errorf("tabulate: shard %q, want i/n with 0 <= i < n", s)
	}
	return i, n, nil
}

func parseShard(s string) (i, n int, ok bool) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, false
	}
	return i, n, true
}

// ShardFromEnv returns the shard that a job scheduler assigns through the environment:
// Slurm arrays (SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT tasks; the array must be
// numbered 0..n-1, e.g. --array=0-3) or an indexed Kubernetes Job
// (JOB_COMPLETION_INDEX, with n from the caller since the pod does not see it, passed
// as jobCount). ok is false when neither is set.
func ShardFromEnv(getenv func(string) string, jobCount int) (i, n int, ok bool, err error) {
	if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		count := getenv("SLURM_ARRAY_TASK_COUNT")
		if i, n, ok = parseShard(id + "/" + count); !ok {
			return 0, 0, false, fmt.Errorf("tabulate: SLURM_ARRAY_TASK_ID=%q "+
				"SLURM_ARRAY_TASK_COUNT=%q, want task i of n with 0 <= i < n "+
				"(an array numbered 0..n-1)", id, count)
		}
		return i, n, true, nil
	}
	if id := getenv("JOB_COMPLETION_INDEX"); id != "" {
		if i, n, ok = parseShard(id + "/" + strconv.Itoa(jobCount)); !ok {
			return 0, 0, false, fmt.Errorf("tabulate: JOB_COMPLETION_INDEX=%q with %d "+
				"completions (-job-count), want index i of n with 0 <= i < n", id, jobCount)
		}
		return i, n, true, nil
	}
	return 0, 0, false, nil
}

// WorkDir is a run's work folder.
type WorkDir struct {
	Path string
	Plan Plan
}

// OpenWorkDir creates the work folder at path for plan, or opens an existing one,
// which must hold the same plan. A folder of another plan is refused before anything
// is written to it. Callers should check every other input first: the first
// OpenWorkDir binds the folder to its plan for good.
func OpenWorkDir(path string, plan Plan) (*WorkDir, error) {
	pp := filepath.Join(path, "plan.json")
	old, err := readPlan(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	case !reflect.DeepEqual(old, plan):
		return nil, fmt.Errorf("tabulate: work folder %s holds a different plan "+
			"(recipe, architectures or seeds); use another folder", path)
	}
	for _, d := range []string{path, filepath.Join(path, "units"), filepath.Join(path, "shards")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("tabulate: work folder: %w", err)
		}
	}
	if err != nil { // no plan.json yet
		data, _ := json.MarshalIndent(plan, "", "  ")
		if err := writeFileAtomic(pp, append(data, '\n')); err != nil {
			return nil, err
		}
	}
	return &WorkDir{Path: path, Plan: plan}, nil
}

func readPlan(dir string) (Plan, error) {
	var p Plan
	data, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		return p, fmt.Errorf("tabulate: work folder %s: %w", dir, err)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("tabulate: work folder %s: plan.json: %w", dir, err)
	}
	return p, nil
}

// Done reports whether u is finished in this folder.
func (w *WorkDir) Done(u Unit) bool {
	return fileExists(filepath.Join(w.Path, "units", u.fileName()))
}

// Save records a finished unit, atomically.
func (w *WorkDir) Save(u Unit, r Result) error {
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("tabulate: unit %s seed %d: %w", u.Arch, u.Seed, err)
	}
	return writeFileAtomic(filepath.Join(w.Path, "units", u.fileName()), append(data, '\n'))
}

// MarkShardDone records that shard i of n finished all its units.
func (w *WorkDir) MarkShardDone(i, n int) error {
	return writeFileAtomic(filepath.Join(w.Path, "shards", fmt.Sprintf("%d-of-%d.done", i, n)), nil)
}

// MissingError reports units of a plan that no work folder holds.
type MissingError struct {
	Missing, Total int
	// Shards counts the missing units of each shard, for every shard count n seen in
	// the folders' shards/ markers: Shards[n][i].
	Shards map[int]map[int]int
	// NotDone lists, for every shard count n seen, the shards without a done marker.
	NotDone map[int][]int
	First   []Unit // the first few missing units
}

func (e *MissingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tabulate: %d of %d units missing", e.Missing, e.Total)
	for _, n := range sortedKeys(e.Shards) {
		var parts []string
		for _, i := range sortedKeys(e.Shards[n]) {
			parts = append(parts, fmt.Sprintf("shard %d/%d: %d", i, n, e.Shards[n][i]))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	for _, n := range sortedKeys(e.NotDone) {
		fmt.Fprintf(&b, "; shards of %d not done: %v", n, e.NotDone[n])
	}
	for _, u := range e.First {
		fmt.Fprintf(&b, "; %s seed %d", u.Arch, u.Seed)
	}
	if e.Missing > len(e.First) {
		b.WriteString("; ...")
	}
	return b.String()
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}

// AssembleOptions control Assemble. The zero value refuses partial tables.
type AssembleOptions struct {
	// Partial writes the units found even when some are missing, and says so in the
	// table's notes. Without it a missing unit is a *MissingError.
	Partial bool
	// Notes are added to the table's notes (e.g. "tiny CPU smoke run").
	Notes string
}

// Assemble reads the work folders of one plan and returns the table's metadata and
// rows: one row per architecture, seed and epoch. Folders of different plans are an
// error; so is the same unit with different numbers in two folders.
func Assemble(dirs []string, opt AssembleOptions) (table.Meta, []table.Row, Plan, error) {
	var plan Plan
	shardCounts := map[int]bool{}
	shardsDone := map[[2]int]bool{}
	results := map[string]Result{}
	for k, dir := range dirs {
		p, err := readPlan(dir)
		if err != nil {
			return table.Meta{}, nil, plan, err
		}
		if k == 0 {
			plan = p
		} else if !reflect.DeepEqual(p, plan) {
			return table.Meta{}, nil, plan, fmt.Errorf("tabulate: work folders %s and %s "+
				"hold different plans (recipe, architectures or seeds); refusing to merge",
				dirs[0], dir)
		}
		markers, _ := filepath.Glob(filepath.Join(dir, "shards", "*-of-*.done"))
		for _, m := range markers {
			var i, n int
			if _, err := fmt.Sscanf(filepath.Base(m), "%d-of-%d.done", &i, &n); err == nil {
				shardCounts[n] = true
				shardsDone[[2]int{i, n}] = true
			}
		}
		for _, u := range p.Units() {
			path := filepath.Join(dir, "units", u.fileName())
			data, err := os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return table.Meta{}, nil, plan, fmt.Errorf("tabulate: %w", err)
			}
			var r Result
			if err := json.Unmarshal(data, &r); err != nil {
				return table.Meta{}, nil, plan, fmt.Errorf("tabulate: unit file %s: %w", path, err)
			}
			if r.Arch != u.Arch || r.Seed != u.Seed || len(r.Epochs) != p.Recipe.Epochs {
				return table.Meta{}, nil, plan, fmt.Errorf("tabulate: unit file %s holds %s "+
					"seed %d with %d epochs, want %s seed %d with %d", path, r.Arch, r.Seed,
					len(r.Epochs), u.Arch, u.Seed, p.Recipe.Epochs)
			}
			key := u.fileName()
			if old, ok := results[key]; ok && !reflect.DeepEqual(old.Epochs, r.Epochs) {
				return table.Meta{}, nil, plan, fmt.Errorf("tabulate: %s seed %d appears "+
					"with different numbers in two work folders (last: %s)", u.Arch, u.Seed, dir)
			}
			results[key] = r
		}
	}

	// Every unit of the plan must be there, unless a partial table is asked for.
	missing := &MissingError{Total: len(plan.Units()), Shards: map[int]map[int]int{},
		NotDone: map[int][]int{}}
	for n := range shardCounts {
		for i := range n {
			if !shardsDone[[2]int{i, n}] {
				missing.NotDone[n] = append(missing.NotDone[n], i)
			}
		}
	}
	for _, u := range plan.Units() {
		if _, ok := results[u.fileName()]; ok {
			continue
		}
		missing.Missing++
		if len(missing.First) < 5 {
			missing.First = append(missing.First, u)
		}
		for n := range shardCounts {
			if missing.Shards[n] == nil {
				missing.Shards[n] = map[int]int{}
			}
			missing.Shards[n][u.Number%n]++
		}
	}
	if missing.Missing > 0 && !opt.Partial {
		return table.Meta{}, nil, plan, missing
	}

	// Rows, one per epoch of every unit found.
	var rows []table.Row
	backendsSeen := map[string]bool{}
	for _, u := range plan.Units() {
		r, ok := results[u.fileName()]
		if !ok {
			continue
		}
		backendsSeen[r.Backend] = true
		a, _ := space.ResNet.Parse(u.Arch)
		idx, _ := space.ResNet.Index(a)
		macs, _ := space.ResNet.MACs(a)
		for _, e := range r.Epochs {
			rows = append(rows, table.Row{Arch: u.Arch, Index: int64(idx), Seed: table.Int(u.Seed),
				Epoch: int64(e.Epoch), Params: space.ResNet.Params(a), MACs: table.Int(macs),
				TrainLoss: table.Float(e.TrainLoss), TrainAcc: table.Float(e.TrainAcc),
				ValidAcc: table.Float(e.ValidAcc), TestAcc: table.Float(e.TestAcc),
				TrainSeconds: table.Float(e.TrainSeconds)})
		}
	}
	notes := opt.Notes
	if missing.Missing > 0 {
		notes = strings.TrimSpace(notes + " PARTIAL: " + missing.Error())
	}
	meta := table.Meta{
		Space:     plan.Space,
		Aggregate: table.PerSeed,
		Source:    "trained by mfbench tabulate (github.com/mfbench/mfbench/cmd/tabulate)",
		Recipe:    plan.Recipe.Table(),
		Software:  Software(),
		Backend:   strings.Join(sortedKeys(backendsSeen), "; "),
		Notes:     notes,
	}
	return meta, rows, plan, nil
}
