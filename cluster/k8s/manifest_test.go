package k8s

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// docs decodes every YAML document of file into generic maps.
func docs(t *testing.T, file string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []map[string]any
	for {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: document %d: %v", file, len(out)+1, err)
		}
		out = append(out, d)
	}
}

// get walks a path of map keys and list indexes ("spec", "template", 0, ...).
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a mapping", path[:i])
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no key %q", path[:i], k)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no item %d", path[:i], k)
			}
			v = l[k]
		}
	}
	return v
}

func TestIndexedJob(t *testing.T) {
	ds := docs(t, "tabulate-indexed-job.yaml")
	byKind := map[string]map[string]any{}
	for _, d := range ds {
		byKind[fmt.Sprint(d["kind"])] = d
	}
	if len(ds) != 2 || byKind["PersistentVolumeClaim"] == nil || byKind["Job"] == nil {
		t.Fatalf("want a PersistentVolumeClaim and a Job, got %d documents: %v", len(ds),
			slices.Sorted(maps.Keys(byKind)))
	}
	pvc, job := byKind["PersistentVolumeClaim"], byKind["Job"]

	// The shared volume: many pods on many nodes write to it.
	if got := get(t, pvc, "spec", "accessModes", 0); got != "ReadWriteMany" {
		t.Errorf("PVC access mode %v, want ReadWriteMany", got)
	}

	// The job: indexed, retried per index, preemption not counted as failure.
	if got := get(t, job, "apiVersion"); got != "batch/v1" {
		t.Errorf("Job apiVersion %v, want batch/v1", got)
	}
	spec := get(t, job, "spec")
	if got := get(t, spec, "completionMode"); got != "Indexed" {
		t.Errorf("completionMode %v, want Indexed", got)
	}
	completions := get(t, spec, "completions").(int)
	parallelism := get(t, spec, "parallelism").(int)
	if parallelism < 1 || parallelism > completions {
		t.Errorf("parallelism %d, want 1..completions (%d)", parallelism, completions)
	}
	if got := get(t, spec, "backoffLimitPerIndex").(int); got < 1 {
		t.Errorf("backoffLimitPerIndex %d, want at least one retry", got)
	}
	pod := get(t, spec, "template", "spec")
	if got := get(t, pod, "restartPolicy"); got != "Never" {
		t.Errorf("restartPolicy %v, want Never (backoffLimitPerIndex needs it)", got)
	}
	rule := get(t, spec, "podFailurePolicy", "rules", 0)
	if get(t, rule, "action") != "Ignore" ||
		get(t, rule, "onPodConditions", 0, "type") != "DisruptionTarget" {
		t.Errorf("first podFailurePolicy rule %v, want Ignore on DisruptionTarget", rule)
	}

	// The container: one GPU, the shard count equal to completions, the volume mounted.
	c := get(t, pod, "containers", 0)
	if got := get(t, c, "resources", "limits", "nvidia.com/gpu"); got != 1 {
		t.Errorf("GPU limit %v, want 1", got)
	}
	var args []string
	for _, a := range append(get(t, c, "command").([]any), get(t, c, "args").([]any)...) {
		args = append(args, fmt.Sprint(a))
	}
	if len(args) < 2 || !strings.HasSuffix(args[0], "/tabulate") || args[1] != "run" {
		t.Fatalf("container runs %q, want tabulate run", args)
	}
	flags := map[string]string{}
	for i := 2; i < len(args); i++ {
		name, ok := strings.CutPrefix(args[i], "-")
		if !ok {
			t.Fatalf("argument %q is not a flag", args[i])
		}
		if name == "all" || name == "plain" { // the boolean flags of tabulate run
			flags[name] = "true"
			continue
		}
		if i+1 == len(args) {
			t.Fatalf("flag -%s has no value", name)
		}
		flags[name], i = args[i+1], i+1
	}
	if n, err := strconv.Atoi(flags["job-count"]); err != nil || n != completions {
		t.Errorf("-job-count %q, want completions (%d)", flags["job-count"], completions)
	}
	if _, ok := flags["shard"]; ok {
		t.Errorf("-shard given: it would override JOB_COMPLETION_INDEX in every pod")
	}
	claim := get(t, pod, "volumes", 0, "persistentVolumeClaim", "claimName")
	if want := get(t, pvc, "metadata", "name"); claim != want {
		t.Errorf("volume claims %v, want the PVC %v", claim, want)
	}
	mount := fmt.Sprint(get(t, c, "volumeMounts", 0, "mountPath"))
	for _, k := range []string{"work", "data"} {
		if !strings.HasPrefix(flags[k], mount+"/") {
			t.Errorf("-%s %q is not on the volume mounted at %s", k, flags[k], mount)
		}
	}
}
