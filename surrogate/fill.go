package surrogate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/mfbench/mfbench/internal/atomicfile"
	"github.com/mfbench/mfbench/table"
)

// Mark says where one value of a filled table comes from. The marks of a filled table
// are stored in a sidecar Parquet file next to it (see MarksPath), one per row of the
// table, in the table's row order; its column names are part of the format.
type Mark struct {
	Arch      string `parquet:"arch"`
	Index     int64  `parquet:"index"`
	Epoch     int64  `parquet:"epoch"`
	Predicted bool   `parquet:"predicted"` // the surrogate's value, not a measurement

	// AccStd is the predictive standard deviation of a predicted value; NULL when
	// measured.
	AccStd *float64 `parquet:"acc_std,optional"`
	Seeds  int64    `parquet:"seeds"` // training seeds averaged; 0 if predicted
}

// Filled is a complete table built from a partial one: every architecture of the space
// at every epoch of the partial table, measured values kept (as seed means) and the
// rest predicted.
type Filled struct {
	Meta      table.Meta
	Rows      []table.Row // sorted by index, then epoch
	Marks     []Mark      // one per row, in the same order
	Predicted int         // rows whose accuracy is predicted

	// ID identifies this fill: a hash of its rows' accuracies and its marks, named in
	// Meta.Notes and in the marks file, so that ReadMarks refuses marks left by
	// another fill.
	ID string
}

// Fill completes t with the predictions of s, a surrogate fitted on t (see Fit) in
// column c. The result is a table of seed means (table.MeanOfSeed): a value predicted
// for a seed-mean cannot stand for one training seed, and a measured value of a
// per-seed table becomes the mean over the seeds that measured it, as Lookup with
// table.MeanSeed would give. Measured rows keep every column that all their seeds
// recorded; predicted rows carry only column c. Meta.Notes and Meta.Source say what
// share was predicted and by which model. A t that is itself filled (see FillID) is
// refused with ErrFilled: its predicted values would become measured ones.
func Fill(t *table.Table, s *Surrogate, c table.Column) (*Filled, error) {
	if id, ok := FillID(t.Meta()); ok {
		return nil, fmt.Errorf("%w (fill %s): fill the partial table it was made from",
			ErrFilled, id)
	}
	sp := t.Space()
	if sp.Name() != s.Space().Name() {
		return nil, fmt.Errorf("surrogate: fill: table of space %s, surrogate of %s",
			sp.Name(), s.Space().Name())
	}

	// Seed means of every measured (index, epoch), over the seeds that have the column.
	type key struct {
		index int64
		epoch int64
	}
	type acc struct {
		row   table.Row
		sums  [5]float64
		cnt   [5]int
		seeds int
	}
	measured := map[key]*acc{}
	for _, r := range t.Rows() {
		v := r.Accuracy(c)
		if v == nil || math.IsNaN(*v) {
			continue
		}
		k := key{r.Index, r.Epoch}
		m := measured[k]
		if m == nil {
			m = &acc{row: r}
			measured[k] = m
		}
		m.seeds++
		for i, p := range []*float64{r.TrainLoss, r.TrainAcc, r.ValidAcc, r.TestAcc,
			r.TrainSeconds} {
			if p != nil {
				m.sums[i] += *p
				m.cnt[i]++
			}
		}
	}

	// Predict every value the table lacks, an epoch at a time.
	predicted := map[key]Prediction{}
	for _, e := range t.Epochs() {
		var missing []int
		for index := range sp.Len() {
			if measured[key{int64(index), e}] == nil {
				missing = append(missing, index)
			}
		}
		ps, err := s.predictAll(missing, e)
		if err != nil {
			return nil, fmt.Errorf("surrogate: fill: %w", err)
		}
		for i, index := range missing {
			predicted[key{int64(index), e}] = ps[i]
		}
	}

	f := &Filled{}
	for index := range sp.Len() {
		a := sp.Arch(index)
		for _, e := range t.Epochs() {
			r := table.Row{Arch: sp.String(a), Index: int64(index), Epoch: e,
				Params: sp.Params(a)}
			if macs, ok := sp.MACs(a); ok {
				r.MACs = table.Int(macs)
			}
			if fl, ok := t.FLOPs(index); ok {
				r.FLOPs = table.Int(fl)
			}
			mk := Mark{Arch: r.Arch, Index: r.Index, Epoch: e}
			if m := measured[key{r.Index, e}]; m != nil {
				cols := []**float64{&r.TrainLoss, &r.TrainAcc, &r.ValidAcc, &r.TestAcc,
					&r.TrainSeconds}
				for i, p := range cols {
					if m.cnt[i] == m.seeds {
						*p = table.Float(m.sums[i] / float64(m.seeds))
					}
				}
				mk.Seeds = int64(m.seeds)
			} else {
				p := predicted[key{r.Index, e}]
				if c == table.Valid {
					r.ValidAcc = table.Float(p.Mean)
				} else {
					r.TestAcc = table.Float(p.Mean)
				}
				mk.Predicted, mk.AccStd = true, table.Float(p.Std)
				f.Predicted++
			}
			f.Rows = append(f.Rows, r)
			f.Marks = append(f.Marks, mk)
		}
	}

	// Provenance: the partial table's, with what the surrogate added.
	f.ID = fillID(f.Rows, f.Marks)
	f.Meta = t.Meta()
	f.Meta.Aggregate = table.MeanOfSeed
	share := 100 * float64(f.Predicted) / float64(len(f.Rows))
	what := fmt.Sprintf(fillNote+" %d of %d values (%.1f %%) of %s predicted "+
		"by the mfbench surrogate (model %s) fitted on the %d measured; values are seed "+
		"means; per-value marks and uncertainty in the sidecar *%s (fill %s)",
		f.Predicted, len(f.Rows), share, c, s.Model(), len(f.Rows)-f.Predicted, marksSuffix,
		f.ID)
	f.Meta.Notes = strings.TrimSpace(what + ". " + f.Meta.Notes)
	f.Meta.Source = strings.TrimSpace(f.Meta.Source + fmt.Sprintf(
		" Filled: %.1f %% predicted by the mfbench surrogate (%s).", share, s.Model()))
	return f, nil
}

// fillNote starts the note that Fill writes into Meta.Notes; fillIDNote matches the
// fill's ID in it.
const fillNote = "surrogate-filled:"

var fillIDNote = regexp.MustCompile(`\(fill ([0-9a-f]{16})\)`)

// FillID reports whether m is the metadata of a table that Fill made, or of one
// derived from it that kept its notes (a Subset of it, say), and returns that fill's
// ID when the notes still name it ("" otherwise). The marks file of the table, if
// any, is not consulted.
func FillID(m table.Meta) (id string, ok bool) {
	i := strings.Index(m.Notes, fillNote)
	if i < 0 {
		return "", false
	}
	if g := fillIDNote.FindStringSubmatch(m.Notes[i:]); g != nil {
		id = g[1]
	}
	return id, true
}

// markColumns are the columns of a marks file, in order.
var markColumns = []string{"arch", "index", "epoch", "predicted", "acc_std", "seeds"}

const (
	marksSuffix = ".marks.parquet"
	marksKey    = "mfbench.fill" // marks file metadata: the fill's ID
)

// fillID hashes the accuracies of rows and the marks (FNV-1a, 64 bits).
func fillID(rows []table.Row, marks []Mark) string {
	h := fnv.New64a()
	var b [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	opt := func(p *float64) {
		if p == nil {
			put(1<<64 - 1)
			return
		}
		put(math.Float64bits(*p))
	}
	for i, r := range rows {
		m := marks[i]
		h.Write([]byte(m.Arch))
		put(uint64(m.Index))
		put(uint64(m.Epoch))
		put(uint64(m.Seeds))
		if m.Predicted {
			put(1)
		}
		opt(m.AccStd)
		opt(r.TrainAcc)
		opt(r.ValidAcc)
		opt(r.TestAcc)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// MarksPath returns the path of the sidecar marks file of the filled table at path:
// "x.parquet" has its marks in "x.marks.parquet".
func MarksPath(path string) string {
	return strings.TrimSuffix(path, ".parquet") + marksSuffix
}

// Write writes the filled table to path (with table.Write) and its marks to
// MarksPath(path). Each file is written atomically; the marks go first, so a table at
// path always has its marks beside it. ReadMarks checks that they belong together.
func (f *Filled) Write(path string) error {
	if err := writeMarks(MarksPath(path), f.Marks, f.ID); err != nil {
		return err
	}
	if err := table.Write(path, f.Meta, f.Rows); err != nil {
		return fmt.Errorf("surrogate: %w", err)
	}
	return nil
}

func writeMarks(path string, marks []Mark, id string) error {
	out, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("surrogate: writing marks: %w", err)
	}
	defer out.Abort()
	w := parquet.NewGenericWriter[Mark](out, parquet.CreatedBy("mfbench", "1", ""),
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedBetterCompression}),
		parquet.KeyValueMetadata(marksKey, id))
	if _, err := w.Write(marks); err != nil {
		return fmt.Errorf("surrogate: writing marks %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("surrogate: writing marks %s: %w", path, err)
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("surrogate: writing marks: %w", err)
	}
	return nil
}

// ReadMarks returns the marks of the filled table at path (read from MarksPath(path))
// after checking that they match the table's rows one to one: same architecture,
// index and epoch, in order.
func ReadMarks(path string) (marks []Mark, err error) {
	t, err := table.Read(path)
	if err != nil {
		return nil, fmt.Errorf("surrogate: %w", err)
	}
	mp := MarksPath(path)
	fh, err := os.Open(mp)
	if err != nil {
		return nil, fmt.Errorf("surrogate: marks of %s: %w", path, err)
	}
	defer fh.Close()
	defer func() {
		if p := recover(); p != nil {
			marks, err = nil, fmt.Errorf("surrogate: marks %s: corrupted file: %v", mp, p)
		}
	}()
	pf, err := parquet.OpenFile(fh, fileSize(fh))
	if err != nil {
		return nil, fmt.Errorf("surrogate: marks %s: %w", mp, err)
	}
	var names []string
	for _, f := range pf.Schema().Fields() {
		names = append(names, f.Name())
	}
	if !slices.Equal(names, markColumns) {
		return nil, fmt.Errorf("surrogate: marks %s: columns %v, want %v", mp, names,
			markColumns)
	}
	id, _ := pf.Lookup(marksKey)
	if id == "" || !strings.Contains(t.Meta().Notes, "(fill "+id+")") {
		return nil, fmt.Errorf("surrogate: marks %s: fill %q, but table %s is not that fill",
			mp, id, path)
	}
	marks, err = parquet.Read[Mark](fh, fileSize(fh))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("surrogate: marks %s: %w", mp, err)
	}
	rows := t.Rows()
	if len(marks) != len(rows) {
		return nil, fmt.Errorf("surrogate: marks %s: %d marks for %d rows of %s",
			mp, len(marks), len(rows), path)
	}
	for i, m := range marks {
		r := rows[i]
		if m.Arch != r.Arch || m.Index != r.Index || m.Epoch != r.Epoch {
			return nil, fmt.Errorf("surrogate: marks %s: mark %d is %s (index %d) epoch %d, "+
				"row is %s (index %d) epoch %d", mp, i, m.Arch, m.Index, m.Epoch, r.Arch,
				r.Index, r.Epoch)
		}
		if m.Predicted != (m.AccStd != nil) {
			return nil, fmt.Errorf("surrogate: marks %s: mark %d (%s): predicted %v "+
				"with acc_std %v", mp, i, m.Arch, m.Predicted, m.AccStd != nil)
		}
	}
	return marks, nil
}

func fileSize(f *os.File) int64 {
	st, err := f.Stat()
	if err != nil {
		return 0
	}
	return st.Size()
}
