package tabulate

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// syntheticDataset returns n images whose pixels encode their position and channel,
// with labels i % 10.
func syntheticDataset(n int, seed uint64) *Dataset {
	rng := rand.New(rand.NewPCG(seed, seed))
	d := &Dataset{Pixels: make([]uint8, n*imageBytes), Labels: make([]uint8, n)}
	for i := range n {
		d.Labels[i] = uint8(i % NumClasses)
		for j := range imageBytes {
			d.Pixels[i*imageBytes+j] = uint8(rng.IntN(256))
		}
	}
	return d
}

// writeFixture writes a CIFAR-10-format folder with train images spread over the five
// training files and test images in the test file.
func writeFixture(t testing.TB, dir string, train, test *Dataset) {
	t.Helper()
	per := train.Len() / len(TrainFiles)
	for f, name := range TrainFiles {
		idx := make([]int, 0, per)
		for i := f * per; i < (f+1)*per; i++ {
			idx = append(idx, i)
		}
		if err := WriteCIFAR10File(filepath.Join(dir, name), train.subset(idx)); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteCIFAR10File(filepath.Join(dir, TestFile), test); err != nil {
		t.Fatal(err)
	}
}

func TestReadCIFAR10PixelOrder(t *testing.T) {
	// One record by hand: label 7; red plane byte p is p%251, green 2p%253, blue 3p%255.
	rec := make([]byte, RecordBytes)
	rec[0] = 7
	for p := range imagePixels {
		rec[1+p] = byte(p % 251)
		rec[1+imagePixels+p] = byte(2 * p % 253)
		rec[1+2*imagePixels+p] = byte(3 * p % 255)
	}
	path := filepath.Join(t.TempDir(), "one.bin")
	if err := os.WriteFile(path, append(rec, rec...), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := ReadCIFAR10File(path)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2 || d.Labels[0] != 7 || d.Labels[1] != 7 {
		t.Fatalf("got %d images, labels %v; want 2 images labelled 7", d.Len(), d.Labels)
	}
	for _, yx := range [][2]int{{0, 0}, {0, 1}, {1, 0}, {17, 29}, {31, 31}} {
		p := yx[0]*ImageSize + yx[1]
		got := d.Pixels[imageBytes+p*3 : imageBytes+p*3+3]
		want := []byte{byte(p % 251), byte(2 * p % 253), byte(3 * p % 255)}
		if string(got) != string(want) {
			t.Errorf("pixel (row %d, col %d) = %v, want %v", yx[0], yx[1], got, want)
		}
	}
}

func TestReadCIFAR10Errors(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short.bin")
	badLabel := filepath.Join(dir, "label.bin")
	missing := filepath.Join(dir, "missing.bin")
	os.WriteFile(short, make([]byte, RecordBytes+5), 0o644)
	rec := make([]byte, 2*RecordBytes)
	rec[RecordBytes] = 10
	os.WriteFile(badLabel, rec, 0o644)
	for _, c := range []struct{ path, want string }{
		{short, "3078 bytes"},
		{badLabel, "record 1 has label 10"},
		{missing, "no such file"},
	} {
		_, err := ReadCIFAR10File(c.path)
		if err == nil || !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadCIFAR10File(%s) error = %v, want one naming the file and %q", c.path, err, c.want)
		}
	}
}

func TestLoadCIFAR10Split(t *testing.T) {
	// 200 training images, labels i%10: 20 per class, the last 2 of each go to validation.
	dir := t.TempDir()
	train, test := syntheticDataset(200, 1), syntheticDataset(30, 2)
	writeFixture(t, dir, train, test)
	c, err := LoadCIFAR10(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Train.Len() != 180 || c.Valid.Len() != 20 || c.Test.Len() != 30 {
		t.Fatalf("split %d/%d/%d, want 180/20/30", c.Train.Len(), c.Valid.Len(), c.Test.Len())
	}
	// Validation holds images 180..199 (the last two of every class), in order.
	for v := range 20 {
		want := train.Pixels[(180+v)*imageBytes : (181+v)*imageBytes]
		if string(c.Valid.Pixels[v*imageBytes:(v+1)*imageBytes]) != string(want) {
			t.Fatalf("validation image %d is not training image %d", v, 180+v)
		}
	}
	if string(c.Train.Pixels[179*imageBytes:180*imageBytes]) !=
		string(train.Pixels[179*imageBytes:180*imageBytes]) {
		t.Fatal("training image 179 moved")
	}
}

// TestLoadCIFAR10TooFew checks that data too small for a validation split is refused when
// loaded, not after a unit has trained (its accuracies would be undefined).
func TestLoadCIFAR10TooFew(t *testing.T) {
	dir := t.TempDir()
	// 90 images, labels i%10: 9 per class, so the last tenth of each class is empty.
	writeFixture(t, dir, syntheticDataset(90, 1), syntheticDataset(30, 2))
	_, err := LoadCIFAR10(dir)
	if err == nil || !strings.Contains(err.Error(), "no validation images") ||
		!strings.Contains(err.Error(), dir) {
		t.Errorf("LoadCIFAR10 on 9 images per class = %v, want a no-validation error", err)
	}
}

func TestLoadCIFAR10Real(t *testing.T) {
	dir := os.Getenv("CIFAR10_DIR")
	if dir == "" {
		t.Skip("CIFAR10_DIR not set: run ../shared/cifar10/materialize DIR and set CIFAR10_DIR=DIR")
	}
	c, err := LoadCIFAR10(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Train.Len() != 45000 || c.Valid.Len() != 5000 || c.Test.Len() != 10000 {
		t.Fatalf("split %d/%d/%d, want 45000/5000/10000", c.Train.Len(), c.Valid.Len(), c.Test.Len())
	}
	var count [NumClasses]int
	for _, l := range c.Valid.Labels {
		count[l]++
	}
	for k, n := range count {
		if n != 500 {
			t.Errorf("class %d has %d validation images, want 500", k, n)
		}
	}
}

func TestAugmentBatch(t *testing.T) {
	d := syntheticDataset(8, 3)
	idx := []int{7, 2, 0, 1, 5, 3, 6, 4}
	out := make([]uint8, len(idx)*imageBytes)
	augmentBatch(d, idx, rand.New(rand.NewPCG(5, 6)), out)

	// Replay the draws and check every pixel against the definition.
	rng := rand.New(rand.NewPCG(5, 6))
	var shifted, flipped int
	for b, i := range idx {
		dy, dx, flip := rng.IntN(9)-4, rng.IntN(9)-4, rng.IntN(2) == 1
		if dy != 0 || dx != 0 {
			shifted++
		}
		if flip {
			flipped++
		}
		for y := range ImageSize {
			for x := range ImageSize {
				// Flip the crop: output column x reads padded column 31-x+4+dx.
				sy, sx := y+dy, x+dx
				if flip {
					sx = ImageSize - 1 - x + dx
				}
				for ch := range 3 {
					var want uint8
					if sy >= 0 && sy < ImageSize && sx >= 0 && sx < ImageSize {
						want = d.Pixels[i*imageBytes+(sy*ImageSize+sx)*3+ch]
					}
					if got := out[b*imageBytes+(y*ImageSize+x)*3+ch]; got != want {
						t.Fatalf("image %d (row %d col %d ch %d) = %d, want %d", b, y, x, ch, got, want)
					}
				}
			}
		}
	}
	if shifted == 0 || flipped == 0 {
		t.Errorf("%d shifted, %d flipped: the seed does not exercise crop and flip", shifted, flipped)
	}
	// Same seed, same batch; another seed, another batch.
	again := make([]uint8, len(out))
	augmentBatch(d, idx, rand.New(rand.NewPCG(5, 6)), again)
	other := make([]uint8, len(out))
	augmentBatch(d, idx, rand.New(rand.NewPCG(8, 9)), other)
	if string(again) != string(out) || string(other) == string(out) {
		t.Error("augmentation is not a function of the seed")
	}
}
