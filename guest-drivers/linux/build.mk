# Linux guest side: in-guest tools (static, for the busybox image) and, as
# they arrive, Kbuild modules. KUnit suites run on UML (make kunit).
GUEST_TOOLS := build/guest-tools/mantle-discover build/guest-tools/mantle-memscan
GUEST_IMAGE_DEPS += $(GUEST_TOOLS)
ALL_TARGETS += $(GUEST_TOOLS)

# Guest tools are static binaries for the busybox image: never sanitized (the
# sanitizer runtimes cannot link statically), whatever SAN says. The same
# hardening flags otherwise.
GUEST_TOOL_CFLAGS := $(CSTD) $(OPT) $(WARNINGS) $(HARDEN) -D_FORTIFY_SOURCE=2 $(COMMON_INC) \
	$(EXTRA_CFLAGS)

build/guest-tools/mantle-discover: guest-drivers/linux/tools/mantle-discover.c \
		protocol/include/mantle_discovery.h protocol/include/mantle_types.h
	@mkdir -p $(@D)
	$(CC) $(GUEST_TOOL_CFLAGS) -static-pie $< -o $@ -Wl,-z,relro,-z,now

build/guest-tools/mantle-memscan: guest-drivers/linux/tools/mantle-memscan.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_TOOL_CFLAGS) -D_GNU_SOURCE -static-pie $< -o $@ -Wl,-z,relro,-z,now

# Kbuild modules (guest-drivers/linux/Kbuild), built out of tree against the
# fetched Debian kernel headers by kbuild.sh: the driver pack (mantle_bus.ko,
# mantle_pipe.ko, mantle_notify.ko; /init loads it before rc.d) in build/guest-pack, and the
# test-only modules in build/guest-test-pack (tests add them to the image:
# tests/integration/lib.sh guest_initrd_with_test_pack).
GUEST_KO_DIRS := guest-drivers/linux/include guest-drivers/linux/bus \
	guest-drivers/linux/pipe guest-drivers/linux/notify guest-drivers/linux/test
GUEST_KO_SRCS := $(foreach d,$(GUEST_KO_DIRS),$(wildcard $(d)/*.[ch])) \
	guest-drivers/linux/Kbuild guest-drivers/linux/kbuild.sh \
	$(wildcard protocol/include/*.h protocol/src/*.c) \
	protocol/glue/linux/mantle_ring_glue.h
GUEST_KO_STAMP := build/guest-drivers/kbuild.stamp
$(GUEST_KO_STAMP): $(KERNEL_STAMP) $(GUEST_KO_SRCS)
	@guest-drivers/linux/kbuild.sh $(KERNEL_DIR)/headers \
		build/guest-drivers/kbuild build/guest-pack build/guest-test-pack
	@touch $@
GUEST_IMAGE_DEPS += $(GUEST_KO_STAMP)
ALL_TARGETS += $(GUEST_KO_STAMP)

# Test-only static tools, beside the test modules (lib.sh installs them in
# /usr/bin of test images only).
GUEST_TEST_TOOLS := build/guest-test-pack/bin/mantle-pipe-test
ALL_TARGETS += $(GUEST_TEST_TOOLS)
build/guest-test-pack/bin/mantle-pipe-test: guest-drivers/linux/test/mantle-pipe-test.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_TOOL_CFLAGS) -D_GNU_SOURCE -static-pie $< -o $@ -Wl,-z,relro,-z,now

KUNIT_TESTS += guest-drivers/linux/kunit/run-kunit.sh
# One nested boot each: the bus under a hostile guest (sysfs, faults counted
# by the paravisor, version refusal, broken control ring) and
# pipes end to end (8 MiB each way, EOF, reload, power-off flush).
INTEGRATION_TESTS += tests/integration/pvbus_hostile.sh \
	tests/integration/pvbus_pipe.sh
