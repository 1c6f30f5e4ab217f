# paravisor/vmgs: the VMGS encrypted at rest with a key the host never holds
# (VMGS-KEY.md): the key protector format (vmgs_protector.c) and the open
# policy that provisions, unlocks or refuses (vmgs_key.c). Pure: no channel,
# no secure processor (reached through struct vmgs_key_sp); linked into
# mantle-paravisor with libvmgs and -lcrypto.
PVVMGS_DIR := paravisor/vmgs
PVVMGS_OBJS := $(OBJ)/$(PVVMGS_DIR)/vmgs_protector.o \
	$(OBJ)/$(PVVMGS_DIR)/vmgs_key.o
PVVMGS_CPPFLAGS := -I$(PVVMGS_DIR) -Ivmgs-tools/include

$(OBJ)/$(PVVMGS_DIR)/%.o: CPPFLAGS += $(PVVMGS_CPPFLAGS)
$(OBJ)/tests/unit/pvvmgs/%.o: CPPFLAGS += $(PVVMGS_CPPFLAGS) -D_GNU_SOURCE

# Unit tests against an in-memory VMGS and two fake chips (fake_sp.c).
PVVMGS_UT := $(OBJ)/tests/unit/pvvmgs
$(eval $(call unit_test,pvvmgs_protector,$(PVVMGS_UT)/test_protector.o \
	$(PVVMGS_UT)/fake_sp.o $(PVVMGS_OBJS) $(BUILD)/lib/libvmgs.a,\
	-lcrypto -lz))
$(eval $(call unit_test,pvvmgs_key,$(PVVMGS_UT)/test_vmgs_key.o \
	$(PVVMGS_UT)/fake_sp.o $(PVVMGS_OBJS) $(BUILD)/lib/libvmgs.a,\
	-lcrypto -lz))

# The secure processor of the VMGS key over the SNP guest-request client
# (vmgs_key_snp.c), linked into mantle-paravisor by paravisor/vmm/build.mk.
PVVMGS_SNP_OBJ := $(OBJ)/$(PVVMGS_DIR)/vmgs_key_snp.o
$(PVVMGS_SNP_OBJ): CPPFLAGS += -Iparavisor/snp

# Real boots on `nested` (needs mantle-sp and the guest-request client; skips
# until `mantle run --sp-state` exists).
INTEGRATION_TESTS += tests/integration/vmgs_encrypted.sh

# The key protector parser: hostile bytes from file 11.
$(eval $(call fuzz_target,pvvmgs_protector,\
	tests/fuzz/pvvmgs/fuzz_protector.c $(PVVMGS_DIR)/vmgs_protector.c,\
	-I$(PVVMGS_DIR),-lcrypto))
