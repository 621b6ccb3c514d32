// Package space defines the discrete architecture search spaces of mfbench and their exact
// cost models.
//
// An architecture is an [Arch]: one choice index per position of the space. Each space gives
// every architecture one canonical string and one index in [0, Len()), and maps any accepted
// spelling of an architecture to the canonical one; any other input is an error that names
// the input and what is wrong with it.
//
// Three spaces are provided:
//
//   - [ResNet], the space of the M-factor paper: a CIFAR-10 ResNet of 9 basic blocks whose
//     first convolution picks a 3x3, 5x5 or 7x7 kernel (3^9 = 19,683 architectures). Its
//     canonical string is the nine kernel sizes, "357333777"; its index is the mixed-radix
//     number of the choices, position 0 most significant.
//   - [Macro], NAS-Bench-Macro (Su et al., CVPR 2021): 8 layers, each identity, MobileNetV2
//     block k3e3 or k5e6 (3^8 = 6,561). Canonical string "02012100"; mixed-radix index.
//   - [NB201], the NAS-Bench-201 / NATS-Bench topology space: 6 edges, each one of 5
//     operations (5^6 = 15,625). Canonical string is the benchmark's cell string; the index
//     is the benchmark's own index.
//
// Parameter counts are exact trainable counts (weights, biases, batch-norm scale and shift;
// not batch-norm running statistics). They reproduce the published counts of each benchmark.
package space
