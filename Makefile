# Thin wrapper around CMake. The two commands a new user needs:
#   make demo   install dependencies, build, run the headline example
#   make test   install dependencies, build (normal, ASan+UBSan, fuzzers),
#               run every test
JOBS          ?= $(shell nproc 2>/dev/null || echo 2)
BUILD         ?= build
ASAN_BUILD    ?= build-asan
FUZZ_BUILD    ?= build-fuzz
RELEASE_BUILD ?= build-release
MINSIZE_BUILD ?= build-minsizerel
# Our own builds treat warnings as errors; a plain cmake build does not.
WERROR        ?= -DGP_WERROR=ON
FUZZ_SECONDS  ?= 30
CMAKE         ?= cmake

.PHONY: all deps build asan fuzz release minsizerel demo test test-unit \
        test-release test-asan test-fuzz \
        bench install clean format

all: build

deps:
	@scripts/deps.sh

build: deps
	@$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(WERROR) >/dev/null
	@$(CMAKE) --build $(BUILD) -j $(JOBS)

asan: deps
	@$(CMAKE) -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGP_SANITIZE=ON $(WERROR) >/dev/null
	@$(CMAKE) --build $(ASAN_BUILD) -j $(JOBS)

fuzz: deps
	@CC=clang $(CMAKE) -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGP_FUZZ=ON $(WERROR) \
	    -DBUILD_TESTING=OFF -DGP_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@$(CMAKE) --build $(FUZZ_BUILD) -j $(JOBS)

demo: build
	@echo '$$ gpuplan plan --model llama-3-70b --tokens 1.4T --top 8'
	@$(BUILD)/gpuplan plan --model llama-3-70b --tokens 1.4T --top 8

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# Release and MinSizeRel with gcc: the optimiser finds warnings (and
# undefined behaviour) that RelWithDebInfo does not; their unit and CLI
# tests run too.
release: deps
	@$(CMAKE) -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release $(WERROR) >/dev/null
	@$(CMAKE) --build $(RELEASE_BUILD) -j $(JOBS)

minsizerel: deps
	@$(CMAKE) -S . -B $(MINSIZE_BUILD) -DCMAKE_BUILD_TYPE=MinSizeRel $(WERROR) >/dev/null
	@$(CMAKE) --build $(MINSIZE_BUILD) -j $(JOBS)

test-release: release minsizerel
	@cd $(RELEASE_BUILD) && ctest --output-on-failure -j $(JOBS) -L 'unit|cli'
	@cd $(MINSIZE_BUILD) && ctest --output-on-failure -j $(JOBS) -L 'unit|cli'

test-fuzz: fuzz
	@cd $(FUZZ_BUILD) && ctest --output-on-failure -j $(JOBS) -L fuzz

test: test-unit test-release test-asan test-fuzz
	@echo "All tests passed (RelWithDebInfo, Release, MinSizeRel, ASan+UBSan builds; fuzzers $(FUZZ_SECONDS)s each, the two catalog loaders 3x longer)."

bench: build
	@$(CMAKE) --build $(BUILD) -j $(JOBS) --target bench_all
	@bench/run.sh $(BUILD)

install: build
	@$(CMAKE) --install $(BUILD)

format:
	@clang-format -i include/gpuplan/*.h src/*/*.c src/*/*.h cli/*.c cli/*.h tests/unit/*.c tests/fuzz/*.c bench/*.c scripts/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(RELEASE_BUILD) $(MINSIZE_BUILD)
