# sluice: `make corpus` builds the sample corpus and runs the default pipeline; `make test` runs every test.
# Every target installs what it needs (npm ci) and builds (tsc) first, so both work on a fresh clone.
NODE ?= node
SLUICE = $(NODE) dist/pipelines/cli.js
SRC = $(shell find pipelines stages datasets shards trainer test bench -name '*.ts' 2>/dev/null)

.PHONY: all install build corpus sample test test-slurm test-browser test-webgpu prune-dist bench pretrain slurm-up slurm-down clean

all: corpus

node_modules/.sluice-installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.sluice-installed

# The trainer's CPU kernels (AssemblyScript, trainer/kernels/wasm) in two builds: with relaxed SIMD (fused
# multiply-add, used where the runtime accepts it) and with plain SIMD.
KERNELS_WASM = dist/trainer/kernels/cpu/kernels-fma.wasm dist/trainer/kernels/cpu/kernels-simd.wasm
ASC = npx asc trainer/kernels/wasm/index.ts -O3 --noAssert --runtime stub --importMemory --sharedMemory --initialMemory 17 --maximumMemory 65536 --enable simd,threads

dist/.built: node_modules/.sluice-installed tsconfig.json $(SRC)
	npx tsc -p .
	$(ASC) --enable relaxed-simd -o dist/trainer/kernels/cpu/kernels-fma.wasm
	$(ASC) -o dist/trainer/kernels/cpu/kernels-simd.wasm
	@chmod +x dist/pipelines/cli.js
	@touch $@

build: dist/.built

data/sample/.complete: | dist/.built
	$(SLUICE) sample-corpus --out data/sample

sample: build data/sample/.complete

corpus: sample
	$(SLUICE) run corpus
	$(SLUICE) report out/corpus

# Compiled files whose source is gone (a deleted or moved test would otherwise keep running until `make clean`).
prune-dist:
	@find dist -name '*.js' 2>/dev/null | while read -r f; do s=$${f#dist/}; [ -f "$${s%.js}.ts" ] || rm -f "$$f" "$$f.map" "$${f%.js}.d.ts"; done

# Every test. Never installs or reconfigures system software: tests that need a service (Slurm) run where it
# answers and are skipped, with the reason, elsewhere; their own targets below set the service up.
test: sample prune-dist
	$(NODE) --test --test-reporter=spec $$(find dist/test -name '*.test.js' | sort)

# The Slurm executor's test against a real one-node cluster: starts one (installing slurm-wlm and munge from Debian
# when missing; needs root), runs the test (a missing cluster fails it here instead of skipping), stops what it started.
test-slurm: sample prune-dist
	bash .ci/slurm-up.sh
	SLUICE_REQUIRE_SLURM=1 $(NODE) --test --test-reporter=spec dist/test/pipelines/slurm.test.js; rc=$$?; bash .ci/slurm-down.sh; exit $$rc

# The run report's test in headless Chromium (installs Debian's chromium when missing; needs root for that): a
# missing browser fails it here instead of skipping.
test-browser: sample prune-dist
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } || { echo "test-browser: chromium is missing; run as root (or: apt-get install chromium)"; exit 1; }
	SLUICE_REQUIRE_BROWSER=1 $(NODE) --test --test-reporter=spec dist/test/pipelines/report.test.js

# The WebGPU kernel set's conformance, model and training tests on Mesa's lavapipe (a Vulkan driver on the CPU:
# installs Mesa >= 25 from bookworm-backports when missing; needs root for that): no adapter fails them here.
test-webgpu: sample prune-dist
	bash .ci/webgpu-up.sh
	SLUICE_REQUIRE_WEBGPU=1 $(NODE) --test --test-reporter=spec dist/test/trainer/kernels.test.js dist/test/trainer/model.test.js dist/test/trainer/webgpuTrain.test.js

bench: corpus
	$(NODE) dist/bench/run.js

# Trains trainer/pretrain.json on the shards of `make corpus` (about 10 minutes on 2 cores), prints validation and
# unigram perplexity and a sample; rerunning continues the run from its newest checkpoint (or just reports).
pretrain: corpus
	$(SLUICE) train --config trainer/pretrain.json --resume
	$(SLUICE) generate out/pretrain --prompt "The" --max-tokens 60 --seed 1
	$(SLUICE) report out/pretrain

# A one-node Slurm cluster on localhost (installs slurm-wlm and munge from Debian when missing; needs root), for
# `sluice run --executor slurm` and its test; slurm-down stops only the daemons slurm-up started.
slurm-up:
	bash .ci/slurm-up.sh

slurm-down:
	bash .ci/slurm-down.sh

clean:
	rm -rf dist out data
