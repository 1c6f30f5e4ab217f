# paravisor/snp: SNP guest messages (snp_msg.c: seal/open under a VMPCK).
# The paravisor's guest-request client and the simulated secure processor
# (sp-simulator/) both link $(SNP_MSG_OBJS) with -lcrypto.
SNP_DIR := paravisor/snp
SNP_MSG_OBJS := $(OBJ)/$(SNP_DIR)/snp_msg.o
SNP_CPPFLAGS := -I$(SNP_DIR)

$(OBJ)/$(SNP_DIR)/%.o: CPPFLAGS += $(SNP_CPPFLAGS)
$(OBJ)/tests/unit/snp/%.o: CPPFLAGS += $(SNP_CPPFLAGS)

$(eval $(call unit_test,snp_msg,$(OBJ)/tests/unit/snp/test_snp_msg.o \
	$(SNP_MSG_OBJS),-lcrypto))
