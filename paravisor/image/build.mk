# The paravisor VM image (L1): `make paravisor-image` builds
# $(BUILD)/paravisor/vmlinuz and $(BUILD)/paravisor/initramfs.cpio.gz around
# the very same $(BIN)/mantle-paravisor that paravisor/vmm/build.mk links.
PARAVISOR_IMAGE_DIR := $(BUILD)/paravisor
PARAVISOR_IMAGE := $(PARAVISOR_IMAGE_DIR)/initramfs.cpio.gz

.PHONY: paravisor-image
paravisor-image: $(PARAVISOR_IMAGE)
$(PARAVISOR_IMAGE): $(KERNEL_STAMP) $(BIN)/mantle-paravisor \
		paravisor/image/build-paravisor-image.sh paravisor/image/init \
		paravisor/image/modules.list scripts/mkcpio.sh \
		scripts/initramfs-stage.sh
	@paravisor/image/build-paravisor-image.sh $(PARAVISOR_IMAGE_DIR) \
		$(KERNEL_DIR) $(BIN)/mantle-paravisor

# Only once mantle-paravisor has a rule, so `make all` never depends on a file
# nothing builds.
ifneq ($(wildcard paravisor/vmm/build.mk),)
ALL_TARGETS += paravisor-image
endif
