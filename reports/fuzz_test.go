package reports

import (
	"os"
	"strings"
	"testing"
)

// FuzzReadBench: any text reads without error or panic (bad lines become warnings), and
// every configuration kept names a strategy and has at least one value.
func FuzzReadBench(f *testing.F) {
	for _, name := range []string{"testdata/bench-old.txt", "testdata/bench-new.txt"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("BenchmarkX/strategy=a/trials=x-2 1 5 mfactor\n")
	f.Add("BenchmarkX/strategy=a 1 NaN mfactor +Inf regret\n")
	f.Add("BenchmarkX/strategy=a 1 1.5 mfactor -0.1 regret 2 test-acc 0 params\n")
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ReadBench(strings.NewReader(s), "fuzz")
		if err != nil {
			t.Fatalf("ReadBench: %v", err)
		}
		for _, k := range in.Keys {
			if k.Strategy == "" {
				t.Errorf("key %+v has no strategy", k)
			}
			for u, vs := range in.Samples[k] {
				for _, v := range vs {
					if !finite(v) || outOfRange(u, v) != "" {
						t.Errorf("key %+v unit %s: value %v", k, u, v)
					}
				}
			}
		}
		// Whatever was read, a report of it builds.
		if _, err := New(Input{Bench: []*BenchInput{in}}); err != nil {
			t.Errorf("New: %v", err)
		}
	})
}
