# mantle-verify: the relying party's offline attestation verifier.
# libmantle-verify (verifier/lib) + the CLI (verifier/cli).

MV_LIB_SRCS := $(wildcard verifier/lib/*.c)
MV_LIB_OBJS := $(MV_LIB_SRCS:%.c=$(OBJ)/%.o)
MV_LIB := $(BUILD)/lib/libmantle-verify.a
MV_CLI_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(wildcard verifier/cli/*.c))
MV_LDLIBS := -ljansson -lcrypto

$(OBJ)/verifier/%.o: CPPFLAGS += -Iverifier/lib -Iverifier/cli
$(OBJ)/tests/unit/verifier/%.o: CPPFLAGS += -Iverifier/lib
$(OBJ)/tests/bench/%.o: CPPFLAGS += -Iverifier/lib

$(MV_LIB): $(MV_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BIN)/mantle-verify: $(MV_CLI_OBJS) $(MV_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(MV_LDLIBS)

ALL_TARGETS += $(BIN)/mantle-verify

# Unit tests: one binary per module under test.
MV_TEST_COMMON := $(OBJ)/tests/unit/verifier/testdata.o
define mv_unit
$(call unit_test,verifier_$(1),$(OBJ)/tests/unit/verifier/test_$(1).o \
	$(MV_TEST_COMMON) $(MV_LIB),$(MV_LDLIBS))
endef
MV_UNITS := $(patsubst tests/unit/verifier/test_%.c,%,\
	$(wildcard tests/unit/verifier/test_*.c))
$(foreach u,$(MV_UNITS),$(eval $(call mv_unit,$(u))))

# Sample matrix (no VM needed).
INTEGRATION_TESTS += $(wildcard tests/integration/verify_*.sh)

# Fuzz targets: each parser, built from the library sources with clang.
define mv_fuzz
$(call fuzz_target,verify_$(1),tests/fuzz/verifier/fuzz_$(1).c \
	$(MV_LIB_SRCS),-Iverifier/lib,$(MV_LDLIBS))
endef
MV_FUZZ := $(patsubst tests/fuzz/verifier/fuzz_%.c,%,\
	$(wildcard tests/fuzz/verifier/fuzz_*.c))
$(foreach f,$(MV_FUZZ),$(eval $(call mv_fuzz,$(f))))

# make bench-verify: SNP verifications/s/core vs raw ECDSA-P384 verify/s.
$(BUILD)/bench/verify_snp: $(OBJ)/tests/bench/verify_snp.o $(MV_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(MV_LDLIBS)
$(eval $(call bench,verify,$(BUILD)/bench/verify_snp,$(BUILD)/bench/verify_snp))
