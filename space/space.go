package space

import (
	"fmt"
	"slices"
	"sync"
)

// Arch is an architecture: one choice index per position of its space, each in
// [0, Dims()[i]). An Arch does not know its space; the space that made it interprets it.
type Arch []int

// Space is a discrete search space whose architectures are one choice per position.
//
// Implementations are immutable and safe for concurrent use. Slices they return must not be
// modified by the caller.
type Space interface {
	// Name is the space's identifier, as accepted by ByName.
	Name() string

	// Dims returns the number of choices at each position.
	Dims() []int

	// Len is the number of architectures in the space.
	Len() int

	// Arch returns the architecture with the given index. It panics if the index is
	// outside [0, Len()): that is a programming error.
	Arch(index int) Arch

	// Index returns the index of a, or an error if a is not an architecture of the space.
	Index(a Arch) (int, error)

	// String returns the canonical string of a. It panics if a is not an architecture of
	// the space.
	String(a Arch) string

	// Parse returns the architecture a string names. Every spelling the space accepts maps
	// to the same canonical architecture; any other input is a *ParseError.
	Parse(s string) (Arch, error)

	// Params returns the exact number of trainable parameters of a.
	Params(a Arch) int64

	// MACs returns the forward multiply-accumulates of one image through a's convolutions
	// and linear layers, and false if the space has no MAC model.
	MACs(a Arch) (int64, bool)
}

// ParseError reports an architecture string that a space does not accept.
type ParseError struct {
	Space  string // the space's name
	Input  string // the string as given
	Reason string // what is wrong with it
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("space %s: invalid architecture %q: %s", e.Space, e.Input, e.Reason)
}

// ByName returns the space with the given name: "resnet", "nas-bench-macro" or
// "nas-bench-201".
func ByName(name string) (Space, error) {
	for _, s := range All() {
		if s.Name() == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("space: unknown space %q (known: resnet, nas-bench-macro, "+
		"nas-bench-201)", name)
}

// All returns every space mfbench defines.
func All() []Space {
	return slices.Clone(builtins)
}

var builtins = []Space{ResNet, Macro, NB201}

// PMin returns the smallest parameter count over all architectures of s.
func PMin(s Space) int64 {
	return extremes(s).min
}

// PMax returns the largest parameter count over all architectures of s.
func PMax(s Space) int64 {
	return extremes(s).max
}

type minmax struct{ min, max int64 }

// builtinExtremes scans the spaces of All once, on first use, and is safe for concurrent
// use.
var builtinExtremes = sync.OnceValue(func() []minmax {
	var m []minmax
	for _, s := range builtins {
		m = append(m, scanExtremes(s))
	}
	return m
})

// extremes returns the smallest and largest parameter counts of s: cached for the spaces
// of All, scanned on each call for any other (the spaces are small: at most 19,683
// architectures).
func extremes(s Space) minmax {
	for i, b := range builtins {
		if s == b {
			return builtinExtremes()[i]
		}
	}
	return scanExtremes(s)
}

func scanExtremes(s Space) minmax {
	m := minmax{min: -1}
	for i := range s.Len() {
		p := s.Params(s.Arch(i))
		if m.min < 0 || p < m.min {
			m.min = p
		}
		m.max = max(m.max, p)
	}
	return m
}

// radix is the mixed-radix numbering shared by the spaces whose index is the plain number
// of their choices, position 0 most significant.
type radix []int

func (r radix) size() int {
	n := 1
	for _, d := range r {
		n *= d
	}
	return n
}

func (r radix) decode(index int) Arch {
	if index < 0 || index >= r.size() {
		panic(fmt.Sprintf("space: index %d out of range [0, %d)", index, r.size()))
	}
	a := make(Arch, len(r))
	for i := len(r) - 1; i >= 0; i-- {
		a[i] = index % r[i]
		index /= r[i]
	}
	return a
}

// check reports whether a has one valid choice per position.
func (r radix) check(a Arch) error {
	if len(a) != len(r) {
		return fmt.Errorf("architecture %v has %d positions, want %d", []int(a), len(a), len(r))
	}
	for i, c := range a {
		if c < 0 || c >= r[i] {
			return fmt.Errorf("architecture %v: choice %d at position %d is outside [0, %d)",
				[]int(a), c, i, r[i])
		}
	}
	return nil
}

func (r radix) encode(a Arch) (int, error) {
	if err := r.check(a); err != nil {
		return 0, err
	}
	index := 0
	for i, c := range a {
		index = index*r[i] + c
	}
	return index, nil
}

// Equal reports whether a and b make the same choices.
func Equal(a, b Arch) bool { return slices.Equal(a, b) }
