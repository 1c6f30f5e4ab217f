# paravisor/snp: SNP guest messages (snp_msg.c: seal/open under a VMPCK) and
# the guest-request client (snp_guest.c).
# The paravisor's guest-request client and the simulated secure processor
# (sp-simulator/) both link $(SNP_MSG_OBJS) with -lcrypto.
SNP_DIR := paravisor/snp
SNP_MSG_OBJS := $(OBJ)/$(SNP_DIR)/snp_msg.o
SNP_CPPFLAGS := -I$(SNP_DIR)

$(OBJ)/$(SNP_DIR)/%.o: CPPFLAGS += $(SNP_CPPFLAGS)
$(OBJ)/tests/unit/snp/%.o: CPPFLAGS += $(SNP_CPPFLAGS)

$(eval $(call unit_test,snp_msg,$(OBJ)/tests/unit/snp/test_snp_msg.o \
	$(SNP_MSG_OBJS),-lcrypto))

# The paravisor's guest-request client (snp_guest.c) on top of snp_msg.c.
SNP_GUEST_OBJS := $(OBJ)/$(SNP_DIR)/snp_guest.o $(OBJ)/$(SNP_DIR)/snp_certs.o \
	$(SNP_MSG_OBJS)
$(eval $(call unit_test,snp_guest,$(OBJ)/tests/unit/snp/test_snp_guest.o \
	$(SNP_GUEST_OBJS),-lcrypto))

# The certificate table the host hands over (snp_certs.c): hostile input.
$(eval $(call fuzz_target,snp_certs,tests/fuzz/snp/fuzz_certs.c \
	$(SNP_DIR)/snp_certs.c,-I$(SNP_DIR) -Icommon/include,))
