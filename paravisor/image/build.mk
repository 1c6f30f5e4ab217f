# The paravisor VM image (L1): `make paravisor-image` builds
# $(BUILD)/paravisor/vmlinuz and $(BUILD)/paravisor/initramfs.cpio.gz around
# the very same $(BIN)/mantle-paravisor that paravisor/vmm/build.mk links.
PARAVISOR_IMAGE_DIR := $(BUILD)/paravisor
PARAVISOR_IMAGE := $(PARAVISOR_IMAGE_DIR)/initramfs.cpio.gz

# /init's status numbers (/etc/mantle/pv-status.sh), printed at build time
# from common/include/mantle_pv_status.h by a tool that no image carries.
PV_STATUS_TOOL := $(BUILD)/tools/pv_status_sh
PV_STATUS_SH := $(OBJ)/paravisor/image/pv-status.sh
$(PV_STATUS_TOOL): $(OBJ)/paravisor/image/pv_status_sh.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS)
$(PV_STATUS_SH): $(PV_STATUS_TOOL)
	@mkdir -p $(@D)
	$(PV_STATUS_TOOL) >$@.tmp && mv $@.tmp $@

PARAVISOR_IMAGE_DEPS := $(KERNEL_STAMP) $(PV_STATUS_SH) \
	paravisor/image/build-paravisor-image.sh paravisor/image/init \
	paravisor/image/modules.list scripts/mkcpio.sh \
	scripts/initramfs-stage.sh

.PHONY: paravisor-image
paravisor-image: $(PARAVISOR_IMAGE)
$(PARAVISOR_IMAGE): $(PARAVISOR_IMAGE_DEPS) $(BIN)/mantle-paravisor
	@PV_STATUS_SH=$(PV_STATUS_SH) paravisor/image/build-paravisor-image.sh \
		$(PARAVISOR_IMAGE_DIR) $(KERNEL_DIR) $(BIN)/mantle-paravisor

# The test image: the same image around the test build of mantle-paravisor
# (MANTLE_TEST_HOOKS, paravisor/vmm/build.mk), kept apart from the product
# under $(BUILD)/test/. Only the guard_*.sh integration tests boot it.
PARAVISOR_TEST_IMAGE_DIR := $(BUILD)/test/paravisor
PARAVISOR_TEST_IMAGE := $(PARAVISOR_TEST_IMAGE_DIR)/initramfs.cpio.gz
$(PARAVISOR_TEST_IMAGE): $(PARAVISOR_IMAGE_DEPS) \
		$(BUILD)/test/bin/mantle-paravisor
	@PV_STATUS_SH=$(PV_STATUS_SH) paravisor/image/build-paravisor-image.sh \
		$(PARAVISOR_TEST_IMAGE_DIR) $(KERNEL_DIR) \
		$(BUILD)/test/bin/mantle-paravisor

# Only once mantle-paravisor has a rule, so `make all` never depends on a file
# nothing builds.
ifneq ($(wildcard paravisor/vmm/build.mk),)
ALL_TARGETS += paravisor-image $(PARAVISOR_TEST_IMAGE)
endif
