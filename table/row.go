package table

import (
	"encoding/json"
	"fmt"
)

// Row is one measurement: an architecture trained with one seed (or the mean over seeds)
// for Epoch epochs. A nil pointer is a value that was not measured (NULL in the file).
type Row struct {
	Arch         string   `parquet:"arch"`
	Index        int64    `parquet:"index"`
	Seed         *int64   `parquet:"seed,optional"`
	Epoch        int64    `parquet:"epoch"`
	Params       int64    `parquet:"params"`
	MACs         *int64   `parquet:"macs,optional"`
	FLOPs        *int64   `parquet:"flops,optional"`
	TrainLoss    *float64 `parquet:"train_loss,optional"`
	TrainAcc     *float64 `parquet:"train_acc,optional"`
	ValidAcc     *float64 `parquet:"valid_acc,optional"`
	TestAcc      *float64 `parquet:"test_acc,optional"`
	TrainSeconds *float64 `parquet:"train_seconds,optional"`
}

// Aggregate values of Meta.Aggregate.
const (
	PerSeed    = "per-seed"      // every row is one training seed's run
	MeanOfSeed = "mean-of-seeds" // every row is a mean over the seeds the source trained
)

// FormatVersion is the version of the table format this package writes and reads.
const FormatVersion = "1"

// Meta is a table's provenance, stored as the Parquet file's key/value metadata. Space
// and Aggregate are required; the rest is free text that should let a reader reproduce
// the numbers.
type Meta struct {
	Space     string // name of the search space (space.ByName)
	Aggregate string // PerSeed or MeanOfSeed
	Source    string // where the numbers come from: citation, file, licence
	Recipe    Recipe // how the architectures were trained
	Software  string // software and versions that produced the numbers
	Backend   string // compute backend, e.g. "gomlx go (CPU)" or "xla:cuda H200"
	Notes     string // anything a reader must know (e.g. what the table lacks)
}

// Recipe describes how a table's architectures were trained. Zero fields are unknown.
type Recipe struct {
	Dataset      string  `json:"dataset,omitempty"`
	Split        string  `json:"split,omitempty"` // e.g. "train 45000 / valid 5000 / test 10000"
	Epochs       int     `json:"epochs,omitempty"`
	Batch        int     `json:"batch,omitempty"`
	Optimizer    string  `json:"optimizer,omitempty"`
	LR           float64 `json:"lr,omitempty"`
	WeightDecay  float64 `json:"weight_decay,omitempty"`
	Schedule     string  `json:"schedule,omitempty"`
	Augmentation string  `json:"augmentation,omitempty"`
	Subset       string  `json:"subset,omitempty"` // when trained on part of the data
}

const keyPrefix = "mfbench."

// keyValues returns m as Parquet key/value metadata.
func (m Meta) keyValues() ([][2]string, error) {
	recipe, err := json.Marshal(m.Recipe)
	if err != nil {
		return nil, fmt.Errorf("table: encoding recipe: %w", err)
	}
	return [][2]string{
		{keyPrefix + "format", FormatVersion},
		{keyPrefix + "space", m.Space},
		{keyPrefix + "aggregate", m.Aggregate},
		{keyPrefix + "source", m.Source},
		{keyPrefix + "recipe", string(recipe)},
		{keyPrefix + "software", m.Software},
		{keyPrefix + "backend", m.Backend},
		{keyPrefix + "notes", m.Notes},
	}, nil
}

// metaFrom reads Meta back from key/value metadata.
func metaFrom(lookup func(string) (string, bool)) (Meta, error) {
	get := func(k string) string { v, _ := lookup(keyPrefix + k); return v }
	format, ok := lookup(keyPrefix + "format")
	if !ok {
		return Meta{}, fmt.Errorf("no %sformat metadata: not an mfbench table", keyPrefix)
	}
	if format != FormatVersion {
		return Meta{}, fmt.Errorf("table format %q, this version reads %q", format,
			FormatVersion)
	}
	m := Meta{
		Space:     get("space"),
		Aggregate: get("aggregate"),
		Source:    get("source"),
		Software:  get("software"),
		Backend:   get("backend"),
		Notes:     get("notes"),
	}
	if r := get("recipe"); r != "" {
		if err := json.Unmarshal([]byte(r), &m.Recipe); err != nil {
			return Meta{}, fmt.Errorf("metadata %srecipe: %w", keyPrefix, err)
		}
	}
	return m, nil
}

// Int returns a pointer to v, for filling optional columns.
func Int(v int64) *int64 { return &v }

// Float returns a pointer to v, for filling optional columns.
func Float(v float64) *float64 { return &v }
