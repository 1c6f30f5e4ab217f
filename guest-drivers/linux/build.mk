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

KUNIT_TESTS += guest-drivers/linux/kunit/run-kunit.sh
