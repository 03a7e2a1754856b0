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

PKGS = zlib msgpack jansson libxxhash
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
GSL_CFLAGS := $(shell $(PKG_CONFIG) --cflags gsl 2>/dev/null)
GSL_LIBS := $(shell $(PKG_CONFIG) --libs gsl 2>/dev/null)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
# ISA-L's igzip inflates about 3x faster than zlib; zlib stays the fallback.
ISAL := $(shell $(PKG_CONFIG) --exists libisal 2>/dev/null && echo 1)
ifeq ($(ISAL),1)
PKG_CFLAGS += -DSL_HAVE_ISAL $(shell $(PKG_CONFIG) --cflags libisal)
PKG_LIBS += $(shell $(PKG_CONFIG) --libs libisal)
endif

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla \
       -Wmissing-prototypes
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
OPT = -O2 -g
ifeq ($(SANITIZE),1)
OPT = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
B = build-san
else
B = build
endif
SL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -pthread -Ilib $(PKG_CFLAGS) $(GSL_CFLAGS)
SL_LDFLAGS = $(OPT) -pthread
LIBS = $(PKG_LIBS) -lcsv $(GSL_LIBS) -lm

# Binaries go to bin/ (normal build) or build-san/bin/ (sanitizer build).
ifeq ($(SANITIZE),1)
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

all: $(PROGS) $(TOOLS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SL_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BIN)/shiplog-ingest: $(INGEST_SRC:%.c=$(B)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/shiplog-analyze: $(ANALYZE_SRC:%.c=$(B)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/shiplog-report: $(REPORT_SRC:%.c=$(B)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/shiplog-gen: $(GEN_SRC:%.c=$(B)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests: every tests/unit/test_NAME.c defines `Suite *suite_NAME(void)`;
# the list of suites is generated so adding a file is all it takes.
$(B)/tests/unit/suites.h: $(UNIT_SRC)
	@mkdir -p $(dir $@)
	@for f in $(filter tests/unit/test_%.c,$(UNIT_SRC)); do \
		n=$${f#tests/unit/test_}; echo "SUITE($${n%.c})"; done > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(B)/tests/unit/runner.o: $(B)/tests/unit/suites.h
$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(SL_CFLAGS) $(CHECK_CFLAGS) -Ianalyze -I$(B)/tests/unit $(CFLAGS) -MMD -MP -c -o $@ $<

# The unit tests also reach the analyses (every analyze/ object but main).
ANALYZE_TESTED = $(filter-out $(B)/analyze/main.o,$(ANALYZE_SRC:%.c=$(B)/%.o))

$(B)/tests/unit-runner: $(UNIT_SRC:%.c=$(B)/%.o) $(ANALYZE_TESTED) $(LIB_A)
	$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)

check: unit e2e

unit: $(B)/tests/unit-runner
	cd tests/unit && CK_FORK=yes ../../$(B)/tests/unit-runner

e2e: all
	BIN=$(CURDIR)/$(BIN) sh tests/e2e/run.sh

# Regenerate the e2e golden files after an intended change; review the diff.
golden: all
	BIN=$(CURDIR)/$(BIN) UPDATE=1 sh tests/e2e/run.sh

demo: all
	sh scripts/demo.sh

# The isolation forest and DBSCAN timed on a store's feature matrix.
$(B)/bench/mlbench: $(B)/tests/bench/mlbench.o $(ANALYZE_TESTED) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(SL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(SL_CFLAGS) -Ianalyze $(CFLAGS) -MMD -MP -c -o $@ $<

bench: all $(B)/bench/mlbench
	sh scripts/bench.sh

sample: $(BIN)/shiplog-gen
	sh scripts/make-sample.sh

install: $(PROGS)
	mkdir -p $(DESTDIR)$(BINDIR_INSTALL)
	for p in $(PROGS); do cp $$p $(DESTDIR)$(BINDIR_INSTALL)/; done

clean:
	rm -rf build build-san bin out

.PHONY: all check unit e2e golden demo bench sample install clean

-include $(LIB_OBJ:.o=.d) $(wildcard $(B)/ingest/*.d $(B)/tests/bench/*.d $(B)/scripts/gen/*.d $(B)/tests/unit/*.d $(B)/analyze/*.d $(B)/report/*.d)
