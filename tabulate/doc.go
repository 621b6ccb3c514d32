// Package tabulate trains architectures of the ResNet kernel space (design.md section
// 1) on CIFAR-10 with GoMLX and records what training measures, epoch by epoch, for the
// lookup tables of package table. Command cmd/tabulate is a thin layer over it.
//
// # Model
//
// Net builds the CIFAR-10 ResNet for any architecture: a 3x3 stem of 16 channels, three
// stages of three basic blocks (16, 32, 64 channels, stride 2 at the start of stages 2
// and 3, 1x1 projection shortcuts where shape changes), global average pooling and a
// linear layer. Its trainable parameter count equals space.ResNet.Params (272,474 all
// 3x3, 815,194 all 7x7). Convolutions are He-normal with their true fan-in, batch-norm
// scales 1 and shifts 0, the linear layer uniform in +-1/8 (PyTorch's default bound).
//
// XLA compiles one program per graph shape, and one graph per architecture would mean
// 19,683 compilations. By default a Trainer uses one masked graph for every
// architecture: each block's conv1 is stored as 7x7 with padding 3 and multiplied by a
// mask input that keeps the centred kxk window. Masked weights start and stay exactly 0
// (their gradient and weight decay are 0), so the masked net computes the same function
// and gradients as the plain one (TestMaskedEqualsPlain). On the pure-Go CPU backend,
// where compiling is cheap and arithmetic is dear, Trainer.Plain is faster for small
// kernels.
//
// # Training
//
// Recipe is design.md section 6: SGD with Nesterov momentum 0.9, weight decay 5e-4 on
// every parameter, learning rate 0.1 on a per-step cosine to 0 over all epochs, batch
// 256 (the last partial batch of an epoch is dropped), 4-pixel pad and random crop plus
// horizontal flip. Validation and test accuracies use batch-norm running statistics
// (momentum 0.1, unbiased variance, as PyTorch). The seed fixes the initial weights
// and the order and augmentation of the images; on the pure-Go backend the same seed
// gives the same numbers.
//
// The pure-Go backend of GoMLX v0.26.0 lacks pieces that training needs; ops.go holds
// replacements written on GoMLX's public graph API and tested against finite
// differences: the convolution gradients (its own need the Reverse op), batch norm with
// batch statistics differentiated through them, and the Nesterov update.
//
// # Data
//
// ReadCIFAR10File reads the official binary layout; LoadCIFAR10 splits the 50,000
// training images into a fixed 45,000 / 5,000 train / validation split (the last tenth
// of each class in file order) and reads the 10,000 test images.
//
// # Work, shards and tables
//
// A Plan (recipe, architectures, seeds) is divided into units, one per architecture and
// seed. WorkDir records each finished unit atomically as a small JSON file, so a run
// killed at any moment resumes without repeating or losing a unit. Shard i of n owns
// the units numbered i modulo n; Assemble joins the work folders of one plan into table
// rows and refuses folders of different plans or, unless asked, missing units.
//
// BUG(tabulate): GoMLX v0.26.0's pure-Go backend deadlocks on the training graph with
// its default bounded worker pool on small machines, and its unbounded parallel mode
// has data races; NewBackend starts it with ops_sequential, one op at a time.
package tabulate
