# hostif: the host<->paravisor control channel (SPEC.md). Two libraries, one
# per side of the trust boundary (README.md):
#   libhostif_pv.a   paravisor (trusted): codec, decoder, client, libvmgs io
#   libhostif_host.a host (untrusted): codec, decoder, server, store, hostile
# Both need $(VMGS_A) -lcrypto -lz at link time. Tests: tests/unit/hostif,
# fuzz targets tests/fuzz/hostif.

HOSTIF_CPPFLAGS := -Ihostif/include -Ivmgs-tools/include
HOSTIF_COMMON := wire msg decoder chan session
HOSTIF_PV_SRCS := $(addprefix hostif/src/,$(addsuffix .c,$(HOSTIF_COMMON) \
	client vmgs_io))
HOSTIF_HOST_SRCS := $(addprefix hostif/src/,$(addsuffix .c,$(HOSTIF_COMMON) \
	server server_pipe store hostile))
HOSTIF_PV_A := $(BUILD)/lib/libhostif_pv.a
HOSTIF_HOST_A := $(BUILD)/lib/libhostif_host.a
HOSTIF_LDLIBS := $(BUILD)/lib/libvmgs.a -lcrypto -lz -lpthread

ALL_TARGETS += $(HOSTIF_PV_A) $(HOSTIF_HOST_A)

$(OBJ)/hostif/%.o: CPPFLAGS += $(HOSTIF_CPPFLAGS)
$(OBJ)/tests/unit/hostif/%.o: CPPFLAGS += $(HOSTIF_CPPFLAGS)

$(HOSTIF_PV_A): $(patsubst %.c,$(OBJ)/%.o,$(HOSTIF_PV_SRCS))
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(HOSTIF_HOST_A): $(patsubst %.c,$(OBJ)/%.o,$(HOSTIF_HOST_SRCS))
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# Tests that need both sides link both libraries (duplicate codec objects
# resolve from the first archive).
HOSTIF_BOTH := $(HOSTIF_PV_A) $(HOSTIF_HOST_A) $(BUILD)/lib/libvmgs.a
$(eval $(call unit_test,hostif_wire,$(OBJ)/tests/unit/hostif/test_wire.o \
	$(HOSTIF_PV_A),-lz))
$(eval $(call unit_test,hostif_hostile,\
	$(OBJ)/tests/unit/hostif/test_hostile.o $(HOSTIF_HOST_A),))
$(eval $(call unit_test,hostif_channel,\
	$(OBJ)/tests/unit/hostif/test_channel.o \
	$(OBJ)/tests/unit/hostif/pair.o $(HOSTIF_BOTH),$(HOSTIF_LDLIBS)))
$(eval $(call unit_test,hostif_vmgs,$(OBJ)/tests/unit/hostif/test_vmgs.o \
	$(OBJ)/tests/unit/hostif/pair.o $(HOSTIF_BOTH),$(HOSTIF_LDLIBS)))

$(eval $(call fuzz_target,hostif_frames,tests/fuzz/hostif/fuzz_frames.c \
	hostif/src/wire.c hostif/src/msg.c hostif/src/decoder.c,-Ihostif/include,-lz))
$(eval $(call fuzz_target,hostif_spec,tests/fuzz/hostif/fuzz_spec.c \
	hostif/src/hostile.c,-Ihostif/include,))
$(eval $(call fuzz_target,hostif_client,tests/fuzz/hostif/fuzz_client.c \
	hostif/src/wire.c hostif/src/msg.c hostif/src/decoder.c \
	hostif/src/chan.c hostif/src/session.c hostif/src/client.c,\
	-Ihostif/include,-lz))

# The host's server fed by a hostile (compromised) paravisor, pipes included.
$(eval $(call fuzz_target,hostif_server,tests/fuzz/hostif/fuzz_server.c \
	$(HOSTIF_HOST_SRCS) $(sort $(wildcard vmgs-tools/lib/*.c)),\
	-D_GNU_SOURCE -Ihostif/include -Ihostif/src -Ivmgs-tools/include,\
	-lcrypto -lz))

# make bench-hostif: channel VMGS reads vs direct file reads; codec vs memcpy.
$(OBJ)/hostif/bench/%.o: CPPFLAGS += -Itests/unit/hostif
$(BUILD)/bench/hostif_bench: $(OBJ)/hostif/bench/hostif_bench.o \
		$(OBJ)/tests/unit/hostif/pair.o $(HOSTIF_BOTH)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(HOSTIF_LDLIBS)
$(eval $(call bench,hostif,$(BUILD)/bench/hostif_bench,\
	$(BUILD)/bench/hostif_bench))
$(eval $(call unit_test,hostif_sp,$(OBJ)/tests/unit/hostif/test_sp.o \
	$(OBJ)/tests/unit/hostif/pair.o $(HOSTIF_BOTH),$(HOSTIF_LDLIBS)))
