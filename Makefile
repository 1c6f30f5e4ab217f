# Mantle top-level Makefile. `make check` is the one command that installs,
# builds and tests everything. Components add themselves through their
# build.mk fragments (see mk/rules.mk for the helpers they use).

.DEFAULT_GOAL := all
SHELL := /bin/sh
.DELETE_ON_ERROR:

include mk/config.mk
include mk/rules.mk

RESULTS := $(BUILD)/test-results
KERNEL_STAMP := $(KERNEL_DIR)/.stamp

# Component fragments, in dependency order. Each appends to ALL_TARGETS,
# UNIT_TESTS, FUZZ_TARGETS, INTEGRATION_TESTS, KUNIT_TESTS and BENCHES.
# A missing fragment is an error; a component without one is not named here
# (guest-drivers/windows and attest-agent add theirs when they have code).
include protocol/build.mk
include vmgs-tools/build.mk
include paravisor/build.mk
include sp-simulator/build.mk
include hostif/build.mk
include host/build.mk
include verifier/build.mk
include guest-drivers/linux/build.mk
include tests/build.mk

.PHONY: all deps kernel kernel-refresh guest-image unit check kunit bench \
	format format-check clean run-unit run-kunit run-integration run-fuzz \
	run-integration-and-fuzz

all: $(ALL_TARGETS) guest-image

deps:
	@scripts/deps.sh
	@mkdir -p $(BUILD) && echo "# scripts/deps.sh ran" >$(DEPS_STAMP)

# The packages come first: on a fresh machine `make all` (any goal but deps
# and clean) installs what it needs. make remakes this included stamp, by
# running scripts/deps.sh, before it builds anything else, and then starts
# over; afterwards the stamp exists and costs nothing (it is redone when
# scripts/deps.sh changes). `include`, not `-include`: a failed install stops
# make at once.
DEPS_STAMP := $(BUILD)/.deps-installed
ifneq ($(filter-out deps clean,$(or $(MAKECMDGOALS),all)),)
include $(DEPS_STAMP)
endif
$(DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh
	@mkdir -p $(@D) && echo "# scripts/deps.sh ran" >$@

# The Debian 6.12 cloud kernel (image, modules, headers): fetched once.
kernel: $(KERNEL_STAMP)
$(KERNEL_STAMP):
	@scripts/fetch-kernel.sh $(KERNEL_DIR)
kernel-refresh:
	rm -rf $(KERNEL_DIR)
	@scripts/fetch-kernel.sh $(KERNEL_DIR)

GUEST_PACK_DIR := build/guest-pack
GUEST_TOOLS_DIR := build/guest-tools
# GUEST_IMAGE_DEPS: driver-pack modules (copied into $(GUEST_PACK_DIR)) and
# in-guest tools (into $(GUEST_TOOLS_DIR)) that components add to the image.
GUEST_IMAGE := build/guest/initramfs.cpio.gz
guest-image: $(GUEST_IMAGE)
$(GUEST_IMAGE): $(KERNEL_STAMP) $(GUEST_IMAGE_DEPS) $(wildcard guest-drivers/image/*) \
		scripts/mkcpio.sh scripts/initramfs-stage.sh
	@guest-drivers/image/build-guest-image.sh build/guest $(KERNEL_DIR) \
		$(GUEST_PACK_DIR) $(GUEST_TOOLS_DIR)

# --- tests ---------------------------------------------------------------
# Each run-* target appends PASS/FAIL/SKIP lines to $(RESULTS); the summary
# line comes from tests/harness/summary.sh and is the last line printed.

run-unit: $(UNIT_TESTS)
	@tests/harness/run-unit.sh $(RESULTS) $(UNIT_TESTS)

# A KUnit runner records one line per KUnit case itself: it is called with
# the results file as its only argument.
run-kunit: $(KERNEL_STAMP)
	@for t in $(KUNIT_TESTS); do $$t $(RESULTS) || echo "FAIL kunit:$$t" >>$(RESULTS); done

run-integration: all
	@TEST_TIMEOUT=900 BUILD=$(BUILD) tests/harness/run-scripts.sh $(RESULTS) \
		integration $(INTEGRATION_TESTS)

run-fuzz: $(FUZZ_TARGETS)
	@tests/harness/run-fuzz.sh $(RESULTS) $(FUZZ_TARGETS)

# Integration and fuzzing at once: a nested boot keeps about one core busy
# (QEMU TCG runs the one paravisor vCPU on one thread), so on 2 cores the
# fuzzers, one at a time, use the other and make check is shorter by the
# whole fuzz phase. The fuzzers' lines follow the integration's.
FUZZ_PHASE_LOG := $(BUILD)/logs/fuzz-phase.log
run-integration-and-fuzz: all $(FUZZ_TARGETS)
	@mkdir -p $(dir $(FUZZ_PHASE_LOG))
	@{ FUZZ_JOBS=1 tests/harness/run-fuzz.sh $(RESULTS) $(FUZZ_TARGETS) \
		>$(FUZZ_PHASE_LOG) 2>&1 || echo "FAIL fuzz:run" >>$(RESULTS); } & \
	$(MAKE) --no-print-directory run-integration || \
		echo "FAIL integration:build" >>$(RESULTS); \
	wait; cat $(FUZZ_PHASE_LOG)

unit:
	@mkdir -p $(BUILD) && : >$(RESULTS)
	@$(MAKE) --no-print-directory run-unit || echo "FAIL unit:build" >>$(RESULTS)
	@tests/harness/summary.sh $(RESULTS)

check:
	@mkdir -p $(BUILD) && : >$(RESULTS)
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all || echo "FAIL build:all" >>$(RESULTS)
	@$(MAKE) --no-print-directory run-unit || echo "FAIL unit:build" >>$(RESULTS)
ifneq ($(SAN),1)
	@$(MAKE) --no-print-directory run-kunit || echo "FAIL kunit:run" >>$(RESULTS)
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS) || echo "FAIL fuzz:build" >>$(RESULTS)
	@$(MAKE) --no-print-directory run-integration-and-fuzz
else
	@$(MAKE) --no-print-directory run-fuzz || echo "FAIL fuzz:build" >>$(RESULTS)
endif
	@tests/harness/summary.sh $(RESULTS)

# The summary line must be the last line printed, but make reports a failed
# recipe after it. So the summary is each target's last recipe line, a simple
# command that make runs without a shell; on failure summary.sh ends this make
# itself (see there), which prints nothing more and still exits non-zero.
check unit kunit: export SUMMARY_KILL_MAKE=1

kunit:
	@mkdir -p $(BUILD) && : >$(RESULTS)
	@$(MAKE) --no-print-directory run-kunit
	@tests/harness/summary.sh $(RESULTS)

bench: $(addprefix bench-,$(BENCHES))

# N consecutive nested boots (SOAK_N, default 200), stopping at the first
# failure; not part of `make check` (about an hour here). tests/soak/soak.sh.
.PHONY: soak
soak: all
	@BUILD=$(BUILD) tests/soak/soak.sh

# --- style -----------------------------------------------------------------
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format-check:
	@scripts/format.sh check $(FORMAT_FILES)
format:
	@scripts/format.sh fix $(FORMAT_FILES)

clean:
	rm -rf $(filter-out $(KERNEL_DIR),$(wildcard build/*))

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
