# Shared build configuration. Every component fragment (*/build.mk) uses these.
# SAN=1 builds everything with ASan+UBSan into build/san so objects never mix.

ifeq ($(SAN),1)
BUILD ?= build/san
else
BUILD ?= build
endif
BIN := $(BUILD)/bin
OBJ := $(BUILD)/obj
KERNEL_DIR := build/kernel

CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif

WARNINGS := -Wall -Wextra -Werror -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wundef -Wwrite-strings -Wvla -Wcast-align
CSTD := -std=c11
OPT := -O2 -g
HARDEN := -fstack-protector-strong -fPIE
DEPFLAGS = -MMD -MP

ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# _FORTIFY_SOURCE and ASan both instrument the same calls; ASan wins here.
FORTIFY :=
else
SANFLAGS :=
FORTIFY := -D_FORTIFY_SOURCE=2
endif

# Every side may include the shared headers in common/include (common/README.md).
COMMON_INC := -Icommon/include
CFLAGS := $(CSTD) $(OPT) $(WARNINGS) $(HARDEN) $(FORTIFY) $(SANFLAGS) \
	$(COMMON_INC) $(EXTRA_CFLAGS)
LDFLAGS := -pie -Wl,-z,relro,-z,now $(SANFLAGS) $(EXTRA_LDFLAGS)

# libFuzzer targets need clang; they always carry ASan+UBSan.
FUZZ_CC := clang
FUZZ_CFLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -Wundef -Wwrite-strings \
	-Wvla -Wcast-align $(COMMON_INC)

# Lists that component fragments append to.
ALL_TARGETS :=
UNIT_TESTS :=
FUZZ_TARGETS :=
INTEGRATION_TESTS :=
BENCHES :=
