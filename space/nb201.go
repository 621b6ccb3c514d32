package space

import (
	_ "embed"
	"fmt"
	"strings"
)

// NB201 is the NAS-Bench-201 / NATS-Bench topology space: a cell of 4 nodes whose 6 edges
// (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2, in this order) each carry one of 5 operations, in
// this order: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3. The skeleton
// is a 3x3 stem conv to 16 channels with batch norm, three stages of five cells at 16, 32
// and 64 channels joined by two residual reduction blocks, batch norm, global pooling and a
// linear layer 64 -> 10 (the CIFAR-10 network).
//
// Canonical string: the benchmark's cell string,
// "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|".
// Parse also accepts the edges of a node in any order and surrounding space. The index is
// the benchmark's own architecture index (the row of its API and of its published files).
var NB201 Space = nb201Space{}

// NB201Ops names the five operations of the NAS-Bench-201 space, by choice index.
var NB201Ops = [5]string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
	"avg_pool_3x3"}

// nb201Order lists, for each benchmark index, the six operation digits of its cell. It is
// written by cmd/mfimport from the benchmark's published file, whose row i is index i.
//
//go:embed nb201_order.txt
var nb201Order string

var (
	nb201Radix = radix{5, 5, 5, 5, 5, 5}
	// nb201ToBench maps the mixed-radix code of a cell to its benchmark index, and
	// nb201FromBench the other way.
	nb201ToBench   [15625]int16
	nb201FromBench [15625]int16
)

func init() {
	lines := strings.Fields(nb201Order)
	if len(lines) != 15625 {
		panic(fmt.Sprintf("space: nb201_order.txt has %d lines, want 15625", len(lines)))
	}
	seen := make([]bool, 15625)
	for i, line := range lines {
		a := make(Arch, 6)
		for j, r := range line {
			a[j] = int(r - '0')
		}
		code, err := nb201Radix.encode(a)
		if err != nil || len(line) != 6 || seen[code] {
			panic(fmt.Sprintf("space: nb201_order.txt line %d %q is invalid", i+1, line))
		}
		seen[code] = true
		nb201ToBench[code] = int16(i)
		nb201FromBench[i] = int16(code)
	}
}

type nb201Space struct{}

func (nb201Space) Name() string { return "nas-bench-201" }
func (nb201Space) Dims() []int  { return nb201Radix }
func (nb201Space) Len() int     { return 15625 }

func (nb201Space) Arch(index int) Arch {
	if index < 0 || index >= 15625 {
		panic(fmt.Sprintf("space: nas-bench-201: index %d out of range [0, 15625)", index))
	}
	return nb201Radix.decode(int(nb201FromBench[index]))
}

func (nb201Space) Index(a Arch) (int, error) {
	code, err := nb201Radix.encode(a)
	if err != nil {
		return 0, fmt.Errorf("space nas-bench-201: %w", err)
	}
	return int(nb201ToBench[code]), nil
}

func (nb201Space) String(a Arch) string {
	if err := nb201Radix.check(a); err != nil {
		panic("space: nas-bench-201: " + err.Error())
	}
	var b strings.Builder
	edge := 0
	for node := 1; node <= 3; node++ {
		if node > 1 {
			b.WriteByte('+')
		}
		b.WriteByte('|')
		for in := range node {
			fmt.Fprintf(&b, "%s~%d|", NB201Ops[a[edge]], in)
			edge++
		}
	}
	return b.String()
}

func (nb201Space) Parse(s string) (Arch, error) {
	bad := func(format string, args ...any) error {
		return &ParseError{Space: "nas-bench-201", Input: s,
			Reason: fmt.Sprintf(format, args...)}
	}

	nodes := strings.Split(strings.TrimSpace(s), "+")
	if len(nodes) != 3 {
		return nil, bad("want 3 node groups separated by '+', got %d", len(nodes))
	}
	a := make(Arch, 6)
	edge := 0
	for n, group := range nodes {
		node := n + 1
		set := make([]bool, node)
		for _, e := range strings.Split(group, "|") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			op, in, ok := strings.Cut(e, "~")
			if !ok {
				return nil, bad("node %d: edge %q is not op~input", node, e)
			}
			c := -1
			for i, name := range NB201Ops {
				if op == name {
					c = i
				}
			}
			if c < 0 {
				return nil, bad("node %d: unknown operation %q", node, op)
			}
			if len(in) != 1 || in[0] < '0' || int(in[0]-'0') >= node {
				return nil, bad("node %d: input %q is not a node in 0..%d", node, in, node-1)
			}
			i := int(in[0] - '0')
			if set[i] {
				return nil, bad("node %d: input %d given twice", node, i)
			}
			set[i] = true
			a[edge+i] = c
		}
		for i, ok := range set {
			if !ok {
				return nil, bad("node %d: no edge from node %d", node, i)
			}
		}
		edge += node
	}
	return a, nil
}

// nb201Base is the parameter count of the skeleton without cell operations: stem, the two
// residual reduction blocks, the last batch norm and the classifier.
func nb201Base() int64 {
	reduction := func(in, out int) int64 {
		return convBN(in, out, 3) + convBN(out, out, 3) + int64(in*out) // shortcut: pool+1x1
	}
	return convBN(3, 16, 3) + reduction(16, 32) + reduction(32, 64) + 2*64 + 64*10 + 10
}

func (nb201Space) Params(a Arch) int64 {
	if err := nb201Radix.check(a); err != nil {
		panic("space: nas-bench-201: " + err.Error())
	}
	p := nb201Base()
	for _, c := range []int{16, 32, 64} {
		for _, op := range a {
			switch op {
			case 2:
				p += 5 * convBN(c, c, 1)
			case 3:
				p += 5 * convBN(c, c, 3)
			}
		}
	}
	return p
}

// MACs counts the convolutions and the classifier's weights. NAS-Bench-201's published
// FLOPs count the classifier's 10 biases too, so they are MACs + 10.
func (nb201Space) MACs(a Arch) (int64, bool) {
	if err := nb201Radix.check(a); err != nil {
		panic("space: nas-bench-201: " + err.Error())
	}

	// Stem at 32x32, then each reduction block: conv a and conv b at the output
	// resolution and the 1x1 shortcut after pooling.
	macs := int64(32 * 32 * 3 * 16 * 9)
	for _, r := range [][3]int{{16, 32, 16}, {32, 64, 8}} {
		in, out, px := r[0], r[1], r[2]*r[2]
		macs += int64(px * (in*out*9 + out*out*9 + in*out))
	}
	macs += 64 * 10

	// Each cell edge runs at its stage's width and resolution, five cells a stage.
	for _, st := range [][2]int{{16, 32}, {32, 16}, {64, 8}} {
		c, px := st[0], st[1]*st[1]
		for _, op := range a {
			switch op {
			case 2:
				macs += int64(5 * px * c * c)
			case 3:
				macs += int64(5 * px * c * c * 9)
			}
		}
	}
	return macs, true
}
