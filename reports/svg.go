package reports

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// palette holds colours that colour-blind readers tell apart (Okabe and Ito 2008).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
	"#000000", "#F0E442"}

func colour(i int) string { return palette[i%len(palette)] }

// axis maps data values to pixels, linearly or on a log10 scale.
type axis struct {
	lo, hi   float64 // data range
	p0, p1   float64 // pixel range
	log      bool
	label    string
	format   func(float64) string
	integral bool     // ticks on integers only
	labels   []string // a categorical axis: ticks at 1..len(labels) with these names
}

func (a *axis) px(v float64) float64 {
	lo, hi := a.lo, a.hi
	if a.log {
		v, lo, hi = math.Log10(v), math.Log10(lo), math.Log10(hi)
	}
	if hi == lo {
		return (a.p0 + a.p1) / 2
	}
	return a.p0 + (v-lo)/(hi-lo)*(a.p1-a.p0)
}

// ticks returns about five round values inside the axis range.
func (a *axis) ticks() []float64 {
	if a.labels != nil {
		t := make([]float64, len(a.labels))
		for i := range t {
			t[i] = float64(i + 1)
		}
		return t
	}
	if a.log {
		var t []float64
		for e := math.Floor(math.Log10(a.lo)); e <= math.Ceil(math.Log10(a.hi)); e++ {
			for _, m := range []float64{1, 2, 5} {
				v := m * math.Pow(10, e)
				if v >= a.lo*(1-1e-9) && v <= a.hi*(1+1e-9) {
					t = append(t, v)
				}
			}
		}
		return t
	}
	span := a.hi - a.lo
	if span <= 0 {
		return []float64{a.lo}
	}
	step := math.Pow(10, math.Floor(math.Log10(span/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(step*m) <= 6 {
			step *= m
			break
		}
	}
	if a.integral && step < 1 {
		step = 1
	}
	var t []float64
	for v := math.Ceil(a.lo/step) * step; v <= a.hi+step*1e-9; v += step {
		t = append(t, math.Round(v/step)*step)
	}
	return t
}

// svgPlot builds one SVG figure: a frame with two axes and marks drawn in data units.
type svgPlot struct {
	id    string // unique within a page (clip path ids)
	w, h  float64
	x, y  axis
	title string
	b     strings.Builder
	leg   []legendItem
	// legendLow puts the legend at the bottom right instead of the top right.
	legendLow bool
	// legendOut > 0 draws the legend right of the frame, in a strip this wide.
	legendOut float64
}

type legendItem struct {
	label, colour string
	band          bool
}

const (
	marginL = 64.0
	marginR = 16.0
	marginT = 30.0
	marginB = 46.0
)

func newPlot(id, title string, w, h float64, x, y axis) *svgPlot {
	p := &svgPlot{id: id, w: w, h: h, x: x, y: y, title: title}
	p.x.p0, p.x.p1 = marginL, w-marginR
	p.y.p0, p.y.p1 = h-marginB, marginT
	if p.x.format == nil {
		p.x.format = fmtTick
	}
	if p.x.labels != nil {
		p.x.format = func(v float64) string { return p.x.labels[int(v)-1] }
	}
	if p.y.format == nil {
		p.y.format = fmtTick
	}
	return p
}

// f formats a pixel coordinate with one decimal.
func f(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func fmtTick(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e6 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// fmtCount writes large counts as 300k or 1.5M.
func fmtCount(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 3, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', 3, 64) + "k"
	}
	return fmtTick(v)
}

// reserveLegend narrows the frame to leave a strip of width w for the legend on the right.
func (p *svgPlot) reserveLegend(w float64) {
	p.legendOut = w
	p.x.p1 = p.w - marginR - w
}

func (p *svgPlot) X(v float64) float64 { return p.x.px(v) }
func (p *svgPlot) Y(v float64) float64 { return p.y.px(v) }

// polyline draws a line through the data points (xs[i], ys[i]).
func (p *svgPlot) polyline(xs, ys []float64, colour string, width float64, dash string) {
	var pts []string
	for i := range xs {
		pts = append(pts, f(p.X(xs[i]))+","+f(p.Y(ys[i])))
	}
	extra := ""
	if dash != "" {
		extra = ` stroke-dasharray="` + dash + `"`
	}
	fmt.Fprintf(&p.b, `<polyline fill="none" stroke="%s" stroke-width="%s"%s points="%s"/>`+"\n",
		colour, f(width), extra, strings.Join(pts, " "))
}

// band fills the area between lo and hi over xs.
func (p *svgPlot) band(xs, lo, hi []float64, colour string, opacity float64) {
	var pts []string
	for i := range xs {
		pts = append(pts, f(p.X(xs[i]))+","+f(p.Y(hi[i])))
	}
	for i := len(xs) - 1; i >= 0; i-- {
		pts = append(pts, f(p.X(xs[i]))+","+f(p.Y(lo[i])))
	}
	fmt.Fprintf(&p.b, `<polygon fill="%s" fill-opacity="%.2f" stroke="none" points="%s"/>`+"\n",
		colour, opacity, strings.Join(pts, " "))
}

func (p *svgPlot) circle(x, y, r float64, fill string, opacity float64, stroke string) {
	s := ""
	if stroke != "" {
		s = ` stroke="` + stroke + `" stroke-width="1"`
	}
	fmt.Fprintf(&p.b, `<circle cx="%s" cy="%s" r="%s" fill="%s" fill-opacity="%.2f"%s/>`+"\n",
		f(p.X(x)), f(p.Y(y)), f(r), fill, opacity, s)
}

// rectPx draws a rectangle in pixel coordinates.
func (p *svgPlot) rectPx(x0, y0, x1, y1 float64, fill string, opacity float64, stroke string) {
	s := ""
	if stroke != "" {
		s = ` stroke="` + stroke + `" stroke-width="1.2"`
	}
	fmt.Fprintf(&p.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" fill-opacity="%.2f"%s/>`+
		"\n", f(math.Min(x0, x1)), f(math.Min(y0, y1)), f(math.Abs(x1-x0)), f(math.Abs(y1-y0)),
		fill, opacity, s)
}

func (p *svgPlot) linePx(x0, y0, x1, y1 float64, colour string, width float64) {
	fmt.Fprintf(&p.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`+"\n",
		f(x0), f(y0), f(x1), f(y1), colour, f(width))
}

func (p *svgPlot) text(x, y float64, anchor, size, s string) {
	fmt.Fprintf(&p.b, `<text x="%s" y="%s" text-anchor="%s" font-size="%s">%s</text>`+"\n",
		f(x), f(y), anchor, size, html.EscapeString(s))
}

func (p *svgPlot) legend(label, colour string, band bool) {
	p.leg = append(p.leg, legendItem{label, colour, band})
}

// boxPx draws a box plot at pixel column cx from the sorted values: a box over the
// quartiles, a line at the median, whiskers to the 5th and 95th percentiles.
func (p *svgPlot) box(cx, half float64, sorted []float64, colour string) {
	if len(sorted) == 0 {
		return
	}
	q := func(v float64) float64 { return p.Y(Quantile(sorted, v)) }
	p.linePx(cx, q(0.05), cx, q(0.25), colour, 1.2)
	p.linePx(cx, q(0.75), cx, q(0.95), colour, 1.2)
	p.linePx(cx-half/2, q(0.05), cx+half/2, q(0.05), colour, 1.2)
	p.linePx(cx-half/2, q(0.95), cx+half/2, q(0.95), colour, 1.2)
	p.rectPx(cx-half, q(0.25), cx+half, q(0.75), colour, 0.18, colour)
	p.linePx(cx-half, q(0.5), cx+half, q(0.5), colour, 2.4)
}

// String renders the figure: frame, grid, ticks, labels, marks and legend.
func (p *svgPlot) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" `+
		`viewBox="0 0 %s %s" font-family="sans-serif" role="img">`+"\n", f(p.w), f(p.h), f(p.w),
		f(p.h))
	fmt.Fprintf(&s, "<title>%s</title>\n", html.EscapeString(p.title))
	fmt.Fprintf(&s, `<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", f(p.w), f(p.h))
	x0, x1, y0, y1 := p.x.p0, p.x.p1, p.y.p0, p.y.p1

	// Grid and ticks.
	grid := func(x0, y0, x1, y1 float64) {
		fmt.Fprintf(&s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e5e5e5"/>`+"\n",
			f(x0), f(y0), f(x1), f(y1))
	}
	tick := func(x, y float64, anchor, label string) {
		fmt.Fprintf(&s, `<text x="%s" y="%s" text-anchor="%s" font-size="11" fill="#333">%s</text>`+
			"\n", f(x), f(y), anchor, html.EscapeString(label))
	}
	for _, v := range p.x.ticks() {
		grid(p.X(v), y0, p.X(v), y1)
		tick(p.X(v), y0+15, "middle", p.x.format(v))
	}
	for _, v := range p.y.ticks() {
		grid(x0, p.Y(v), x1, p.Y(v))
		tick(x0-5, p.Y(v)+4, "end", p.y.format(v))
	}

	// Marks, clipped to the frame.
	id := "clip-" + p.id
	fmt.Fprintf(&s, `<clipPath id="%s"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>`+"\n",
		id, f(x0), f(y1), f(x1-x0), f(y0-y1))
	fmt.Fprintf(&s, `<g clip-path="url(#%s)">`+"\n%s</g>\n", id, p.b.String())

	// Frame, title and labels.
	fmt.Fprintf(&s, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#333"/>`+"\n",
		f(x0), f(y1), f(x1-x0), f(y0-y1))
	fmt.Fprintf(&s, `<text x="%s" y="18" font-size="13" font-weight="bold">%s</text>`+"\n",
		f(x0), html.EscapeString(p.title))
	fmt.Fprintf(&s, `<text x="%s" y="%s" text-anchor="middle" font-size="12">%s</text>`+"\n",
		f((x0+x1)/2), f(p.h-8), html.EscapeString(p.x.label))
	fmt.Fprintf(&s, `<text transform="translate(14 %s) rotate(-90)" text-anchor="middle" `+
		`font-size="12">%s</text>`+"\n", f((y0+y1)/2), html.EscapeString(p.y.label))

	// Legend, top right inside the frame.
	if len(p.leg) > 0 {
		wide := 0
		for _, l := range p.leg {
			wide = max(wide, len(l.label))
		}
		lw := 30 + 6.5*float64(wide)
		lh := float64(len(p.leg))*16 + 6
		lx, ly := x1-lw-6, y1+6
		if p.legendLow {
			ly = y0 - lh - 6
		}
		if p.legendOut > 0 {
			lx, ly = x1+8, y1
		}
		fmt.Fprintf(&s, `<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff" `+
			`fill-opacity="0.85" stroke="#bbb"/>`+"\n", f(lx), f(ly), f(lw), f(lh))
		for i, l := range p.leg {
			yy := ly + 14 + float64(i)*16
			if l.band {
				fmt.Fprintf(&s, `<rect x="%s" y="%s" width="18" height="8" fill="%s" `+
					`fill-opacity="0.3"/>`+"\n", f(lx+5), f(yy-8), l.colour)
			}
			fmt.Fprintf(&s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.4"/>`+
				"\n", f(lx+5), f(yy-4), f(lx+23), f(yy-4), l.colour)
			fmt.Fprintf(&s, `<text x="%s" y="%s" font-size="11">%s</text>`+"\n", f(lx+27), f(yy),
				html.EscapeString(l.label))
		}
	}
	s.WriteString("</svg>\n")
	return s.String()
}

// sideBySide joins SVG figures left to right into one.
func sideBySide(figs ...*svgPlot) string {
	var w, h float64
	for _, p := range figs {
		w += p.w
		h = max(h, p.h)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" `+
		`viewBox="0 0 %s %s" font-family="sans-serif" role="img">`+"\n", f(w), f(h), f(w), f(h))
	x := 0.0
	for _, p := range figs {
		s.WriteString(strings.Replace(p.String(), "<svg ", `<svg x="`+f(x)+`" `, 1))
		x += p.w
	}
	s.WriteString("</svg>\n")
	return s.String()
}
