# sluice: `make corpus` builds the sample corpus and runs the default pipeline; `make test` runs every test.
# Every target installs what it needs (npm ci) and builds (tsc) first, so both work on a fresh clone.
NODE ?= node
SLUICE = $(NODE) dist/pipelines/cli.js
SRC = $(shell find pipelines stages datasets shards trainer test bench -name '*.ts' 2>/dev/null)

.PHONY: all install build corpus sample test bench pretrain slurm-up slurm-down clean

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

# Trains trainer/pretrain.json on the shards of `make corpus` (about 10 minutes on 2 cores), prints validation and
# unigram perplexity and a sample; rerunning continues the run from its newest checkpoint (or just reports).
pretrain: corpus
	$(SLUICE) train --config trainer/pretrain.json --resume
	$(SLUICE) sample out/pretrain --prompt "The" --max-tokens 60 --seed 1

# A one-node Slurm cluster on localhost (installs slurm-wlm and munge from Debian when missing; needs root), for
# `sluice run --executor slurm` and its test; slurm-down stops only the daemons slurm-up started.
slurm-up:
	bash .ci/slurm-up.sh

slurm-down:
	bash .ci/slurm-down.sh

clean:
	rm -rf dist out data
