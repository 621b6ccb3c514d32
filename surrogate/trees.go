package surrogate

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// TreeOptions configures the bagged gradient-boosted trees. The zero value works.
type TreeOptions struct {
	// Bags is the number of boosted models, each fitted on a bootstrap sample; zero
	// means 8. One bag is fitted on all observations and has no uncertainty estimate.
	Bags      int
	Rounds    int     // boosting rounds (trees) per model; zero means 300
	Depth     int     // depth of each tree; zero means 4
	MinLeaf   int     // smallest number of observations in a leaf; zero means 3
	Shrinkage float64 // learning rate; zero means 0.05
	Lambda    float64 // L2 penalty on leaf values, in observations; zero means 1
}

func (o TreeOptions) withDefaults() TreeOptions {
	if o.Bags == 0 {
		o.Bags = 8
	}
	if o.Rounds == 0 {
		o.Rounds = 300
	}
	if o.Depth == 0 {
		o.Depth = 4
	}
	if o.MinLeaf == 0 {
		o.MinLeaf = 3
	}
	if o.Shrinkage == 0 {
		o.Shrinkage = 0.05
	}
	if o.Lambda == 0 {
		o.Lambda = 1
	}
	return o
}

// node is a node of a regression tree over categorical positions. An inner node sends
// an architecture left when its choice at pos is in the set left (bit c = choice c).
type node struct {
	pos    int
	left   uint64
	lo, hi int32 // children; -1 for a leaf
	value  float64
}

type tree []node

func (t tree) eval(a []uint8) float64 {
	i := 0
	for t[i].lo >= 0 {
		if t[i].left>>a[t[i].pos]&1 == 1 {
			i = int(t[i].lo)
		} else {
			i = int(t[i].hi)
		}
	}
	return t[i].value
}

// booster is one gradient-boosted model: base + shrinkage * sum of its trees.
type booster struct {
	base   float64
	shrink float64
	trees  []tree
}

func (b *booster) eval(a []uint8) float64 {
	s := 0.0
	for _, t := range b.trees {
		s += t.eval(a)
	}
	return b.base + b.shrink*s
}

// forest is a bag of boosters. Its prediction is the bag mean; its variance is the
// spread between bags plus the out-of-bag residual variance left after it.
type forest struct {
	bags  []*booster
	noise float64
}

func (f *forest) predict(a []uint8) (float64, float64) {
	var s, ss float64
	for _, b := range f.bags {
		v := b.eval(a)
		s += v
		ss += v * v
	}
	return s / float64(len(f.bags)), f.spread(s, ss) + f.noise
}

// spread returns the variance between the bags whose predictions sum to s and whose
// squares sum to ss.
func (f *forest) spread(s, ss float64) float64 {
	k := float64(len(f.bags))
	if k < 2 {
		return 0
	}
	m := s / k
	return max(ss-k*m*m, 0) / (k - 1)
}

func fitTrees(dims []int, xs [][]uint8, y []float64, o TreeOptions, seed uint64) (*forest, error) {
	o = o.withDefaults()
	n := len(xs)
	if n < 2 {
		return nil, fmt.Errorf("trees: %d observations, want at least 2", n)
	}
	for _, d := range dims {
		if d > 64 {
			return nil, fmt.Errorf("trees: a position has %d choices, want <= 64", d)
		}
	}
	if slices.Min(y) == slices.Max(y) {
		return nil, fmt.Errorf("trees: %d observations all equal %v: %w", n, y[0], ErrConstant)
	}

	// Draw every bag's bootstrap sample up front from one stream, so that the fit does
	// not depend on the order the bags run in.
	rng := rand.New(rand.NewPCG(seed, 0x7265657374726565))
	samples := make([][]int, o.Bags)
	for b := range samples {
		s := make([]int, n)
		for i := range s {
			s[i] = rng.IntN(n)
		}
		if o.Bags == 1 {
			for i := range s {
				s[i] = i
			}
		}
		samples[b] = s
	}
	bags := make([]*booster, o.Bags)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for b := range bags {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			bags[b] = boost(dims, xs, y, samples[b], o)
		}()
	}
	wg.Wait()

	// Out-of-bag residuals: the noise is the part of their variance that the spread
	// between bags does not explain.
	f := &forest{bags: bags}
	inBag := make([][]bool, len(bags))
	for b := range bags {
		inBag[b] = make([]bool, n)
		for _, i := range samples[b] {
			inBag[b][i] = true
		}
	}
	vals := make([][]float64, len(bags))
	for b := range bags {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			vals[b] = make([]float64, n)
			for i, a := range xs {
				vals[b][i] = bags[b].eval(a)
			}
		}()
	}
	wg.Wait()
	var sum float64
	var cnt int
	for i := range xs {
		var s, all, all2 float64
		var k int
		for b := range bags {
			v := vals[b][i]
			all += v
			all2 += v * v
			if !inBag[b][i] {
				s += v
				k++
			}
		}
		if k > 0 {
			d := y[i] - s/float64(k)
			sum += d*d - f.spread(all, all2)
			cnt++
		}
	}
	if cnt > 0 {
		f.noise = max(sum/float64(cnt), 0)
	}
	return f, nil
}

// boost fits one gradient-boosted model (squared loss) to the observations in sample.
func boost(dims []int, xs [][]uint8, y []float64, sample []int, o TreeOptions) *booster {
	b := &booster{shrink: o.Shrinkage}
	for _, i := range sample {
		b.base += y[i]
	}
	b.base /= float64(len(sample))
	res := make([]float64, len(sample))
	for k, i := range sample {
		res[k] = y[i] - b.base
	}
	rows := make([][]uint8, len(sample))
	for k, i := range sample {
		rows[k] = xs[i]
	}
	g := &grower{dims: dims, xs: rows, o: o}
	for range o.Rounds {
		t := g.grow(res)
		// Each leaf holds a range of g.idx: the rows t sends there.
		for _, l := range g.leaves {
			for _, k := range g.idx[l.lo:l.hi] {
				res[k] -= o.Shrinkage * t[l.node].value
			}
		}
		b.trees = append(b.trees, t)
	}
	return b
}

type grower struct {
	dims   []int
	xs     [][]uint8
	o      TreeOptions
	t      tree
	idx    []int
	leaves []leaf
}

// leaf is a leaf of the tree being grown and the range of grower.idx it holds.
type leaf struct {
	lo, hi int
	node   int32
}

func (g *grower) grow(res []float64) tree {
	g.t, g.leaves = nil, g.leaves[:0]
	if cap(g.idx) < len(g.xs) {
		g.idx = make([]int, len(g.xs))
	}
	g.idx = g.idx[:len(g.xs)]
	for i := range g.idx {
		g.idx[i] = i
	}
	g.split(0, len(g.idx), res, 0)
	return g.t
}

// split adds the node for the observations g.idx[lo:hi] (indices into g.xs and res)
// and returns its position in the tree.
func (g *grower) split(lo, hi int, res []float64, depth int) int32 {
	idx := g.idx[lo:hi]
	var sum float64
	for _, i := range idx {
		sum += res[i]
	}
	me := int32(len(g.t))
	g.t = append(g.t, node{lo: -1, hi: -1, value: sum / (float64(len(idx)) + g.o.Lambda)})
	if depth >= g.o.Depth || len(idx) < 2*g.o.MinLeaf {
		g.leaves = append(g.leaves, leaf{lo, hi, me})
		return me
	}

	// For each position, order its choices by mean residual; the best split of a
	// categorical variable under squared loss is a prefix of that order.
	bestGain, bestPos, bestSet := 1e-15, -1, uint64(0)
	total := float64(len(idx))
	for pos, d := range g.dims {
		var s [64]float64
		var c [64]int
		for _, i := range idx {
			ch := g.xs[i][pos]
			s[ch] += res[i]
			c[ch]++
		}
		order := make([]int, 0, d)
		for ch := range d {
			if c[ch] > 0 {
				order = append(order, ch)
			}
		}
		if len(order) < 2 {
			continue
		}
		sort.Slice(order, func(a, b int) bool {
			return s[order[a]]/float64(c[order[a]]) < s[order[b]]/float64(c[order[b]])
		})
		var ls float64
		var lc int
		var set uint64
		for k := 0; k < len(order)-1; k++ {
			ch := order[k]
			ls += s[ch]
			lc += c[ch]
			set |= 1 << ch
			rc := int(total) - lc
			if lc < g.o.MinLeaf || rc < g.o.MinLeaf {
				continue
			}
			rs := sum - ls
			gain := ls*ls/float64(lc) + rs*rs/float64(rc) - sum*sum/total
			if gain > bestGain {
				bestGain, bestPos, bestSet = gain, pos, set
			}
		}
	}
	if bestPos < 0 {
		g.leaves = append(g.leaves, leaf{lo, hi, me})
		return me
	}

	// Partition idx in place: left choices first.
	k := 0
	for j, i := range idx {
		if bestSet>>g.xs[i][bestPos]&1 == 1 {
			idx[k], idx[j] = idx[j], idx[k]
			k++
		}
	}
	left := g.split(lo, lo+k, res, depth+1)
	right := g.split(lo+k, hi, res, depth+1)
	g.t[me].pos, g.t[me].left, g.t[me].lo, g.t[me].hi = bestPos, bestSet, left, right
	return me
}
