package reports

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// maxPoints caps the dots a strip plot draws per strategy; beyond it an evenly spaced
// subsample of the sorted values is drawn (the box still uses every value).
const maxPoints = 300

// yRange returns a padded range around lo..hi.
func yRange(lo, hi float64) (float64, float64) {
	if hi <= lo {
		return lo - 0.01, hi + 0.01
	}
	pad := (hi - lo) * 0.06
	return lo - pad, hi + pad
}

// anytimeFigure draws the median and inter-quartile band of best-so-far M against trials.
func anytimeFigure(e *Experiment, curves []Curve) string {
	lo, hi := e.Optimum.M, e.Optimum.M
	n := 1
	for _, c := range curves {
		n = max(n, len(c.Median))
		for i := range c.Median {
			lo, hi = math.Min(lo, c.Q1[i]), math.Max(hi, c.Q3[i])
		}
	}
	ylo, yhi := yRange(lo, hi)
	p := newPlot(e.Name+"-anytime", "Anytime: best M so far (median, IQR band)", 560, 340,
		axis{lo: 1, hi: float64(max(n, 2)), label: "trials", integral: true},
		axis{lo: ylo, hi: yhi, label: "M of the pick so far (test)"})
	p.legendLow = true
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	for i, c := range curves {
		k := len(c.Median)
		p.band(xs[:k], c.Q1, c.Q3, colour(i), 0.16)
	}
	p.polyline([]float64{1, float64(max(n, 2))}, []float64{e.Optimum.M, e.Optimum.M}, "#555",
		1.2, "5,4")
	p.text(p.X(1)+4, p.Y(e.Optimum.M)-4, "start", "10", fmt.Sprintf("optimum %.4f", e.Optimum.M))
	for i, c := range curves {
		p.polyline(xs[:len(c.Median)], c.Median, colour(i), 2, "")
		p.legend(c.Strategy, colour(i), true)
	}
	return p.String()
}

// distributionFigure draws, per strategy, a box plot of the final best M over runs and
// the runs themselves as dots; marks (strategy -> M) are drawn as black diamonds.
func distributionFigure(e *Experiment, stats []StrategyStats, marks map[string]float64) string {
	var names []string
	lo, hi := e.Optimum.M, e.Optimum.M
	samples := make([][]float64, len(stats))
	for i, st := range stats {
		names = append(names, st.Strategy)
		for _, r := range e.RunsOf(st.Strategy) {
			samples[i] = append(samples[i], r.Pick.M)
		}
		sort.Float64s(samples[i])
		if len(samples[i]) > 0 {
			lo, hi = math.Min(lo, samples[i][0]), math.Max(hi, samples[i][len(samples[i])-1])
		}
	}
	for _, name := range names {
		if m, ok := marks[name]; ok {
			lo, hi = math.Min(lo, m), math.Max(hi, m)
		}
	}
	ylo, yhi := yRange(lo, hi)
	w := max(360, 90*float64(len(names))+100)
	p := newPlot(e.Name+"-final", "Final best M per run", w, 340,
		axis{lo: 0.5, hi: float64(len(names)) + 0.5, label: "strategy", labels: names},
		axis{lo: ylo, hi: yhi, label: "M of the pick (test)"})
	p.polyline([]float64{0.5, float64(len(names)) + 0.5}, []float64{e.Optimum.M, e.Optimum.M},
		"#555", 1.2, "5,4")
	for i, s := range samples {
		cx := p.X(float64(i + 1))
		p.box(cx, 22, s, colour(i))
		for j, v := range thin(s, maxPoints) {
			// A fixed jitter, so that dots of equal values spread sideways.
			dx := (float64((j*37)%29)/28 - 0.5) * 30
			fmt.Fprintf(&p.b, `<circle cx="%s" cy="%s" r="1.8" fill="%s" fill-opacity="0.45"/>`+
				"\n", f(cx+dx), f(p.Y(v)), colour(i))
		}
		if m, ok := marks[names[i]]; ok {
			x, y := cx+30, p.Y(m)
			fmt.Fprintf(&p.b, `<polygon points="%s,%s %s,%s %s,%s %s,%s" fill="#000"/>`+"\n",
				f(x), f(y-6), f(x+6), f(y), f(x), f(y+6), f(x-6), f(y))
			p.text(x, y-9, "middle", "9", "paper")
		}
	}
	return p.String()
}

// thin returns at most k values of sorted, evenly spaced in rank.
func thin(sorted []float64, k int) []float64 {
	if len(sorted) <= k {
		return sorted
	}
	out := make([]float64, k)
	for i := range out {
		out[i] = sorted[i*(len(sorted)-1)/(k-1)]
	}
	return out
}

// planeFigure draws the accuracy/params plane of the whole table (a grey density), its
// Pareto front, the iso-M curve of the optimum, and where each strategy's picks land.
func planeFigure(e *Experiment, stats []StrategyStats) string {
	pmin, pmax := math.Inf(1), math.Inf(-1)
	var accs []float64
	for _, q := range e.Plane {
		pmin, pmax = math.Min(pmin, float64(q.Params)), math.Max(pmax, float64(q.Params))
		accs = append(accs, q.Accuracy)
	}
	for _, r := range e.Runs {
		pmin, pmax = math.Min(pmin, float64(r.Pick.Params)), math.Max(pmax, float64(r.Pick.Params))
		accs = append(accs, r.Pick.Accuracy)
	}
	sort.Float64s(accs)
	if len(accs) == 0 {
		return ""
	}
	// The bottom 2 % of the table (untrainable cells) would squash the rest.
	alo := Quantile(accs, 0.02)
	for _, r := range e.Runs {
		alo = math.Min(alo, r.Pick.Accuracy)
	}
	ylo, yhi := yRange(alo, accs[len(accs)-1])
	p := newPlot(e.Name+"-plane", "Accuracy against size: table, Pareto front, picks", 820, 420,
		axis{lo: pmin / 1.08, hi: pmax * 1.08, log: true, label: "params (log scale)",
			format: fmtCount},
		axis{lo: ylo, hi: yhi, label: "test accuracy"})
	p.reserveLegend(180)

	// The table as a density: 100 x 60 cells, darker where more architectures fall.
	const nx, ny = 100, 60
	var grid [nx][ny]int
	peak := 0
	for _, q := range e.Plane {
		x := (p.X(float64(q.Params)) - p.x.p0) / (p.x.p1 - p.x.p0)
		y := (p.Y(q.Accuracy) - p.y.p1) / (p.y.p0 - p.y.p1)
		if x < 0 || x >= 1 || y < 0 || y >= 1 {
			continue
		}
		c := &grid[int(x*nx)][int(y*ny)]
		*c++
		peak = max(peak, *c)
	}
	cw, ch := (p.x.p1-p.x.p0)/nx, (p.y.p0-p.y.p1)/ny
	for i := range nx {
		for j := range ny {
			if grid[i][j] == 0 {
				continue
			}
			op := 0.12 + 0.6*math.Sqrt(float64(grid[i][j])/float64(peak))
			x0, y0 := p.x.p0+float64(i)*cw, p.y.p1+float64(j)*ch
			p.rectPx(x0, y0, x0+cw, y0+ch, "#777777", op, "")
		}
	}
	if len(e.Plane) > 0 {
		p.legend(fmt.Sprintf("table (%d archs)", len(e.Plane)), "#999999", true)
	}

	// The iso-M curve through the optimum: A = m S / (2 S - m), S = P_min / P.
	if m := e.Optimum.M; m > 0 && e.Beta == 1 {
		var xs, ys []float64
		for k := 0; k <= 120; k++ {
			par := pmin / 1.08 * math.Pow(pmax*1.08*1.08/pmin, float64(k)/120)
			s := float64(e.PMin) / par
			if 2*s-m <= 0 {
				break
			}
			xs, ys = append(xs, par), append(ys, m*s/(2*s-m))
		}
		p.polyline(xs, ys, "#555", 1, "3,3")
		p.legend(fmt.Sprintf("M = %.4f (optimum)", m), "#555", false)
	}

	// The Pareto front as a staircase.
	if front := ParetoFront(e.Plane); len(front) > 0 {
		var xs, ys []float64
		for i, q := range front {
			if i > 0 {
				xs, ys = append(xs, float64(q.Params)), append(ys, front[i-1].Accuracy)
			}
			xs, ys = append(xs, float64(q.Params)), append(ys, q.Accuracy)
		}
		p.polyline(xs, ys, "#111", 1.4, "")
		p.legend(fmt.Sprintf("Pareto front (%d)", len(front)), "#111", false)
	}

	// Picks: one dot per distinct architecture, its area the number of runs that chose it.
	for i, st := range stats {
		count := map[string]int{}
		var order []Point
		for _, r := range e.RunsOf(st.Strategy) {
			if count[r.Pick.Arch] == 0 {
				order = append(order, r.Pick)
			}
			count[r.Pick.Arch]++
		}
		for _, q := range order {
			r := 2.5 + 1.6*math.Sqrt(float64(count[q.Arch]))
			p.circle(float64(q.Params), q.Accuracy, r, colour(i), 0.55, "#ffffff")
		}
		p.legend(st.Strategy+" picks", colour(i), false)
	}
	p.circle(float64(e.Optimum.Params), e.Optimum.Accuracy, 6, "none", 1, "#000")
	return p.String()
}

// top20Figure draws, per strategy, the accuracy and the params of the best fifth of each
// run's trials (pooled over runs), as two box plots side by side.
func top20Figure(e *Experiment, stats []StrategyStats) string {
	var names []string
	acc := make([][]float64, len(stats))
	par := make([][]float64, len(stats))
	alo, ahi, plo, phi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, st := range stats {
		names = append(names, st.Strategy)
		for _, q := range st.Top20 {
			acc[i] = append(acc[i], q.Accuracy)
			par[i] = append(par[i], float64(q.Params))
		}
		sort.Float64s(acc[i])
		sort.Float64s(par[i])
		if len(acc[i]) > 0 {
			alo, ahi = math.Min(alo, acc[i][0]), math.Max(ahi, acc[i][len(acc[i])-1])
			plo, phi = math.Min(plo, par[i][0]), math.Max(phi, par[i][len(par[i])-1])
		}
	}
	if len(names) == 0 || math.IsInf(alo, 0) {
		return ""
	}
	w := max(320, 70*float64(len(names))+90)
	x := axis{lo: 0.5, hi: float64(len(names)) + 0.5, label: "strategy", labels: names}
	a0, a1 := yRange(alo, ahi)
	pa := newPlot(e.Name+"-top20-acc", "Best fifth of trials: accuracy", w, 320, x,
		axis{lo: a0, hi: a1, label: "test accuracy"})
	p0, p1 := yRange(plo, phi)
	pp := newPlot(e.Name+"-top20-params", "Best fifth of trials: params", w, 320, x,
		axis{lo: p0, hi: p1, label: "params", format: fmtCount})
	for i := range names {
		pa.box(pa.X(float64(i+1)), 18, acc[i], colour(i))
		pp.box(pp.X(float64(i+1)), 18, par[i], colour(i))
	}
	return sideBySide(pa, pp)
}

// distinctPicks counts the distinct architectures the runs of each strategy returned.
func distinctPicks(e *Experiment, s string) int {
	var seen []string
	for _, r := range e.RunsOf(s) {
		if !slices.Contains(seen, r.Pick.Arch) {
			seen = append(seen, r.Pick.Arch)
		}
	}
	return len(seen)
}
