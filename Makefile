# mfbench: efficiency-aware NAS benchmark harness.
#
#   make bench    the main job: every strategy x 1,000 seeds on the shipped tables, benchstat
#   make test     gofmt, go vet, every Go test, and the independent DuckDB read of the tables
#
# GoMLX must never try to download XLA here: the pure-Go backend is the default.
export GOMLX_BACKEND ?= go
export GOMLX_NO_AUTO_INSTALL ?= 1

GO ?= go
BENCHSTAT = $(GO) run golang.org/x/perf/cmd/benchstat

.PHONY: test vet gotest duckdb bench bench-smoke report report-check surrogate-report \
	slurm-test gpu-selftest tables ci

test: vet gotest duckdb

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || \
		{ echo "gofmt -l:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

gotest:
	$(GO) test -count=1 -timeout 30m ./...

# The shipped tables, read back by DuckDB (no mfbench code involved).
duckdb: scripts/duckdb/node_modules
	node scripts/duckdb/check.mjs testdata

scripts/duckdb/node_modules: scripts/duckdb/package.json scripts/duckdb/package-lock.json
	cd scripts/duckdb && npm ci --no-audit --no-fund
	touch $@

# The main job: 1,000 seeds x every strategy x both profiles x every shipped table, one
# benchmark line per run in out/bench.txt, then benchstat's comparison against random.
bench:
	$(GO) run ./cmd/mfbench -o out/bench.txt
	$(BENCHSTAT) -col /strategy -filter '.unit:(mfactor OR regret OR test-acc OR params)' \
		out/bench.txt

# A few seeds of every benchmark, to check they run (CI).
bench-smoke:
	$(GO) test -run '^$$' -bench 'Search/' -benchtime=10x ./bench

# The statistical report: out/report/{report.md,index.html,*.svg,*.csv}.
report:
	$(GO) run ./cmd/report -out out/report $(wildcard bench/testdata/matrix.txt)

# The report opened in headless Chromium (apt-get install -y chromium), screenshot checked.
report-check: report
	scripts/screenshot.sh out/report out/report/screenshot.png

# The surrogate validation tables (a few minutes on 2 cores).
surrogate-report:
	$(GO) run ./cmd/surrogate validate -o surrogate/testdata/validation.md

# The XLA (GPU) build of tabulate, and its PJRT plugin discovery checked without a GPU.
gpu-selftest:
	CGO_ENABLED=1 $(GO) build -tags xla -o out/tabulate-xla ./cmd/tabulate
	scripts/gpu/selftest.sh out/tabulate-xla

# Tabulation as a Slurm job array against a real Slurm started here (installs slurm-wlm).
slurm-test:
	cluster/slurm/ci-test.sh

# Regenerate testdata/*.parquet and space/nb201_order.txt from the published files in
# ../shared/tables (the bytes do not change: cmd/mfimport's test checks it).
tables:
	$(GO) run ./cmd/mfimport -shared ../shared -out testdata -order space/nb201_order.txt

# Everything CI runs.
ci: bench-smoke report-check gpu-selftest slurm-test test
