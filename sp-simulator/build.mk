# sp-simulator/: mantle-sp, the simulated secure processor of the `nested`
# platform (README.md, SPEC.md). It links the SNP guest message code
# (paravisor/snp) and the launch measurement (paravisor/measure), so it
# speaks the paravisor's bytes and measures as `mantle measure` does.
SP_DIR := sp-simulator
SP_SRCS := sp_log.c sp_state.c sp_kdf.c sp_x509.c sp_chip.c sp_launch.c \
	sp_report.c sp_guest.c sp_certs.c sp_dispatch.c sp_ipc.c
SP_LIB_OBJS := $(addprefix $(OBJ)/$(SP_DIR)/,$(SP_SRCS:.c=.o)) \
	$(SNP_MSG_OBJS) $(OBJ)/paravisor/snp/snp_certs.o $(MEASURE_OBJS)
SP_CPPFLAGS := -I$(SP_DIR) $(SNP_CPPFLAGS) -Iparavisor/measure
SP_LDLIBS := -lcrypto

$(OBJ)/$(SP_DIR)/%.o: CPPFLAGS += $(SP_CPPFLAGS)
$(OBJ)/tests/unit/sp/%.o: CPPFLAGS += $(SP_CPPFLAGS)
$(OBJ)/tests/bench/sp_%.o: CPPFLAGS += $(SP_CPPFLAGS)
$(OBJ)/tests/tools/sp_%.o: CPPFLAGS += $(SP_CPPFLAGS)

ALL_TARGETS += $(BIN)/mantle-sp
$(BIN)/mantle-sp: $(OBJ)/$(SP_DIR)/main.o $(SP_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(SP_LDLIBS)

# sp-client (tests/tools/sp_client.c): plays mantle and the paravisor
# against a real mantle-sp, no boot (tests/integration/sp_verify.sh).
ALL_TARGETS += $(BUILD)/test-tools/sp-client
$(BUILD)/test-tools/sp-client: $(OBJ)/tests/tools/sp_client.o $(SNP_MSG_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) -lcrypto

# Unit tests (tests/unit/sp): each links the simulator's library objects
# and the shared fixture.
SP_TEST_OBJS := $(OBJ)/tests/unit/sp/sp_fixture.o $(SP_LIB_OBJS)
define sp_unit
$(call unit_test,sp_$(1),$(OBJ)/tests/unit/sp/test_sp_$(1).o \
	$(SP_TEST_OBJS),$(SP_LDLIBS))
endef
SP_UNITS := $(patsubst tests/unit/sp/test_sp_%.c,%,\
	$(wildcard tests/unit/sp/test_sp_*.c))
$(foreach u,$(SP_UNITS),$(eval $(call sp_unit,$(u))))

INTEGRATION_TESTS += tests/integration/sp_verify.sh

# Fuzz target: the request parsing, fed in-process (tests/fuzz/sp).
$(eval $(call fuzz_target,sp_ipc,tests/fuzz/sp/fuzz_sp_ipc.c \
	$(addprefix $(SP_DIR)/,$(filter-out sp_ipc.c,$(SP_SRCS))) \
	paravisor/snp/snp_msg.c paravisor/snp/snp_certs.c \
	paravisor/measure/measure.c,$(SP_CPPFLAGS),\
	$(SP_LDLIBS)))

# make bench-sp: the simulator's own rates (sp_bench), then the paravisor's
# round trips through the host relay in a booted VM (tests/bench/sp.sh).
$(BUILD)/bench/sp_bench: $(OBJ)/tests/bench/sp_bench.o $(SP_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(SP_LDLIBS)
$(eval $(call bench,sp,@BUILD=$(BUILD) tests/bench/sp.sh,all $(BUILD)/bench/sp_bench))
