# SPDX-License-Identifier: GPL-2.0
#
# tvmm: make builds the module, tvmmctl and the selftests; make check tests
# everything in the emulated VT-x machine; make demo shows it working.
# See README.md.

# The kernel the test machine boots (Debian's, resolved from apt).
TEST_KVER := $(shell testvm/kver 2>/dev/null)
TEST_KDIR := /usr/src/linux-headers-$(TEST_KVER)

# KDIR: the running kernel's build directory when it exists, else the test
# machine's kernel headers. make KDIR=... overrides both.
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(origin KDIR),undefined)
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
KDIR := $(RUNNING_KDIR)
KDIR_WHY := the running kernel's build directory
else
KDIR := $(TEST_KDIR)
KDIR_WHY := the test machine's kernel headers
endif
else
KDIR_WHY := set on the command line
endif

# Pieces of the kernel source tree tvmm uses (checkpatch, the kselftest
# headers), extracted from Debian's linux-source package.
LINUX_SRC_TAR := $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))
LINUX_SRC := $(CURDIR)/build/linux-src
LINUX_SRC_FILES := scripts/checkpatch.pl scripts/spelling.txt \
	scripts/const_structs.checkpatch \
	tools/testing/selftests/kselftest.h \
	tools/testing/selftests/kselftest_harness.h
KSFT_DIR := $(LINUX_SRC)/tools/testing/selftests
CHECKPATCH := $(LINUX_SRC)/scripts/checkpatch.pl

# Every C source and header of the project, for checkpatch.
C_SOURCES = $(shell git ls-files -co --exclude-standard -- '*.c' '*.h' '*.S')

.PHONY: all module tvmmctl selftests linux-src checkpatch unit-test check \
	demo bench fuzz setup clean

all: module tvmmctl selftests

module:
	@test -f $(KDIR)/Makefile || { echo "No kernel build directory at '$(KDIR)'. Run testvm/setup (installs the test kernel's headers) or pass KDIR=/path/to/kernel/build." >&2; exit 1; }
	@echo "  KDIR    $(KDIR) ($(KDIR_WHY))"
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tvmmctl: linux-src
	$(MAKE) -C userspace-ctl KSFT_DIR=$(KSFT_DIR)

selftests: linux-src
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR)

linux-src: $(LINUX_SRC)/.extracted

$(LINUX_SRC)/.extracted:
	@test -n "$(LINUX_SRC_TAR)" || { echo "Debian's linux-source package is missing: run testvm/setup (or apt-get install linux-source)." >&2; exit 1; }
	mkdir -p $(LINUX_SRC)
	tar -xJf $(LINUX_SRC_TAR) -C $(LINUX_SRC) --strip-components=1 \
		$(addprefix $(notdir $(basename $(basename $(LINUX_SRC_TAR))))/,$(LINUX_SRC_FILES))
	touch $@

# uapi/tvmm.h alone runs without CAMELCASE, because of one word,
# _Static_assert: the C11 keyword lets it check its layout with no header
# from either side, and checkpatch in -f mode has no tree to learn that
# the word is not ours. Everywhere else CamelCase is still an error.
CHECKPATCH_RUN = perl $(CHECKPATCH) --strict --no-tree --quiet --show-types
checkpatch: linux-src
	@$(CHECKPATCH_RUN) --ignore FILE_PATH_CHANGES \
		-f $(filter-out uapi/tvmm.h,$(C_SOURCES)) && \
	$(CHECKPATCH_RUN) --ignore FILE_PATH_CHANGES,CAMELCASE \
		-f uapi/tvmm.h && echo "checkpatch: clean"

unit-test: linux-src
	$(MAKE) -s -C userspace-ctl test KSFT_DIR=$(KSFT_DIR)
	$(MAKE) -s -C kmod/x86/test KSFT_DIR=$(KSFT_DIR)
	$(MAKE) -s -C kmod/vmx/test KSFT_DIR=$(KSFT_DIR)

setup:
	testvm/setup

# The test command (README.md): installs what it lacks, builds everything
# for the test machine's kernel, runs the unit tests on this host and the
# selftests in the emulated machines, and prints "N passed, N failed".
check: setup
	$(MAKE) all KDIR=/usr/src/linux-headers-$$(testvm/kver)
	testvm/check

# The fuzzers (selftests/insn_fuzz_test.c, ioctl_fuzz_test.c) at length, in
# the emulated machines booted with the kernel's debugging aids (testvm/fuzz):
# make fuzz FUZZ_SECONDS=600 FUZZ_SEED=1234. The seed is random unless given.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?=
fuzz: setup
	$(MAKE) all KDIR=/usr/src/linux-headers-$$(testvm/kver)
	testvm/fuzz --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# The demos (tvmmctl demo, guests in demos/), each telling what a VMM does;
# the last boots the test machine's own kernel under tvmm (--linux-guest).
demo: setup
	$(MAKE) all KDIR=/usr/src/linux-headers-$$(testvm/kver)
	testvm/run --linux-guest --mem 1024 --timeout 1800 -- \
		'modprobe tvmm && tvmmctl demo all'

# The benchmark of docs/BENCHMARKS.md: tvmm and KVM in one boot of the test
# machine; the table on stdout, the JSON in build/bench/bench.json.
bench: setup
	$(MAKE) all KDIR=/usr/src/linux-headers-$$(testvm/kver)
	testvm/bench
	testvm/bench --linux
	testvm/bench --snapshot

clean:
	@if test -f $(KDIR)/Makefile; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C userspace-ctl clean
	$(MAKE) -C demos clean
	$(MAKE) -C selftests clean
	$(MAKE) -C kmod/x86/test clean
	rm -rf build/testvm/logs
