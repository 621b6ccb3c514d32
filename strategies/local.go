package strategies

import (
	"fmt"
	"math/rand/v2"
)

// LocalSettings configures local search (White et al., UAI 2021). The zero
// value draws 10 random architectures at the start and at each restart.
type LocalSettings struct {
	// Init is the number of distinct, not yet proposed, random
	// architectures drawn at the start and after each local optimum; the
	// walk starts from the best of them. 0 means 10.
	Init int
}

// local walks from the best architecture seen so far in its current
// restart to any better neighbour (one position changed), visiting the
// neighbours in random order and never proposing an architecture twice.
// When no unvisited neighbour is better, the current architecture is a
// local optimum and the search restarts from Init fresh random ones.
type local struct {
	dims    []int
	rng     *rand.Rand
	s       LocalSettings
	size    int
	visited map[string]bool

	initLeft  int     // random proposals left in the current (re)start
	cur       []int   // current architecture of the walk; nil during init
	curValue  float64 // its observed value
	bestInit  []int   // best of the current init phase
	bestValue float64
	nbrs      [][2]int // untried (position, choice) moves from cur
}

// NewLocal returns local search.
func NewLocal(dims []int, rng *rand.Rand, s LocalSettings) (Strategy, error) {
	if err := checkDims("local", dims, rng); err != nil {
		return nil, err
	}
	if s.Init == 0 {
		s.Init = 10
	}
	if s.Init < 1 {
		return nil, fmt.Errorf("strategies: local: init %d, want >= 1", s.Init)
	}
	l := &local{dims: dims, rng: rng, s: s, size: spaceSize(dims),
		visited: make(map[string]bool), initLeft: s.Init}
	return newSequential("local", l), nil
}

func (l *local) ask() ([]int, error) {
	if len(l.visited) >= l.size {
		return nil, ErrExhausted
	}

	// Walk: the next unvisited neighbour of cur.
	for l.cur != nil && len(l.nbrs) > 0 {
		m := l.nbrs[len(l.nbrs)-1]
		l.nbrs = l.nbrs[:len(l.nbrs)-1]
		a := append([]int(nil), l.cur...)
		a[m[0]] = m[1]
		if !l.visited[key(a)] {
			return l.propose(a), nil
		}
	}

	// A local optimum (or the start): draw random architectures.
	if l.cur != nil {
		l.cur, l.bestInit, l.initLeft = nil, nil, l.s.Init
	}
	a, ok := l.unvisited()
	if !ok {
		return nil, ErrExhausted
	}
	return l.propose(a), nil
}

func (l *local) propose(a []int) []int {
	l.visited[key(a)] = true
	return a
}

// unvisited draws a random architecture not yet proposed: by rejection,
// then, in a nearly exhausted small space, uniformly among the rest.
func (l *local) unvisited() ([]int, bool) {
	for range 64 {
		if a := uniformArch(l.dims, l.rng); !l.visited[key(a)] {
			return a, true
		}
	}
	if l.size > 1<<20 {
		return nil, false
	}
	var rest [][]int
	a := make([]int, len(l.dims))
	for range l.size {
		if !l.visited[key(a)] {
			rest = append(rest, append([]int(nil), a...))
		}
		for i := len(a) - 1; i >= 0; i-- { // mixed-radix increment
			if a[i]++; a[i] < l.dims[i] {
				break
			}
			a[i] = 0
		}
	}
	if len(rest) == 0 {
		return nil, false
	}
	return rest[l.rng.IntN(len(rest))], true
}

func (l *local) tell(arch []int, value float64) {
	// During the walk: move on strict improvement.
	if l.cur != nil {
		if value > l.curValue {
			l.moveTo(arch, value)
		}
		return
	}

	// During (re)start: keep the best; start walking when Init are done.
	if l.bestInit == nil || value > l.bestValue {
		l.bestInit, l.bestValue = arch, value
	}
	if l.initLeft--; l.initLeft <= 0 {
		l.moveTo(l.bestInit, l.bestValue)
	}
}

// moveTo makes a the current architecture and lists its neighbours in a
// random order (popped from the end).
func (l *local) moveTo(a []int, value float64) {
	l.cur, l.curValue = a, value
	l.nbrs = l.nbrs[:0]
	for i, d := range l.dims {
		for c := range d {
			if c != a[i] {
				l.nbrs = append(l.nbrs, [2]int{i, c})
			}
		}
	}
	l.rng.Shuffle(len(l.nbrs), func(i, j int) { l.nbrs[i], l.nbrs[j] = l.nbrs[j], l.nbrs[i] })
}
