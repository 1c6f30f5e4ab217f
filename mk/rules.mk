# Generic rules and helpers for component fragments.
#
# Objects: $(OBJ)/<source path>.o from <source path>.c, with header dependency
# tracking (-MMD). Give a directory extra include paths with a target-specific
# variable, e.g.:  $(OBJ)/vmgs-tools/%.o: CPPFLAGS += -Ivmgs-tools/include

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(DEPFLAGS) -c $< -o $@

# $(call unit_test,NAME,OBJECTS,LDLIBS)
# Builds $(BUILD)/tests/unit/NAME linked with cmocka and registers it for
# `make unit`. A unit test binary is a cmocka program; the harness runs it with
# TAP output and counts each test case.
define unit_test
UNIT_TESTS += $(BUILD)/tests/unit/$(1)
$(BUILD)/tests/unit/$(1): $(2)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$^ -o $$@ $$(LDFLAGS) $(3) -lcmocka
endef

# $(call fuzz_target,NAME,SOURCES,CPPFLAGS,LDLIBS)
# Builds $(BUILD)/fuzz/NAME with clang's libFuzzer. Its seed corpus lives in
# tests/fuzz/corpus/NAME/ (committed); `make check` runs it briefly.
define fuzz_target
FUZZ_TARGETS += $(BUILD)/fuzz/$(1)
$(BUILD)/fuzz/$(1): $(2)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $(3) $$^ -o $$@ $(4)
endef

# $(call bench,NAME,COMMAND[,PREREQUISITES])
# Registers `make bench-NAME`, which builds PREREQUISITES (default: all) and
# runs COMMAND; COMMAND prints BENCH lines.
define bench
BENCHES += $(1)
.PHONY: bench-$(1)
bench-$(1): $(if $(3),$(3),all)
	$(2)
endef
