# vmgs-tools: libvmgs (static + shared) and the vmgstool CLI.
# Tests: tests/unit/vmgs, fuzz target tests/fuzz/vmgs, bench tests/bench/vmgs*.

VMGS_LIB_SRCS := $(sort $(wildcard vmgs-tools/lib/*.c))
VMGS_LIB_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(VMGS_LIB_SRCS))
VMGS_LIB_PIC := $(patsubst %.c,$(OBJ)/pic/%.o,$(VMGS_LIB_SRCS))
VMGS_CLI_SRCS := $(sort $(wildcard vmgs-tools/src/*.c))
VMGS_CLI_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(VMGS_CLI_SRCS))
VMGS_A := $(BUILD)/lib/libvmgs.a
VMGS_SO := $(BUILD)/lib/libvmgs.so
VMGS_LDLIBS := -lcrypto -lz
comma := ,

ALL_TARGETS += $(BIN)/vmgstool $(VMGS_A) $(VMGS_SO)

$(OBJ)/vmgs-tools/%.o: CPPFLAGS += -Ivmgs-tools/include
$(OBJ)/tests/unit/vmgs/%.o: CPPFLAGS += -Ivmgs-tools/include -Ivmgs-tools/lib
$(OBJ)/tests/bench/%.o: CPPFLAGS += -Ivmgs-tools/include -Ivmgs-tools/lib

# The shared library needs position-independent (not PIE) objects.
$(OBJ)/pic/vmgs-tools/lib/%.o: vmgs-tools/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -Ivmgs-tools/include $(DEPFLAGS) -c $< -o $@

$(VMGS_A): $(VMGS_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(VMGS_SO): $(VMGS_LIB_PIC) vmgs-tools/lib/libvmgs.map vmgs-tools/build.mk
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libvmgs.so.2 -Wl,-z,relro,-z,now \
		-Wl,--version-script=vmgs-tools/lib/libvmgs.map $(SANFLAGS) \
		$(VMGS_LIB_PIC) -o $@ $(VMGS_LDLIBS)
	ln -sf libvmgs.so $(@D)/libvmgs.so.2

$(BIN)/vmgstool: $(VMGS_CLI_OBJS) $(VMGS_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VMGS_CLI_OBJS) $(VMGS_A) -o $@ $(LDFLAGS) \
		$(VMGS_LDLIBS) -ljansson

VMGS_UNIT := format files crash hostile nvram map
$(foreach t,$(VMGS_UNIT),$(if $(wildcard tests/unit/vmgs/test_$(t).c),\
	$(eval $(call unit_test,vmgs_$(t),$(OBJ)/tests/unit/vmgs/test_$(t).o \
		$(OBJ)/tests/unit/vmgs/helpers.o $(VMGS_A),$(VMGS_LDLIBS)))))

# Linked against the shared library, as the paravisor will be.
$(eval $(call unit_test,vmgs_shared,$(OBJ)/tests/unit/vmgs/test_shared.o \
	$(VMGS_SO),-Wl$(comma)-rpath$(comma)$(abspath $(BUILD)/lib) -ldl))

# The CLI test runs the vmgstool of the same build.
$(eval $(call unit_test,vmgs_cli,$(OBJ)/tests/unit/vmgs/test_cli.o,-ljansson))
$(OBJ)/tests/unit/vmgs/test_cli.o: CPPFLAGS += -DVMGSTOOL='"$(BIN)/vmgstool"'
$(BUILD)/tests/unit/vmgs_cli: | $(BIN)/vmgstool

$(eval $(call fuzz_target,vmgs_open,tests/fuzz/vmgs/fuzz_open.c \
	$(VMGS_LIB_SRCS),-Ivmgs-tools/include,$(VMGS_LDLIBS)))

$(BUILD)/bench/vmgs_bench: $(OBJ)/tests/bench/vmgs_bench.o $(VMGS_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(VMGS_LDLIBS)

# Needs only its own binary (not `make all`).
$(eval $(call bench,vmgs,$(BUILD)/bench/vmgs_bench,$(BUILD)/bench/vmgs_bench))
