# coinnet — build, test, demo, bench. `make help` lists the targets.
# Every public target first runs scripts/deps (installs missing Debian
# packages), then re-enters make with the flags pkg-config reports.

SHARED ?= ../shared
BUILD  ?= build
OPT    ?= -O2 -g
SAN    ?=

PUBLIC := all test asan demo bench fuzz
.PHONY: $(PUBLIC) clean help

ifndef CN_DEPS_DONE
$(PUBLIC):
	@scripts/deps $(if $(filter test asan,$@),browser)
	@$(MAKE) --no-print-directory CN_DEPS_DONE=1 $@
else

PKGS    := igraph gsl lapacke openblas sqlite3 cairo xlsxwriter
PKG_CF  := $(shell pkg-config --cflags $(PKGS))
PKG_LD  := $(shell pkg-config --libs $(PKGS)) -lreadstat
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

$(BUILD)/libcoinnet.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

# The demo's study script and labels, carried inside the binary.
$(BUILD)/gen/embed.c: examples/paper-collab-dvar.cn examples/labels.csv scripts/embed
	@mkdir -p $(dir $@)
	@scripts/embed $@ cn_demo_script=examples/paper-collab-dvar.cn cn_demo_labels=examples/labels.csv

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
test: $(BUILD)/coinnet $(BUILD)/test-runner
	@$(BUILD)/test-runner --bin $(BUILD)/coinnet --shared $(SHARED) \
	  --cases tests/cli --data tests/data $(if $(REDO),--redo)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(MAKE) --no-print-directory CN_DEPS_DONE=1 BUILD=build-asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  test

demo: $(BUILD)/coinnet
	@scripts/demo $(BUILD)/coinnet $(SHARED)

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
	  clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	    -Iinclude $(PKG_CF) -o build-fuzz/$$n $$f $(LIB_SRC) $(PKG_LD) -fopenmp -lm || exit 1; \
	  mkdir -p build-fuzz/corpus/$$n; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build-fuzz/corpus/$$n tests/fuzz/$$n \
	    2>build-fuzz/$$n.log || { tail -40 build-fuzz/$$n.log; exit 1; }; \
	  grep -E '^Done|#[0-9]+.*DONE' build-fuzz/$$n.log | tail -1; done

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
endif

clean:
	rm -rf build build-asan build-fuzz

help:
	@echo "make         build the library and build/coinnet"
	@echo "make test    unit tests + CLI golden cases (REDO=1 rewrites goldens)"
	@echo "make asan    the same suite under ASan + UBSan"
	@echo "make demo    run the main job on built-in data"
	@echo "make bench   benchmarks against peer tools"
	@echo "make fuzz    fuzz every parser (FUZZ_SECONDS each)"
