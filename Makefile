# mfbench: efficiency-aware NAS benchmark harness.
#
#   make bench    the main job: every strategy on the shipped tables, benchstat summary
#   make test     vet, every Go test, and the independent DuckDB read of the tables
#
# GoMLX must never try to download XLA here: the pure-Go backend is the default.
export GOMLX_BACKEND ?= go
export GOMLX_NO_AUTO_INSTALL ?= 1

GO ?= go

.PHONY: test vet gotest duckdb tables
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

# Regenerate testdata/*.parquet and space/nb201_order.txt from the published files in
# ../shared/tables (the bytes do not change: cmd/mfimport's test checks it).
tables:
	$(GO) run ./cmd/mfimport -shared ../shared -out testdata -order space/nb201_order.txt
