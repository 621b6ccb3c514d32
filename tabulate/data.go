package tabulate

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/mfbench/mfbench/internal/atomicfile"
)

// CIFAR-10 binary layout, as the CIFAR-10 authors publish it in cifar-10-binary.tar.gz.
const (
	ImageSize   = 32                    // pixels per side
	imagePixels = ImageSize * ImageSize // pixels per plane
	imageBytes  = 3 * imagePixels       // bytes of one image
	RecordBytes = 1 + imageBytes        // label byte, then R, G and B planes
	NumClasses  = 10                    // labels 0..9
	cropPad     = 4                     // zero padding of the random crop
	paddedSize  = ImageSize + 2*cropPad // side of a padded image
	officialLen = 10000 * RecordBytes   // bytes of each official batch file
)

// TrainFiles and TestFile are the names of the official CIFAR-10 binary batches.
var (
	TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
		"data_batch_4.bin", "data_batch_5.bin"}
	TestFile = "test_batch.bin"
)

// Dataset is a set of labelled 32x32 RGB images held in memory.
type Dataset struct {
	// Pixels holds the images one after another, each row-major with the three
	// channels interleaved (height, width, channel: HWC), as the graphs take them.
	Pixels []uint8
	// Labels holds one class in [0, 10) per image.
	Labels []uint8
}

// Len returns the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// subset returns the images at the given indices, copied.
func (d *Dataset) subset(indices []int) *Dataset {
	out := &Dataset{Pixels: make([]uint8, 0, len(indices)*imageBytes),
		Labels: make([]uint8, 0, len(indices))}
	for _, i := range indices {
		out.Pixels = append(out.Pixels, d.Pixels[i*imageBytes:(i+1)*imageBytes]...)
		out.Labels = append(out.Labels, d.Labels[i])
	}
	return out
}

// head returns the first n images (all of them if n <= 0 or n > Len), sharing memory.
func (d *Dataset) head(n int) *Dataset {
	if n <= 0 || n >= d.Len() {
		return d
	}
	return &Dataset{Pixels: d.Pixels[:n*imageBytes], Labels: d.Labels[:n]}
}

// ReadCIFAR10File reads one file of the official CIFAR-10 binary layout: records of
// 3,073 bytes, a label in [0, 9] then 1,024 red, 1,024 green and 1,024 blue bytes, each
// plane row-major. The official files hold 10,000 records; any positive whole number
// of records is accepted, so small fixtures work. Errors name the file.
func ReadCIFAR10File(path string) (*Dataset, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tabulate: reading CIFAR-10 file: %w", err)
	}
	if len(raw) == 0 || len(raw)%RecordBytes != 0 {
		return nil, fmt.Errorf("tabulate: CIFAR-10 file %s has %d bytes, "+
			"want a positive multiple of %d (official files have %d)",
			path, len(raw), RecordBytes, officialLen)
	}
	n := len(raw) / RecordBytes
	d := &Dataset{Pixels: make([]uint8, n*imageBytes), Labels: make([]uint8, n)}
	for i := range n {
		rec := raw[i*RecordBytes : (i+1)*RecordBytes]
		if rec[0] >= NumClasses {
			return nil, fmt.Errorf("tabulate: CIFAR-10 file %s: record %d has label %d, want 0..9",
				path, i, rec[0])
		}
		d.Labels[i] = rec[0]

		// Planes (CHW) to interleaved channels (HWC).
		img := d.Pixels[i*imageBytes : (i+1)*imageBytes]
		for c := range 3 {
			plane := rec[1+c*imagePixels : 1+(c+1)*imagePixels]
			for p, v := range plane {
				img[p*3+c] = v
			}
		}
	}
	return d, nil
}

// WriteCIFAR10File writes d in the official binary layout to path, atomically. It is
// the inverse of ReadCIFAR10File (tests use it to build small fixtures).
func WriteCIFAR10File(path string, d *Dataset) error {
	raw := make([]byte, d.Len()*RecordBytes)
	for i := range d.Len() {
		rec := raw[i*RecordBytes : (i+1)*RecordBytes]
		rec[0] = d.Labels[i]
		img := d.Pixels[i*imageBytes : (i+1)*imageBytes]
		for c := range 3 {
			for p := range imagePixels {
				rec[1+c*imagePixels+p] = img[p*3+c]
			}
		}
	}
	return writeFileAtomic(path, raw)
}

// CIFAR10 is the CIFAR-10 data set, split for architecture search.
type CIFAR10 struct {
	Train, Valid, Test *Dataset
}

// LoadCIFAR10 reads data_batch_1.bin ... data_batch_5.bin and test_batch.bin from dir
// and splits the training images into train and validation sets: for each class, the
// last tenth of its images in file order (data_batch_1 first) go to validation. On the
// official 50,000 training images that is a fixed 45,000 / 5,000 split, 500 validation
// images per class; it needs no random numbers, so any tool can reproduce it.
func LoadCIFAR10(dir string) (*CIFAR10, error) {
	all := &Dataset{}
	for _, name := range TrainFiles {
		d, err := ReadCIFAR10File(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		all.Pixels = append(all.Pixels, d.Pixels...)
		all.Labels = append(all.Labels, d.Labels...)
	}
	test, err := ReadCIFAR10File(filepath.Join(dir, TestFile))
	if err != nil {
		return nil, err
	}
	train, valid := splitValidation(all)

	// Without validation or test images every accuracy would be undefined: refuse now,
	// before any training.
	switch {
	case valid.Len() == 0:
		return nil, fmt.Errorf("cifar10 %s: no validation images: the last tenth of each "+
			"class goes to validation, so each class needs at least 10 training images "+
			"(%d training images in all)", dir, all.Len())
	case test.Len() == 0:
		return nil, fmt.Errorf("cifar10 %s: %s holds no images", dir, TestFile)
	}
	return &CIFAR10{Train: train, Valid: valid, Test: test}, nil
}

// splitValidation puts the last tenth of each class (in order) into validation.
func splitValidation(all *Dataset) (train, valid *Dataset) {
	var count [NumClasses]int
	for _, l := range all.Labels {
		count[l]++
	}
	var seen [NumClasses]int
	var ti, vi []int
	for i, l := range all.Labels {
		seen[l]++
		if seen[l] > count[l]-count[l]/10 {
			vi = append(vi, i)
		} else {
			ti = append(ti, i)
		}
	}
	return all.subset(ti), all.subset(vi)
}

// augmentBatch writes the images at indices into dst (HWC, len(indices) images), each
// padded with 4 zero pixels per side, cropped back to 32x32 at a random offset and
// flipped horizontally with probability 1/2, the draws taken from rng in order (row
// offset, column offset, flip) image by image.
func augmentBatch(d *Dataset, indices []int, rng *rand.Rand, dst []uint8) {
	for b, i := range indices {
		src := d.Pixels[i*imageBytes : (i+1)*imageBytes]
		out := dst[b*imageBytes : (b+1)*imageBytes]
		dy, dx := rng.IntN(2*cropPad+1)-cropPad, rng.IntN(2*cropPad+1)-cropPad
		flip := rng.IntN(2) == 1
		for y := range ImageSize {
			sy := y + dy
			for x := range ImageSize {
				sx := x + dx
				if flip {
					sx = ImageSize - 1 - x + dx
				}
				o := (y*ImageSize + x) * 3
				if sy < 0 || sy >= ImageSize || sx < 0 || sx >= ImageSize {
					out[o], out[o+1], out[o+2] = 0, 0, 0
					continue
				}
				s := (sy*ImageSize + sx) * 3
				out[o], out[o+1], out[o+2] = src[s], src[s+1], src[s+2]
			}
		}
	}
}

// writeFileAtomic writes data to path through a temporary file in the same folder,
// synced and renamed, so readers see the old file or the whole new one.
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data); err != nil {
		return fmt.Errorf("tabulate: writing %s: %w", path, err)
	}
	return nil
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
