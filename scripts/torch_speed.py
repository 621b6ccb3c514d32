#!/usr/bin/python3
"""PyTorch CPU reference for tabulate: the same CIFAR-10 ResNet of design.md section 1.

Prints the trainable parameter counts (272,474 all-3x3, 815,194 all-7x7) and the training
throughput of one SGD (Nesterov) step, per wall second and per CPU second (steadier on
a shared machine), in Go benchmark format so benchstat can read it
beside `go test -bench TrainStep ./tabulate`:

    /usr/bin/python3 scripts/torch_speed.py [--batch 16] [--steps 3] [--threads 2]

Needs Debian's python3-torch (apt-get install -y python3-torch).
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride, k):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                       nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.short is None else self.short(x)))


class ResNet(nn.Module):
    def __init__(self, kernels):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU())
        blocks, cin, i = [], 16, 0
        for width, stride in ((16, 1), (32, 2), (64, 2)):
            for j in range(3):
                blocks.append(Block(cin, width, stride if j == 0 else 1, kernels[i]))
                cin, i = width, i + 1
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        h = self.blocks(self.stem(x))
        return self.fc(h.mean(dim=(2, 3)))


def params(arch):
    net = ResNet([int(c) for c in arch])
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for arch in ("333333333", "777777777", "357333777"):
        print(f"# params arch={arch}: {params(arch):,}")
    print(f"# torch {torch.__version__}, {a.threads} threads")
    for arch in ("333333333", "777777777"):
        net = ResNet([int(c) for c in arch])
        opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True,
                              weight_decay=5e-4)
        x = torch.randn(a.batch, 3, 32, 32)
        y = torch.randint(0, 10, (a.batch,))

        def step():
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()

        step()  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(a.steps):
            step()
        dt = (time.perf_counter() - t0) / a.steps
        dc = (time.process_time() - c0) / a.steps
        print(f"BenchmarkTorchTrainStep/arch={arch}/batch={a.batch} {a.steps} "
              f"{dt * 1e9:.0f} ns/op {a.batch / dt:.2f} img/s {a.batch / dc:.2f} img/cpu-s")


if __name__ == "__main__":
    main()
