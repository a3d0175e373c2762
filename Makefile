# sluice: `make corpus` builds the sample corpus and runs the default pipeline; `make test` runs every test.
# Every target installs what it needs (npm ci) and builds (tsc) first, so both work on a fresh clone.
NODE ?= node
SLUICE = $(NODE) dist/pipelines/cli.js
SRC = $(shell find pipelines stages datasets shards trainer test bench -name '*.ts' 2>/dev/null)

.PHONY: all install build corpus sample test bench pretrain clean

all: corpus

node_modules/.sluice-installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.sluice-installed

dist/.built: node_modules/.sluice-installed tsconfig.json $(SRC)
	npx tsc -p .
	@chmod +x dist/pipelines/cli.js
	@touch $@

build: dist/.built

data/sample/.complete: | dist/.built
	$(SLUICE) sample-corpus --out data/sample

sample: build data/sample/.complete

corpus: sample
	$(SLUICE) run corpus

test: sample
	$(NODE) --test --test-reporter=spec $$(find dist/test -name '*.test.js' | sort)

bench: corpus
	$(NODE) dist/bench/run.js

pretrain:
	@echo "make pretrain: the trainer is not built yet (issue 7); make corpus builds the token shards it will train on." >&2
	@exit 2

clean:
	rm -rf dist out data
