package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// BenchKey identifies one benchmark configuration by the key=value parts of its name
// (BenchmarkSearch/space=nas-bench-macro/profile=nni/strategy=re/trials=50). Parts the
// scheme does not know are kept, joined by "/", in Other.
type BenchKey struct {
	Space, Profile, Strategy string
	Trials                   int
	Other                    string
}

// Group is the key without its strategy: the configurations a report compares.
func (k BenchKey) Group() BenchKey { k.Strategy = ""; return k }

// String names the group part of the key, as a heading.
func (k BenchKey) String() string {
	var parts []string
	add := func(key, v string) {
		if v != "" {
			parts = append(parts, key+"="+v)
		}
	}
	add("space", k.Space)
	add("profile", k.Profile)
	add("strategy", k.Strategy)
	if k.Trials > 0 {
		add("trials", strconv.Itoa(k.Trials))
	}
	add("other", k.Other)
	return strings.Join(parts, " ")
}

// BenchInput is one file of `go test -bench` output: for each configuration, each
// metric's values, one per result line (a line of BenchmarkSearch is already a mean over
// b.N seeds, so -count=k gives k values).
type BenchInput struct {
	Name    string
	Keys    []BenchKey                        // in first-seen order
	Samples map[BenchKey]map[string][]float64 // unit -> values in file order
	// PerRun marks the configurations whose every line has one iteration: each value is one
	// run (one seed), as cmd/mfbench writes them, not a mean over b.N seeds.
	PerRun   map[BenchKey]bool
	Warnings []string // lines that were skipped, and why
}

// ReadBench reads benchmark results in the Go benchmark format (golang.org/x/perf/benchfmt)
// from r; name labels the input in the report. Lines the format cannot parse, results whose
// name has no strategy= part, values that are NaN or infinite, and values out of their
// unit's range (mfactor, regret or test-acc outside [0, 1], params <= 0) are recorded as
// warnings and skipped, not fatal; only a read error of r is returned as an error. The
// caller decides whether an input with no Keys (no benchmark result at all) is an error.
func ReadBench(r io.Reader, name string) (*BenchInput, error) {
	in := &BenchInput{Name: name, Samples: map[BenchKey]map[string][]float64{},
		PerRun: map[BenchKey]bool{}}
	br := benchfmt.NewReader(r, name)
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			in.Warnings = append(in.Warnings, rec.Error())
		case *benchfmt.Result:
			k, ok := parseBenchName(rec.Name)
			if !ok {
				file, line := rec.Pos()
				in.Warnings = append(in.Warnings, fmt.Sprintf("%s:%d: %s: no strategy= in the "+
					"name, skipped", file, line, rec.Name))
				continue
			}
			m := in.Samples[k]
			if m == nil {
				m = map[string][]float64{}
				in.Samples[k] = m
				in.Keys = append(in.Keys, k)
				in.PerRun[k] = true
			}
			in.PerRun[k] = in.PerRun[k] && rec.Iters == 1
			for _, v := range rec.Values {
				if !finite(v.Value) {
					file, line := rec.Pos()
					in.Warnings = append(in.Warnings, fmt.Sprintf("%s:%d: %s: %v %s is not "+
						"finite, skipped", file, line, rec.Name, v.Value, v.Unit))
					continue
				}
				unit := strings.TrimSuffix(v.Unit, "/op")
				if v.Unit == "ns/op" || v.Unit == "sec/op" {
					unit = v.Unit
				}
				if want := outOfRange(unit, v.Value); want != "" {
					file, line := rec.Pos()
					in.Warnings = append(in.Warnings, fmt.Sprintf("%s:%d: %s: %v %s is out of "+
						"range (want %s), skipped", file, line, rec.Name, v.Value, v.Unit, want))
					continue
				}
				m[unit] = append(m[unit], v.Value)
			}
		}
	}
	if err := br.Err(); err != nil {
		return nil, fmt.Errorf("reading benchmark results %s: %w", name, err)
	}
	return in, nil
}

// parseBenchName splits a benchmark name into its key, dropping the -GOMAXPROCS suffix.
func parseBenchName(n benchfmt.Name) (BenchKey, bool) {
	_, parts := n.Parts()
	var k BenchKey
	var other []string
	for _, p := range parts {
		s := string(p)
		if strings.HasPrefix(s, "-") { // GOMAXPROCS
			continue
		}
		s = strings.TrimPrefix(s, "/")
		key, val, ok := strings.Cut(s, "=")
		switch {
		case ok && key == "space":
			k.Space = val
		case ok && key == "profile":
			k.Profile = val
		case ok && key == "strategy":
			k.Strategy = val
		case ok && key == "trials":
			t, err := strconv.Atoi(val)
			if err != nil {
				other = append(other, s)
				continue
			}
			k.Trials = t
		default:
			other = append(other, s)
		}
	}
	k.Other = strings.Join(other, "/")
	return k, k.Strategy != ""
}

// outOfRange says what range a value of unit must lie in when v lies outside it, else "".
// Units other than those of cmd/mfbench's result lines are not checked.
func outOfRange(unit string, v float64) string {
	switch unit {
	case "mfactor", "regret", "test-acc":
		if v < 0 || v > 1 {
			return "0 to 1"
		}
	case "params":
		if v <= 0 {
			return "> 0"
		}
	}
	return ""
}
