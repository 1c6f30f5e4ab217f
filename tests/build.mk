# Project-wide tests that belong to no single component.
INTEGRATION_TESTS += tests/integration/guest_image_boots.sh

# common/include: the shared byte-order and cursor helpers.
$(eval $(call unit_test,common_bytes,$(OBJ)/tests/unit/common/test_bytes.o,))

# Pipe test tools (issue 12): pipe-peer, the host end (listens where
# `mantle run --pipe` connects), and pipe-probe, the guest end (static, put
# only into test and bench guest images). Both share tests/tools/pipe_stream.h.
TEST_TOOLS := $(BUILD)/test-tools/pipe-peer $(BUILD)/test-tools/pipe-probe
ALL_TARGETS += $(TEST_TOOLS)
$(BUILD)/test-tools/pipe-peer: tests/tools/pipe_peer.c tests/tools/pipe_stream.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -D_GNU_SOURCE $< -o $@ $(LDFLAGS)
$(BUILD)/test-tools/pipe-probe: tests/tools/pipe_probe.c tests/tools/pipe_stream.h
	@mkdir -p $(@D)
	$(CC) $(GUEST_TOOL_CFLAGS) -D_GNU_SOURCE -static-pie $< -o $@ \
		-Wl,-z,relro,-z,now

# io-hammer: a test-only guest tool (static, like the guest tools) that hammers
# a port nobody emulates (paravisor_boot.sh). Never in the product image.
ALL_TARGETS += $(BUILD)/test/guest-tools/io-hammer
$(BUILD)/test/guest-tools/io-hammer: tests/integration/guest-tools/io-hammer.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_TOOL_CFLAGS) -D_GNU_SOURCE -static-pie $< -o $@ \
		-Wl,-z,relro,-z,now
