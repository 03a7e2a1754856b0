# shiplog - build, test, install.  See README.md.
#   make                 build bin/shiplog-{ingest,analyze,report} (those that exist)
#   make check           unit tests (Check) and end-to-end golden tests
#   make SANITIZE=1 check  the same under ASan+UBSan (objects in build-san/)
#   make DEVELOPER=1     warnings are errors
#   make bench           performance measurements (never part of check)
#   make install PREFIX=/usr/local DESTDIR=
.SUFFIXES:

PREFIX ?= /usr/local
BINDIR_INSTALL = $(PREFIX)/bin
CC ?= cc
PKG_CONFIG ?= pkg-config

PKGS = zlib msgpack jansson libxxhash gsl
# A package pkg-config cannot find stops the build here, named (else the
# compiler would fail later on a missing header, far from the cause);
# `make clean` needs none.  Check is only the unit tests' (their objects' rule).
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
PKG_MISSING := $(strip $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) 2>/dev/null && echo y),,$(p))))
ifneq ($(PKG_MISSING),)
$(error pkg-config ($(PKG_CONFIG)) finds no package $(PKG_MISSING): install it (scripts/install-deps.sh) or set PKG_CONFIG_PATH)
endif
endif
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
# ISA-L's igzip inflates about 3x faster than zlib; zlib stays the fallback.
# Which one is said once a build (by the make run, not its sub-makes).
ISAL := $(shell $(PKG_CONFIG) --exists libisal 2>/dev/null && echo 1)
ifeq ($(ISAL),1)
PKG_CFLAGS += -DSL_HAVE_ISAL $(shell $(PKG_CONFIG) --cflags libisal)
PKG_LIBS += $(shell $(PKG_CONFIG) --libs libisal)
INFLATE = ISA-L
else
INFLATE = zlib (libisal not found)
endif
ifeq ($(MAKELEVEL),0)
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
$(info inflate: $(INFLATE))
endif
endif

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla \
       -Wmissing-prototypes
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
# Build lines: "  CC  build/lib/sl_store.o" by default, the whole command
# with V=1 (as kernel and git builds do), none with make -s.
ifeq ($(V),1)
say =
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
say = @
else
say = @printf '  %-3s %s\n' $(1) $(2);
endif
OPT = -O2 -g
ifeq ($(SANITIZE),1)
OPT = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
B = build-san
else ifeq ($(SANITIZE),thread)
OPT = -O1 -g -fsanitize=thread -fno-omit-frame-pointer
B = build-tsan
else ifeq ($(FUZZ),1)
OPT = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
B = build-fuzz
else
B = build
endif
SL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -pthread -Ilib $(PKG_CFLAGS)
SL_LDFLAGS = $(OPT) -pthread
LIBS = $(PKG_LIBS) -lcsv -lm

# Binaries go to bin/ (normal build) or build-san/bin/ (sanitizer build).
ifneq ($(SANITIZE)$(FUZZ),)
BIN = $(B)/bin
else
BIN = bin
endif

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
LIB_A = $(B)/libshiplog.a

INGEST_SRC = $(wildcard ingest/*.c)
ANALYZE_SRC = $(wildcard analyze/*.c)
REPORT_SRC = $(wildcard report/*.c)
GEN_SRC = $(wildcard scripts/gen/*.c)
UNIT_SRC = $(wildcard tests/unit/*.c)

PROGS = $(BIN)/shiplog-ingest
ifneq ($(ANALYZE_SRC),)
PROGS += $(BIN)/shiplog-analyze
endif
ifneq ($(REPORT_SRC),)
PROGS += $(BIN)/shiplog-report
endif
ifneq ($(GEN_SRC),)
TOOLS = $(BIN)/shiplog-gen
endif

all: $(PROGS) $(TOOLS) $(BIN)/shiplog-nightly

# The nightly job is a shell script: bin/ holds a copy beside the stages it
# runs (it looks for them in its own directory first), as the README shows.
$(BIN)/shiplog-nightly: scripts/shiplog-nightly
	@mkdir -p $(dir $@)
	$(call say,CP,$@)cp scripts/shiplog-nightly $@ && chmod 755 $@

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(SL_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $(LIB_OBJ)

$(BIN)/shiplog-ingest: $(INGEST_SRC:%.c=$(B)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/shiplog-analyze: $(ANALYZE_SRC:%.c=$(B)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/shiplog-report: $(REPORT_SRC:%.c=$(B)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/shiplog-gen: $(GEN_SRC:%.c=$(B)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Test hooks (SL_TEST_HOOKS): the kill test's SHIPLOG_CRASH_AT of
# lib/sl_store.c and the fuzz harness's checksum switch of lib/sl_colfile.c
# are compiled only into a library of their own, $(B)/hooks/, that the
# crash tests and the fuzz harnesses link; bin/ never has them.
HOOK_SRC = lib/sl_store.c lib/sl_colfile.c
HOOK_OBJ = $(HOOK_SRC:%.c=$(B)/hooks/%.o)
HOOK_A = $(B)/hooks/libshiplog.a
HOOK_BIN = $(B)/hooks/bin

$(B)/hooks/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(SL_CFLAGS) -DSL_TEST_HOOKS $(CFLAGS) -MMD -MP -c -o $@ $<

$(HOOK_A): $(filter-out $(HOOK_SRC:%.c=$(B)/%.o),$(LIB_OBJ)) $(HOOK_OBJ)
	@rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $^

$(HOOK_BIN)/shiplog-ingest: $(INGEST_SRC:%.c=$(B)/%.o) $(HOOK_A)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(HOOK_BIN)/shiplog-gen: $(GEN_SRC:%.c=$(B)/%.o) $(HOOK_A)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests: every tests/unit/test_NAME.c defines `Suite *suite_NAME(void)`;
# the list of suites is generated so adding a file is all it takes.
$(B)/tests/unit/suites.h: $(UNIT_SRC)
	@mkdir -p $(dir $@)
	@for f in $(filter tests/unit/test_%.c,$(UNIT_SRC)); do \
		n=$${f#tests/unit/test_}; echo "SUITE($${n%.c})"; done > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(B)/tests/unit/runner.o: $(B)/tests/unit/suites.h
$(B)/tests/unit/%.o: tests/unit/%.c
	@$(PKG_CONFIG) --exists check || { echo "pkg-config ($(PKG_CONFIG)) finds no package check: the unit tests need it (scripts/install-deps.sh)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(SL_CFLAGS) $(CHECK_CFLAGS) -Iingest -Ianalyze -Ireport -I$(B)/tests/unit $(CFLAGS) -MMD -MP -c -o $@ $<

# The unit tests also reach ingest's status-update log and metadata fast path, and the analyses (every analyze/ object but main).
ANALYZE_TESTED = $(filter-out $(B)/analyze/main.o,$(ANALYZE_SRC:%.c=$(B)/%.o))

# And the report's output, chart, page and mail modules (cli.o would clash with
# analyze's cli_parse).
REPORT_TESTED = $(if $(REPORT_SRC),$(filter-out $(B)/report/main.o $(B)/report/cli.o,$(REPORT_SRC:%.c=$(B)/%.o)))

$(B)/tests/unit-runner: $(UNIT_SRC:%.c=$(B)/%.o) $(B)/ingest/deplog.o $(B)/ingest/jcanon.o $(ANALYZE_TESTED) $(REPORT_TESTED) $(LIB_A)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)

# Fuzz harnesses (tests/fuzz/fuzz_NAME.c): `make check` replays each over
# its regression corpus tests/fuzz/corpus/NAME/ with the plain driver
# replay.c; `make fuzz` runs them under libFuzzer (clang) for FUZZ_TIME s.
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
INGEST_TESTED = $(filter-out $(B)/ingest/main.o $(B)/ingest/cli.o,$(INGEST_SRC:%.c=$(B)/%.o))
FUZZ_LINK = $(B)/tests/fuzz/util.o $(B)/tests/fuzz/glue.o $(INGEST_TESTED) $(ANALYZE_TESTED) $(HOOK_A)

$(B)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(SL_CFLAGS) -DSL_TEST_HOOKS -Iingest -Ianalyze $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/fuzz/replay-%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(FUZZ_LINK)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# libFuzzer binaries (make FUZZ=1 CC=clang, as tests/fuzz/run.sh does)
$(B)/fuzz/fuzz-%: $(B)/tests/fuzz/fuzz_%.o $(FUZZ_LINK)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LIBS)

# The harnesses' objects are kept (make would delete them as intermediate
# files and rebuild them every run).
.SECONDARY: $(FUZZ_NAMES:%=$(B)/tests/fuzz/fuzz_%.o) $(B)/tests/fuzz/replay.o \
	$(B)/tests/fuzz/util.o $(B)/tests/fuzz/glue.o

# Every harness replays its corpus, a failed one does not stop the others;
# a missing or empty corpus fails (replay.c).
replay: $(FUZZ_NAMES:%=$(B)/fuzz/replay-%)
	@st=0; for n in $(FUZZ_NAMES); do \
		$(TALLY) replay -- $(B)/fuzz/replay-$$n tests/fuzz/corpus/$$n || st=1; done; \
	exit $$st

# Crash consistency: the kill test and write faults (tests/crash/).
$(B)/tests/faultfs.so: tests/crash/faultfs.c
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) -std=c11 -D_GNU_SOURCE -O2 -fPIC -shared -o $@ $< -ldl

# The kill test runs the binaries with the test hooks.
crash: all $(B)/tests/faultfs.so $(HOOK_BIN)/shiplog-ingest $(HOOK_BIN)/shiplog-gen
	@st=0; BIN=$(CURDIR)/$(HOOK_BIN) $(TALLY) crash -- sh tests/crash/kill.sh || st=1; \
	BIN=$(CURDIR)/$(BIN) FAULTFS=$(B)/tests/faultfs.so $(TALLY) crash -- \
		sh tests/crash/faults.sh || st=1; exit $$st

# The long version: every commit step, a bigger store, more timed kills.
check-crash: all $(B)/tests/faultfs.so $(HOOK_BIN)/shiplog-ingest $(HOOK_BIN)/shiplog-gen
	BIN=$(CURDIR)/$(HOOK_BIN) sh tests/crash/kill.sh 20000 10 all
	BIN=$(CURDIR)/$(BIN) FAULTFS=$(B)/tests/faultfs.so sh tests/crash/faults.sh

# Mutation testing: each one-line mutation of tests/mutants/list applied to
# a copy of the tree (MUT_DIR), built, and its tests run; prints the score
# and every survivor (slow; never part of make check).
mutants:
	sh tests/mutants/run.sh

FUZZ_TIME ?= 60
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_NAMES)

# Every part runs, even after one failed, and each records its counts in
# $(B)/check-results (tests/tally.sh); the last line is the verdict of the
# whole run, "check: N passed, N failed" (unit checks, e2e cases, corpus
# replays, crash tests, tests/build/run.sh's checks of the build itself),
# and make check fails when anything did.  A part
# that stops before counting (a build error) counts as one failure.
TALLY = sh $(CURDIR)/tests/tally.sh
CHECK_PARTS = unit e2e replay crash build-test
CHECK_FILE = $(CURDIR)/$(B)/check-results
check:
	@mkdir -p $(dir $(CHECK_FILE)); : >$(CHECK_FILE)
	@for part in $(CHECK_PARTS); do \
		CHECK_RESULTS=$(CHECK_FILE) $(MAKE) --no-print-directory $$part || \
		grep -q "^$$part " $(CHECK_FILE) || echo "$$part 0 1" >>$(CHECK_FILE); \
	done; $(TALLY) --summary $(CHECK_FILE)

# The build itself: make check's verdict, kept objects, the Makefile's
# hygiene (tests/build/run.sh); the bench programs are built, so that an
# interface they use cannot change under them unseen.
build-test: all $(B)/bench-ols $(B)/bench/mlbench
	@MAKE="$(MAKE)" B=$(B) BIN=$(CURDIR)/$(BIN) $(TALLY) build -- sh tests/build/run.sh

# The end-to-end tests under valgrind (slow; not part of check).
check-valgrind: all
	BIN=$(CURDIR)/$(BIN) sh tests/valgrind.sh

# The ingest's threads under ThreadSanitizer (its own build in build-tsan/).
check-threads:
	$(MAKE) SANITIZE=thread build-tsan/bin/shiplog-ingest build-tsan/bin/shiplog-gen \
		build-tsan/bin/shiplog-analyze
	BIN=$(CURDIR)/build-tsan/bin sh tests/threads/run.sh

unit: $(B)/tests/unit-runner
	cd tests/unit && CK_FORK=yes CK_DEFAULT_TIMEOUT=120 $(TALLY) unit -- ../../$(B)/tests/unit-runner

e2e: all
	BIN=$(CURDIR)/$(BIN) $(TALLY) e2e -- sh tests/e2e/run.sh

# Regenerate the e2e golden files after an intended change; review the diff.
golden: all
	BIN=$(CURDIR)/$(BIN) UPDATE=1 sh tests/e2e/run.sh

# The build is silent here (its warnings and errors still show; V=1 shows
# every command), so that what the demo prints is the pipeline's output.
demo:
	@echo "== build bin/ (make V=1 demo shows the commands)"
	@$(MAKE) --no-print-directory $(if $(filter 1,$(V)),,-s) all
	@BIN=$(BIN) sh scripts/demo.sh

# shiplog's flow on a one-node Slurm cluster started under a temporary
# directory (tests/slurm/run.sh; skipped without slurmctld, except in CI).
check-slurm: all
	BIN=$(CURDIR)/$(BIN) sh tests/slurm/run.sh

# Renders the sample's report and a 7-day window's in headless Chromium at
# 1280 and 500 px: no element wider than its container, no text under 9 px,
# no blank screenshot (skips without Chromium, fails then when CI=true).
check-browser: all
	BIN=$(BIN) sh scripts/check-browser.sh

# The least-squares fit next to gsl_multifit_linear (and numpy in bench.sh).
$(B)/bench-ols: $(B)/scripts/bench/ols.o $(LIB_A)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The isolation forest and DBSCAN timed on a store's feature matrix.
$(B)/bench/mlbench: $(B)/tests/bench/mlbench.o $(ANALYZE_TESTED) $(LIB_A)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(SL_CFLAGS) -Ianalyze $(CFLAGS) -MMD -MP -c -o $@ $<

bench: all $(B)/bench-ols $(B)/bench/mlbench
	sh scripts/bench.sh

# Regenerates data/sample/ (SAMPLE_DIR) from the generator's seed, byte
# for byte as committed (data/sample/README.md).
SAMPLE_DIR = data/sample
sample: $(BIN)/shiplog-gen
	BIN=$(BIN) sh scripts/make-sample.sh $(SAMPLE_DIR)

install: $(PROGS)
	mkdir -p $(DESTDIR)$(BINDIR_INSTALL)
	for p in $(PROGS); do cp $$p $(DESTDIR)$(BINDIR_INSTALL)/; done
	cp scripts/shiplog-nightly $(DESTDIR)$(BINDIR_INSTALL)/
	chmod 755 $(DESTDIR)$(BINDIR_INSTALL)/shiplog-nightly

clean:
	rm -rf build build-san build-tsan build-fuzz bin out

.PHONY: all check unit e2e replay crash build-test check-crash check-valgrind check-threads check-browser check-slurm fuzz mutants golden \
	demo bench sample install clean

-include $(LIB_OBJ:.o=.d) $(wildcard $(B)/hooks/lib/*.d $(B)/ingest/*.d $(B)/scripts/gen/*.d $(B)/scripts/bench/*.d $(B)/tests/bench/*.d $(B)/tests/unit/*.d $(B)/tests/fuzz/*.d $(B)/analyze/*.d $(B)/report/*.d)
