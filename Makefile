# coinnet — build, test, demo, bench, install. `make help` lists the targets.
# Every public target first runs scripts/deps (installs missing Debian
# packages), then re-enters make on every core (unless -j was given) with
# the flags pkg-config reports.

BUILD  ?= build
OPT    ?= -O2 -g
SAN    ?=
PREFIX ?= /usr/local
DESTDIR ?=
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

# Where the installed binary finds its data (docs/data.md), and the source
# tree's data folder, which a binary run from the tree falls back to.
DATADIR := $(PREFIX)/share/coinnet
SRCDATA := $(CURDIR)/data

# What `make install` puts under $(DESTDIR)$(PREFIX); uninstall removes
# exactly these files, then the folders of ours that are left empty.
BINDIR  := $(PREFIX)/bin
LIBDIR  := $(PREFIX)/lib
INCDIR  := $(PREFIX)/include
MANDIR  := $(PREFIX)/share/man/man1
PCDIR   := $(LIBDIR)/pkgconfig
HEADERS := include/coinnet.h $(sort $(wildcard include/coinnet/*.h))
DATA_FILES := $(sort $(shell find data -type f 2>/dev/null))

PUBLIC := all test asan demo bench fuzz install
.PHONY: $(PUBLIC) uninstall clean help

ifndef CN_DEPS_DONE
# -j given on the command line shows in MAKEFLAGS when the recipe runs.
JFLAG = $(if $(findstring -j,$(MAKEFLAGS))$(findstring jobserver,$(MAKEFLAGS)),,-j$(JOBS))
$(PUBLIC):
	@scripts/deps $(if $(filter test asan,$@),browser)
	@$(MAKE) --no-print-directory $(JFLAG) CN_DEPS_DONE=1 $@
else

PKGS    := igraph gsl lapacke openblas sqlite3 cairo xlsxwriter
PKG_CF  := $(shell pkg-config --cflags $(PKGS))
PKG_LD  := $(shell pkg-config --libs $(PKGS)) -lreadstat -lglpk
CFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(OPT) -fopenmp -ffp-contract=off \
           -Iinclude $(PKG_CF) $(SAN) -MMD -MP
LDLIBS  := -Wl,--as-needed $(PKG_LD) -fopenmp -lm $(SAN)

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC:= $(sort $(wildcard bench/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

all: $(BUILD)/coinnet

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -c $< -o $@

# The data paths compiled into the CLI; rewritten only when they change, so
# that a new PREFIX rebuilds just cli/common.o.
$(BUILD)/gen/paths.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define CN_DATADIR "%s"\n#define CN_SRCDATA "%s"\n' '$(DATADIR)' '$(SRCDATA)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/cli/common.o: cli/common.c $(BUILD)/gen/paths.h
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -I$(BUILD)/gen -c $< -o $@

FORCE:

$(BUILD)/libcoinnet.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

# The demo's study script and labels, carried inside the binary.
$(BUILD)/gen/embed.c: examples/paper-collab-dvar.cn examples/rd-network.cn examples/labels.csv scripts/embed
	@mkdir -p $(dir $@)
	@scripts/embed $@ cn_demo_script=examples/paper-collab-dvar.cn cn_demo_rdnet=examples/rd-network.cn \
	  cn_demo_labels=examples/labels.csv

$(BUILD)/gen/embed.o: $(BUILD)/gen/embed.c
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/coinnet: $(CLI_OBJ) $(BUILD)/gen/embed.o $(BUILD)/libcoinnet.a
	@echo "  LD  $@"
	@$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/gen/embed.o $(BUILD)/libcoinnet.a $(LDLIBS)

$(BUILD)/test-runner: $(TEST_OBJ) $(BUILD)/libcoinnet.a
	@echo "  LD  $@"
	@$(CC) $(CFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libcoinnet.a $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libcoinnet.a
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libcoinnet.a $(LDLIBS)

# The suite: C unit tests and CLI golden cases; the last line reads
# "N passed, N failed". REDO=1 rewrites the golden outputs for review.
# Inside the fresh-clone test (CN_FRESH_CLONE set) that case itself is
# skipped, so that it does not clone again.
test: $(BUILD)/coinnet $(BUILD)/test-runner
	@$(BUILD)/test-runner --bin $(BUILD)/coinnet --root . \
	  --cases tests/cli --data tests/data $(if $(REDO),--redo) \
	  $(if $(CN_FRESH_CLONE),--skip install/fresh-clone)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(MAKE) --no-print-directory CN_DEPS_DONE=1 BUILD=build-asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  test

demo: $(BUILD)/coinnet
	@scripts/demo $(BUILD)/coinnet data

# The man page is the help text itself (coinnet help --man).
$(BUILD)/coinnet.1: $(BUILD)/coinnet
	@$(BUILD)/coinnet help --man > $@.tmp && mv $@.tmp $@

$(BUILD)/coinnet.pc: Makefile
	@mkdir -p $(dir $@)
	@{ echo 'prefix=$(PREFIX)'; echo 'libdir=$${prefix}/lib'; \
	  echo 'includedir=$${prefix}/include'; echo 'datadir=$${prefix}/share/coinnet'; echo; \
	  echo 'Name: coinnet'; \
	  echo 'Description: networks, value-chain measures and panel econometrics for applied economists'; \
	  echo "Version: $$(sed -n 's/.*CN_VERSION "\(.*\)".*/\1/p' lib/base/init.c)"; \
	  echo 'Requires: $(PKGS)'; \
	  echo 'Cflags: -I$${includedir}'; \
	  echo 'Libs: -L$${libdir} -lcoinnet -lreadstat -fopenmp -lm'; } > $@

install: $(BUILD)/coinnet $(BUILD)/libcoinnet.a $(BUILD)/coinnet.1 $(BUILD)/coinnet.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/coinnet \
	  $(DESTDIR)$(MANDIR) $(DESTDIR)$(PCDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(BUILD)/coinnet $(DESTDIR)$(BINDIR)/coinnet
	install -m 644 $(BUILD)/libcoinnet.a $(DESTDIR)$(LIBDIR)/libcoinnet.a
	install -m 644 include/coinnet.h $(DESTDIR)$(INCDIR)/coinnet.h
	install -m 644 $(filter include/coinnet/%,$(HEADERS)) $(DESTDIR)$(INCDIR)/coinnet/
	install -m 644 $(BUILD)/coinnet.1 $(DESTDIR)$(MANDIR)/coinnet.1
	install -m 644 $(BUILD)/coinnet.pc $(DESTDIR)$(PCDIR)/coinnet.pc
	@for f in $(DATA_FILES); do d=$(DESTDIR)$(DATADIR)/$${f#data/}; \
	  install -d "$${d%/*}" && install -m 644 "$$f" "$$d" || exit 1; done
	@echo "installed coinnet in $(DESTDIR)$(PREFIX)"

bench: $(BUILD)/coinnet $(BENCH_SRC:%.c=$(BUILD)/%)
	@scripts/deps bench
	@for b in bench/*.sh; do echo "== $$b"; BUILD=$(BUILD) sh $$b || exit 1; done

# Fuzz every parser with libFuzzer (clang) for FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps fuzz
	@mkdir -p build-fuzz/corpus
	@for f in fuzz/*.c; do n=$$(basename $$f .c); \
	  echo "== fuzz $$n ($(FUZZ_SECONDS) s)"; \
	  clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -Iinclude $(PKG_CF) -o build-fuzz/$$n $$f $(LIB_SRC) $(PKG_LD) -fopenmp -lm || exit 1; \
	  mkdir -p build-fuzz/corpus/$$n; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build-fuzz/corpus/$$n tests/fuzz/$$n \
	    2>build-fuzz/$$n.log || { tail -40 build-fuzz/$$n.log; exit 1; }; \
	  grep -E '^Done|#[0-9]+.*DONE' build-fuzz/$$n.log | tail -1; done

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
endif

# Needs no build: it removes what install wrote, from the same lists.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/coinnet $(DESTDIR)$(LIBDIR)/libcoinnet.a \
	  $(DESTDIR)$(INCDIR)/coinnet.h $(patsubst include/%,$(DESTDIR)$(INCDIR)/%,$(filter include/coinnet/%,$(HEADERS))) \
	  $(DESTDIR)$(MANDIR)/coinnet.1 $(DESTDIR)$(PCDIR)/coinnet.pc \
	  $(patsubst data/%,$(DESTDIR)$(DATADIR)/%,$(DATA_FILES))
	@for d in $$(cd data 2>/dev/null && find . -depth -type d); do \
	  rmdir "$(DESTDIR)$(DATADIR)/$${d#./}" 2>/dev/null || true; done
	@rmdir $(DESTDIR)$(DATADIR) $(DESTDIR)$(INCDIR)/coinnet 2>/dev/null || true

clean:
	rm -rf build build-asan build-fuzz

help:
	@echo "make         build the library and build/coinnet"
	@echo "make test    unit tests + CLI golden cases (REDO=1 rewrites goldens)"
	@echo "make asan    the same suite under ASan + UBSan"
	@echo "make demo    run the main job on built-in data"
	@echo "make bench   benchmarks against peer tools"
	@echo "make fuzz    fuzz every parser (FUZZ_SECONDS each)"
	@echo "make install PREFIX=/usr/local [DESTDIR=...]   binary, library, headers,"
	@echo "             coinnet.pc, man page and data; make uninstall removes them"
