# host/: the `mantle` launcher (untrusted side): `mantle run`, `mantle measure`.
# It links the shared measurement code and the guest ACPI table generator of
# paravisor/vmm, so that offline values equal the paravisor's.
HOST_SRCS := main.c usage.c opts.c log.c fileio.c payload.c launch.c status.c sp.c sim_ca.c \
	qemu.c relay.c run.c measure_cmd.c payload_measure.c services.c pvwatch.c
HOST_OBJS := $(addprefix $(OBJ)/host/,$(HOST_SRCS:.c=.o))
# The pure guest-table builders of paravisor/vmm (ACPI, e820), so that
# `mantle measure` hashes exactly the bytes mantle-paravisor loads.
HOST_VMM_OBJS := $(OBJ)/paravisor/vmm/acpi.o $(OBJ)/paravisor/vmm/aml.o \
	$(OBJ)/paravisor/vmm/e820.o
HOST_LIB_OBJS := $(filter-out $(OBJ)/host/main.o,$(HOST_OBJS)) \
	$(MEASURE_OBJS) $(HOST_VMM_OBJS)

$(OBJ)/host/%.o: CPPFLAGS += -Iparavisor/measure -Iparavisor/vmm \
	-Ihostif/include
$(OBJ)/host/services.o: CFLAGS += -pthread
# The host services link the host side of hostif and libvmgs.
HOST_HOSTIF_LIBS := $(BUILD)/lib/libhostif_host.a $(BUILD)/lib/libvmgs.a
$(OBJ)/tests/unit/host/%.o: CPPFLAGS += -Ihost -Iparavisor/measure \
	-Iparavisor/vmm

ALL_TARGETS += $(BIN)/mantle
$(BIN)/mantle: $(HOST_OBJS) $(MEASURE_OBJS) $(HOST_VMM_OBJS) \
		$(HOST_HOSTIF_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread $^ -o $@ $(LDFLAGS) -lcrypto -lz

$(OBJ)/tests/unit/host/%.o: CPPFLAGS += -Ihostif/include
$(eval $(call unit_test,host_opts,$(OBJ)/tests/unit/host/test_opts.o \
	$(OBJ)/host/opts.o $(OBJ)/host/log.o $(OBJ)/host/fileio.o \
	$(BUILD)/lib/libhostif_host.a,))
$(eval $(call unit_test,host_log,$(OBJ)/tests/unit/host/test_log.o \
	$(OBJ)/host/log.o $(OBJ)/host/fileio.o,))
$(eval $(call unit_test,host_payload,$(OBJ)/tests/unit/host/test_payload.o \
	$(HOST_LIB_OBJS) $(HOST_HOSTIF_LIBS),-pthread -lcrypto -lz))
$(eval $(call unit_test,host_sp,$(OBJ)/tests/unit/host/test_sp.o \
	$(OBJ)/host/sp.o $(OBJ)/host/log.o $(OBJ)/host/fileio.o,))
$(eval $(call unit_test,host_pvwatch,$(OBJ)/tests/unit/host/test_pvwatch.o \
	$(OBJ)/host/pvwatch.o,))
$(eval $(call unit_test,host_status,$(OBJ)/tests/unit/host/test_status.o \
	$(OBJ)/host/status.o $(OBJ)/host/qemu.o $(OBJ)/host/log.o \
	$(OBJ)/host/fileio.o,))

$(eval $(call fuzz_target,host_cli,tests/fuzz/host/fuzz_cli.c host/opts.c \
	host/status.c host/qemu.c host/log.c host/fileio.c hostif/src/msg.c,-Ihost \
	-Iparavisor/measure -Ihostif/include,))


INTEGRATION_TESTS += tests/integration/paravisor_measure.sh \
	tests/integration/paravisor_errors.sh \
	tests/integration/paravisor_boot.sh \
	tests/integration/paravisor_reboot.sh \
	tests/integration/paravisor_kernel_failure.sh

# The control channel, the VMGS service and hostile-host mode (issue 5).
INTEGRATION_TESTS += tests/integration/vmgs_service.sh \
	tests/integration/hostile_ctl.sh tests/integration/hostile_vmgs.sh

# make bench-boot (tests/bench/boot.sh): mantle-paravisor against QEMU as the
# L1 VMM, in a separate bench image under $(BUILD)/bench.
$(eval $(call bench,boot,@BUILD=$(BUILD) tests/bench/boot.sh,\
	$(BIN)/mantle paravisor-image guest-image))

# The paravisor and the simulated secure processor through the host relay
# (issue 13): VMPCK0 works; a corrupting host gets it retired.
INTEGRATION_TESTS += tests/integration/sp_relay.sh
