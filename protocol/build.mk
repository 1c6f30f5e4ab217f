# protocol: the guest<->paravisor contract. Wire headers (protocol/include),
# the freestanding ring and packet checks (protocol/src), user-space glue
# (protocol/glue/user) in libmantle_protocol.a, and the checks that every
# header compiles alone with gcc, mingw-w64 and inside the kernel build.
# Tests: tests/unit/protocol, fuzz target tests/fuzz/protocol, bench
# tests/bench/ring_bench.c (make bench-ring).

PROTO_HDRS := $(sort $(wildcard protocol/include/*.h))
PROTO_SRCS := $(sort $(wildcard protocol/src/*.c))
PROTO_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(PROTO_SRCS))
PROTO_A := $(BUILD)/lib/libmantle_protocol.a
# Other components link $(PROTO_A) and compile with $(PROTO_CPPFLAGS).
PROTO_CPPFLAGS := -Iprotocol/include

ALL_TARGETS += $(PROTO_A) $(BUILD)/protocol/hdrcheck.stamp \
	$(BUILD)/protocol/kbuild.stamp

$(OBJ)/protocol/%.o: CPPFLAGS += -Iprotocol/glue/user

$(PROTO_A): $(PROTO_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# --- unit tests -------------------------------------------------------------
$(OBJ)/tests/unit/protocol/%.o: CPPFLAGS += -Iprotocol/include

$(eval $(call unit_test,protocol_ring,$(OBJ)/tests/unit/protocol/test_ring.o \
	$(PROTO_A),))
$(eval $(call unit_test,protocol_negotiate,\
	$(OBJ)/tests/unit/protocol/test_negotiate.o $(PROTO_A),))
$(eval $(call unit_test,protocol_packet,\
	$(OBJ)/tests/unit/protocol/test_packet.o $(PROTO_A),))
# The hostile-peer test compiles the ring unchanged against a glue that lets
# the test act as the peer between two shared-memory accesses.
PROTO_HOOKED := $(OBJ)/tests/unit/protocol/hooked/mantle_ring.o
$(PROTO_HOOKED): protocol/src/mantle_ring.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit/protocol/hooked $(DEPFLAGS) -c $< -o $@
$(eval $(call unit_test,protocol_hostile,\
	$(OBJ)/tests/unit/protocol/test_hostile.o \
	$(OBJ)/tests/unit/protocol/hooked/glue.o $(PROTO_HOOKED) \
	$(OBJ)/protocol/src/mantle_packet.o,))
$(OBJ)/tests/unit/protocol/hooked/%.o: CPPFLAGS += -Itests/unit/protocol/hooked
$(OBJ)/tests/unit/protocol/test_hostile.o: CPPFLAGS += -Itests/unit/protocol/hooked

# --- fuzz -------------------------------------------------------------------
$(eval $(call fuzz_target,fuzz_ring,tests/fuzz/protocol/fuzz_ring.c \
	protocol/src/mantle_ring.c protocol/src/mantle_packet.c \
	protocol/src/mantle_negotiate.c,\
	-Iprotocol/include -Iprotocol/glue/user,))

# --- bench ------------------------------------------------------------------
$(BUILD)/bench/ring_bench: $(OBJ)/tests/bench/ring_bench.o $(PROTO_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) -lpthread
$(OBJ)/tests/bench/ring_bench.o: CPPFLAGS += -Iprotocol/include
ALL_TARGETS += $(BUILD)/bench/ring_bench
$(eval $(call bench,ring,$(BUILD)/bench/ring_bench))

# --- header self-containment ------------------------------------------------
# Each header alone, as C11 -ffreestanding, no -I: with gcc and mingw-w64.
# The shared sources compile with mingw-w64 against the Windows glue with no
# system headers at all (-nostdinc): they need nothing from a libc.
PROTO_HC_FLAGS := -std=c11 -ffreestanding -Wall -Wextra -Werror \
	-Wstrict-prototypes -Wmissing-prototypes -Wshadow -pedantic
$(BUILD)/protocol/hdrcheck.stamp: $(PROTO_HDRS) $(PROTO_SRCS) \
		protocol/glue/windows/mantle_ring_glue.h
	@mkdir -p $(BUILD)/protocol/hdrcheck
	@set -e; for h in $(PROTO_HDRS); do \
		n=$$(basename $$h .h); c=$(BUILD)/protocol/hdrcheck/$$n.c; \
		echo "#include \"$(abspath $$h)\"" >$$c; \
		gcc $(PROTO_HC_FLAGS) -c $$c -o $${c%.c}.gcc.o; \
		x86_64-w64-mingw32-gcc $(PROTO_HC_FLAGS) -c $$c -o $${c%.c}.mingw.o; \
		echo "hdrcheck: $$h: gcc, mingw-w64 ok"; \
	done
	@set -e; for s in $(PROTO_SRCS); do \
		x86_64-w64-mingw32-gcc $(PROTO_HC_FLAGS) -nostdinc -O2 \
			-Iprotocol/glue/windows -c $$s \
			-o $(BUILD)/protocol/hdrcheck/$$(basename $$s .c).mingw.o; \
	done
	@touch $@

# Inside the Linux kernel build: an out-of-tree module made of one object per
# header plus the shared sources with the kernel glue, built from a copy.
PROTO_KB := $(BUILD)/protocol/kbuild
$(BUILD)/protocol/kbuild.stamp: $(KERNEL_STAMP) $(PROTO_HDRS) $(PROTO_SRCS) \
		protocol/glue/linux/mantle_ring_glue.h protocol/kbuild-check.sh
	@protocol/kbuild-check.sh $(KERNEL_DIR)/headers $(PROTO_KB)
	@touch $@
