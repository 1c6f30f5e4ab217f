# paravisor/vmm: mantle-paravisor, the KVM VMM that runs inside the paravisor
# VM. It links only libc and libcrypto (through paravisor/measure).
#
# ACPI_OBJS is the pure ACPI table generator, which `mantle measure` links
# too (with -Iparavisor/vmm for acpi.h), so that both sides measure the same
# bytes.
VMM_DIR := paravisor/vmm
ACPI_OBJS := $(OBJ)/$(VMM_DIR)/acpi.o $(OBJ)/$(VMM_DIR)/aml.o


# Pure code: no KVM, no I/O; unit-tested and fuzzed.
VMM_PURE := errf payload bzimage e820 boot cpuid uart iobus kvm_stats
VMM_PURE_OBJS := $(ACPI_OBJS) $(VMM_PURE:%=$(OBJ)/$(VMM_DIR)/%.o)
VMM_OBJS := $(VMM_PURE_OBJS) $(patsubst %,$(OBJ)/$(VMM_DIR)/%.o,\
	main vmm platform platform_nested host_nested serial pm log memstat \
	guard hostnotify stall kvm_wait wake_check)

# The machine core around vmm.c (machine.h), the i8042 reset device and the
# pvpanic port.
VMM_OBJS += $(patsubst %,$(OBJ)/$(VMM_DIR)/%.o,vcpu load machine_devs diag \
	i8042 pvpanic)
# The PCI host bridge (configuration mechanism #1 and ECAM), pure like
# VMM_PURE.
VMM_OBJS += $(OBJ)/$(VMM_DIR)/pci_host.o $(OBJ)/$(VMM_DIR)/mmiobus.o
# The vTPM (issue 14): the CRB and TIS devices (pure; tpm_iface.c their
# shared command rule) and libtpms behind them; the
# paravisor's own steps at power-on (vtpm*.c) and their commands
# (tpm_cmd.c, marshalled with tpm2-tss's libtss2-mu).
VTPM_OBJS := $(patsubst %,$(OBJ)/$(VMM_DIR)/%.o,tpm_lib tpm_cmd vtpm \
	vtpm_measure vtpm_keys)
VTPM_LDLIBS := -ltpms -ltss2-mu
VMM_OBJS += $(OBJ)/$(VMM_DIR)/tpm_crb.o $(OBJ)/$(VMM_DIR)/tpm_tis.o \
	$(OBJ)/$(VMM_DIR)/tpm_iface.o $(VTPM_OBJS)

# The pv bus (pvbus.h): control channel, channels, counters, deferred work,
# and the pipe device class; it links the shared ring and packet code of
# protocol/ (libmantle_protocol.a).
PVBUS_OBJS := $(patsubst %,$(OBJ)/$(VMM_DIR)/%.o,pvbus pvbus_chan pvbus_stat \
	pvbus_work pvbus_pipe)
# Weak no-pipe definitions until the host end of pipes is linked in.
VMM_OBJS += $(PVBUS_OBJS)
$(PVBUS_OBJS): CFLAGS += -pthread

# The host control channel (control*.c) links the paravisor side of hostif
# and libvmgs (hostif/README.md); paths are literal because hostif/build.mk
# is read after this file.
VMM_CTL_OBJS := $(OBJ)/$(VMM_DIR)/control.o $(OBJ)/$(VMM_DIR)/control_vmgs.o \
	$(OBJ)/$(VMM_DIR)/control_pipe.o $(OBJ)/$(VMM_DIR)/control_sp.o \
	$(OBJ)/$(VMM_DIR)/control_tpm.o $(OBJ)/$(VMM_DIR)/tpm_save.o \
	$(SNP_GUEST_OBJS)
VMM_CTL_OBJS += $(OBJ)/paravisor/vmgs/vmgs_protector.o \
	$(OBJ)/paravisor/vmgs/vmgs_key.o $(PVVMGS_SNP_OBJ)
VMM_CTL_LIBS := $(BUILD)/lib/libhostif_pv.a $(BUILD)/lib/libvmgs.a
$(VMM_CTL_OBJS) $(OBJ)/$(VMM_DIR)/main.o: CPPFLAGS += -Ihostif/include \
	-Ivmgs-tools/include -Iparavisor/snp -Iparavisor/vmgs
$(OBJ)/$(VMM_DIR)/control.o $(OBJ)/$(VMM_DIR)/control_pipe.o \
	$(OBJ)/$(VMM_DIR)/tpm_save.o: CFLAGS += -pthread

# POSIX/Linux interfaces (pthread_kill, O_CLOEXEC, signalfd) under -std=c11.
$(OBJ)/$(VMM_DIR)/%.o: CPPFLAGS += -D_GNU_SOURCE -Iprotocol/include \
	-Iparavisor/measure
$(OBJ)/$(VMM_DIR)/vmm.o $(OBJ)/$(VMM_DIR)/serial.o: CFLAGS += -pthread
$(OBJ)/$(VMM_DIR)/vcpu.o: CFLAGS += -pthread

ALL_TARGETS += $(BIN)/mantle-paravisor
$(BIN)/mantle-paravisor: $(VMM_OBJS) $(VMM_CTL_OBJS) $(MEASURE_OBJS) \
		$(VMM_CTL_LIBS) $(PROTO_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread $^ -o $@ $(LDFLAGS) $(MEASURE_LDLIBS) -lz -lseccomp \
		$(VTPM_LDLIBS)

# The test build (test_hooks.h): main.c again with MANTLE_TEST_HOOKS, plus the
# test-only hooks and secret, linked into $(BUILD)/test/bin/mantle-paravisor.
# Kept apart under $(BUILD)/test/: the product objects, $(BIN)/mantle-paravisor
# and the product image carry none of it (tests/integration/
# guard_no_test_hooks.sh checks).
VMM_TEST_OBJ := $(BUILD)/test/obj/$(VMM_DIR)
VMM_TEST_HOOK_OBJS := $(addprefix $(VMM_TEST_OBJ)/,main.o test_hooks.o \
	secret.o)
$(VMM_TEST_OBJ)/%.o: $(VMM_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -DMANTLE_TEST_HOOKS -D_GNU_SOURCE \
		-Iprotocol/include -Iparavisor/measure -Ihostif/include \
		-Ivmgs-tools/include -Iparavisor/snp -Iparavisor/vmgs $(DEPFLAGS) \
		-c $< -o $@
-include $(wildcard $(VMM_TEST_OBJ)/*.d)

ALL_TARGETS += $(BUILD)/test/bin/mantle-paravisor
$(BUILD)/test/bin/mantle-paravisor: $(VMM_TEST_HOOK_OBJS) \
		$(filter-out %/main.o,$(VMM_OBJS)) $(VMM_CTL_OBJS) \
		$(MEASURE_OBJS) $(VMM_CTL_LIBS) $(PROTO_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread $^ -o $@ $(LDFLAGS) $(MEASURE_LDLIBS) -lz \
		-lseccomp $(VTPM_LDLIBS)

# Unit tests: one binary per module under test.
$(OBJ)/tests/unit/paravisor/%.o: CPPFLAGS += -D_GNU_SOURCE -I$(VMM_DIR) \
	-Iprotocol/include
VMM_UT := $(OBJ)/tests/unit/paravisor
$(eval $(call unit_test,paravisor_payload,$(VMM_UT)/test_payload.o \
	$(OBJ)/$(VMM_DIR)/payload.o $(OBJ)/$(VMM_DIR)/errf.o,))
# The payload header contract end to end: the host's writer, this parser.
$(OBJ)/tests/unit/common/test_payload_contract.o: CPPFLAGS += -I.
$(eval $(call unit_test,payload_contract,\
	$(OBJ)/tests/unit/common/test_payload_contract.o \
	$(OBJ)/host/payload.o $(OBJ)/host/fileio.o $(OBJ)/host/log.o \
	$(OBJ)/$(VMM_DIR)/payload.o $(OBJ)/$(VMM_DIR)/errf.o,))
$(eval $(call unit_test,paravisor_bzimage,$(VMM_UT)/test_bzimage.o \
	$(OBJ)/$(VMM_DIR)/bzimage.o $(OBJ)/$(VMM_DIR)/errf.o,))
$(eval $(call unit_test,paravisor_boot,$(VMM_UT)/test_boot.o \
	$(OBJ)/$(VMM_DIR)/boot.o $(OBJ)/$(VMM_DIR)/e820.o \
	$(OBJ)/$(VMM_DIR)/bzimage.o $(OBJ)/$(VMM_DIR)/errf.o,))
$(eval $(call unit_test,paravisor_acpi,$(VMM_UT)/test_acpi.o $(ACPI_OBJS),))
$(eval $(call unit_test,paravisor_uart,$(VMM_UT)/test_uart.o \
	$(OBJ)/$(VMM_DIR)/uart.o $(OBJ)/$(VMM_DIR)/iobus.o,))
$(eval $(call unit_test,paravisor_memstat,$(VMM_UT)/test_memstat.o \
	$(OBJ)/$(VMM_DIR)/memstat.o,))
# The privilege drop, and the test build's forbidden-syscall hook on it.
$(VMM_UT)/test_guard.o: CPPFLAGS += -DMANTLE_TEST_HOOKS
$(eval $(call unit_test,paravisor_guard,$(VMM_UT)/test_guard.o \
	$(OBJ)/$(VMM_DIR)/guard.o $(OBJ)/$(VMM_DIR)/memstat.o \
	$(OBJ)/$(VMM_DIR)/log.o $(OBJ)/$(VMM_DIR)/errf.o \
	$(VMM_TEST_OBJ)/test_hooks.o $(VMM_TEST_OBJ)/secret.o \
	$(SNP_GUEST_OBJS),-pthread -lseccomp -lcrypto))
$(eval $(call unit_test,paravisor_hostnotify,$(VMM_UT)/test_hostnotify.o \
	$(OBJ)/$(VMM_DIR)/hostnotify.o $(OBJ)/$(VMM_DIR)/log.o \
	$(OBJ)/$(VMM_DIR)/iobus.o,-pthread))
# The stall watchdog: KVM's stats format, the decision, the wait report.
$(eval $(call unit_test,paravisor_stall,$(VMM_UT)/test_stall.o \
	$(OBJ)/$(VMM_DIR)/stall.o $(OBJ)/$(VMM_DIR)/kvm_stats.o \
	$(OBJ)/$(VMM_DIR)/kvm_wait.o $(OBJ)/$(VMM_DIR)/errf.o \
	$(OBJ)/$(VMM_DIR)/log.o,))
$(eval $(call unit_test,paravisor_cpuid,$(VMM_UT)/test_cpuid.o \
	$(OBJ)/$(VMM_DIR)/cpuid.o,))
# The pv bus against a fake guest and a fake host end of pipes
# (pvbus_guest.c): the control channel, then the pipe class.
PVBUS_UT_OBJS := $(VMM_UT)/pvbus_guest.o $(PVBUS_OBJS) \
	$(OBJ)/$(VMM_DIR)/e820.o $(OBJ)/$(VMM_DIR)/log.o $(PROTO_A)
$(eval $(call unit_test,paravisor_pvbus,$(VMM_UT)/test_pvbus.o \
	$(PVBUS_UT_OBJS),-pthread))
$(eval $(call unit_test,paravisor_pvbus_pipe,$(VMM_UT)/test_pvbus_pipe.o \
	$(PVBUS_UT_OBJS),-pthread))
# The PCI host bridge's config space and access rules; the unclaimed-access
# counters and their one summary line.
$(eval $(call unit_test,paravisor_pci_host,$(VMM_UT)/test_pci_host.o \
	$(OBJ)/$(VMM_DIR)/pci_host.o $(OBJ)/$(VMM_DIR)/iobus.o,))
# The vTPM's CRB and TIS registers, with a real libtpms behind them.
$(eval $(call unit_test,paravisor_tpm_crb,$(VMM_UT)/test_tpm_crb.o \
	$(OBJ)/$(VMM_DIR)/tpm_crb.o $(OBJ)/$(VMM_DIR)/tpm_iface.o \
	$(OBJ)/$(VMM_DIR)/tpm_lib.o $(OBJ)/$(VMM_DIR)/mmiobus.o \
	$(OBJ)/$(VMM_DIR)/log.o,-pthread -ltpms))
# The paravisor's own vTPM steps (measured boot, EK/AK), real libtpms.
$(VMM_UT)/test_vtpm.o: CPPFLAGS += -Iparavisor/measure
$(eval $(call unit_test,paravisor_vtpm,$(VMM_UT)/test_vtpm.o $(VTPM_OBJS) \
	$(OBJ)/$(VMM_DIR)/log.o $(MEASURE_OBJS),\
	-pthread $(VTPM_LDLIBS) $(MEASURE_LDLIBS)))
# The response parsers of the paravisor's own TPM commands.
$(eval $(call fuzz_target,paravisor_tpm_cmd,\
	tests/fuzz/paravisor/fuzz_tpm_cmd.c $(VMM_DIR)/tpm_cmd.c,\
	-I$(VMM_DIR),-ltss2-mu))
$(eval $(call fuzz_target,paravisor_tpm_crb,\
	tests/fuzz/paravisor/fuzz_tpm_crb.c $(VMM_DIR)/tpm_crb.c \
	$(VMM_DIR)/tpm_iface.c $(VMM_DIR)/mmiobus.c \
	$(VMM_DIR)/tpm_lib.c $(VMM_DIR)/log.c,-D_GNU_SOURCE -I$(VMM_DIR),\
	-pthread -ltpms))
$(eval $(call unit_test,paravisor_tpm_tis,$(VMM_UT)/test_tpm_tis.o \
	$(OBJ)/$(VMM_DIR)/tpm_tis.o $(OBJ)/$(VMM_DIR)/tpm_iface.o \
	$(OBJ)/$(VMM_DIR)/tpm_lib.o $(OBJ)/$(VMM_DIR)/mmiobus.o \
	$(OBJ)/$(VMM_DIR)/log.o,-pthread -ltpms))
$(eval $(call fuzz_target,paravisor_tpm_tis,\
	tests/fuzz/paravisor/fuzz_tpm_tis.c $(VMM_DIR)/tpm_tis.c \
	$(VMM_DIR)/tpm_iface.c $(VMM_DIR)/mmiobus.c \
	$(VMM_DIR)/tpm_lib.c $(VMM_DIR)/log.c,-D_GNU_SOURCE -I$(VMM_DIR),\
	-pthread -ltpms))
$(eval $(call unit_test,paravisor_diag,$(VMM_UT)/test_diag.o \
	$(OBJ)/$(VMM_DIR)/diag.o $(OBJ)/$(VMM_DIR)/iobus.o \
	$(OBJ)/$(VMM_DIR)/log.o $(OBJ)/$(VMM_DIR)/memstat.o,))
$(eval $(call fuzz_target,paravisor_pci_host,\
	tests/fuzz/paravisor/fuzz_pci_host.c $(VMM_DIR)/pci_host.c,-I$(VMM_DIR),))
# The VMGS open policy against the real hostif server (socketpair helper of
# tests/unit/hostif), honest and hostile.
$(VMM_UT)/test_control_vmgs.o: CPPFLAGS += -Ihostif/include \
	-Ivmgs-tools/include -Itests/unit/hostif -Iparavisor/vmgs \
	-Itests/unit/pvvmgs
$(eval $(call unit_test,paravisor_control_vmgs,\
	$(VMM_UT)/test_control_vmgs.o $(OBJ)/$(VMM_DIR)/control_vmgs.o \
	$(OBJ)/paravisor/vmgs/vmgs_key.o \
	$(OBJ)/paravisor/vmgs/vmgs_protector.o \
	$(OBJ)/tests/unit/pvvmgs/fake_sp.o \
	$(OBJ)/tests/unit/hostif/pair.o $(BUILD)/lib/libhostif_pv.a \
	$(BUILD)/lib/libhostif_host.a $(BUILD)/lib/libvmgs.a,\
	-pthread -lcrypto -lz))

# The vTPM's state in the VMGS (issue 14 item 4): batching, retry, load
# and crash images on libvmgs's memory and fault ios, with real libtpms.
# And one save through the real hostif server into a file.
$(VMM_UT)/test_control_tpm.o: CPPFLAGS += -Ivmgs-tools/include \
	-Ihostif/include -Itests/unit/hostif
$(eval $(call unit_test,paravisor_control_tpm,\
	$(VMM_UT)/test_control_tpm.o $(OBJ)/$(VMM_DIR)/control_tpm.o \
	$(OBJ)/$(VMM_DIR)/tpm_save.o $(OBJ)/$(VMM_DIR)/tpm_lib.o \
	$(OBJ)/$(VMM_DIR)/log.o $(OBJ)/tests/unit/hostif/pair.o \
	$(BUILD)/lib/libhostif_pv.a $(BUILD)/lib/libhostif_host.a \
	$(BUILD)/lib/libvmgs.a,-pthread -ltpms -lcrypto -lz))

# The pipe backend over the control channel: a fake pipe device, the real
# hostif server and real Unix sockets (tests/unit/hostif/pair.c).
$(VMM_UT)/test_control_pipe.o: CPPFLAGS += -Ihostif/include \
	-Ivmgs-tools/include -Itests/unit/hostif
$(eval $(call unit_test,paravisor_control_pipe,\
	$(VMM_UT)/test_control_pipe.o $(OBJ)/$(VMM_DIR)/control_pipe.o \
	$(OBJ)/$(VMM_DIR)/log.o $(OBJ)/tests/unit/hostif/pair.o \
	$(BUILD)/lib/libhostif_pv.a $(BUILD)/lib/libhostif_host.a \
	$(BUILD)/lib/libvmgs.a,-pthread -lcrypto -lz))

# Fuzz targets for the two parsers of hostile input.
$(eval $(call fuzz_target,paravisor_payload,\
	tests/fuzz/paravisor/fuzz_payload.c $(VMM_DIR)/payload.c \
	$(VMM_DIR)/errf.c,-I$(VMM_DIR),))
$(eval $(call fuzz_target,paravisor_bzimage,\
	tests/fuzz/paravisor/fuzz_bzimage.c $(VMM_DIR)/bzimage.c \
	$(VMM_DIR)/boot.c $(VMM_DIR)/e820.c $(VMM_DIR)/errf.c,-I$(VMM_DIR),))

# End-to-end smoke test of the VMM on /dev/kvm with hand-made guests of a few
# instructions; skips where KVM is unusable. (The bus's pipe class links the
# real pipe backend; the smoke guests have no pipes.)
$(eval $(call unit_test,paravisor_kvm_smoke,$(VMM_UT)/test_kvm_smoke.o \
	$(filter-out %/main.o %/guard.o,$(VMM_OBJS)) $(MEASURE_OBJS) \
	$(OBJ)/$(VMM_DIR)/control_pipe.o $(BUILD)/lib/libhostif_pv.a \
	$(PROTO_A),-pthread $(MEASURE_LDLIBS) -lz $(VTPM_LDLIBS)))
$(eval $(call fuzz_target,paravisor_hostnotify,\
	tests/fuzz/paravisor/fuzz_hostnotify.c $(VMM_DIR)/hostnotify.c \
	$(VMM_DIR)/log.c,-I$(VMM_DIR),-pthread))
# The VMGS open policy on hostile images through the real hostif server.
$(eval $(call fuzz_target,paravisor_control_vmgs,\
	tests/fuzz/paravisor/fuzz_control_vmgs.c $(VMM_DIR)/control_vmgs.c \
	paravisor/vmgs/vmgs_key.c paravisor/vmgs/vmgs_protector.c \
	tests/unit/pvvmgs/fake_sp.c \
	tests/unit/hostif/pair.c $(wildcard hostif/src/*.c) \
	$(sort $(wildcard vmgs-tools/lib/*.c)),-D_GNU_SOURCE -I$(VMM_DIR) \
	-Ihostif/include -Ihostif/src -Ivmgs-tools/include -Itests/unit/hostif \
	-Iparavisor/vmgs -Itests/unit/pvvmgs,\
	-pthread -lcrypto -lz))
# The pv bus under a hostile guest's script of packets, memory writes and
# doorbells, against the fake host end of pipes of the unit tests.
$(eval $(call fuzz_target,paravisor_pvbus,\
	tests/fuzz/paravisor/fuzz_pvbus.c tests/unit/paravisor/pvbus_guest.c \
	$(PVBUS_OBJS:$(OBJ)/%.o=%.c) $(VMM_DIR)/e820.c $(VMM_DIR)/log.c \
	protocol/src/mantle_ring.c protocol/src/mantle_packet.c \
	protocol/src/mantle_negotiate.c,-D_GNU_SOURCE -I$(VMM_DIR) \
	-Iprotocol/include -Iprotocol/glue/user -Itests/unit/paravisor,-pthread))
$(eval $(call fuzz_target,paravisor_uart,\
	tests/fuzz/paravisor/fuzz_uart.c $(VMM_DIR)/uart.c,-I$(VMM_DIR),))

# The pv bus from inside a Linux guest without a driver: a test-only static
# probe (CPUID, /dev/mem, OUT to the doorbell, protocol/src's ring code) run
# from rc.d, one boot. Built like the guest tools (never sanitized).
PVBUS_PROBE := $(BUILD)/test/guest-tools/pvbus-probe
ALL_TARGETS += $(PVBUS_PROBE)
$(PVBUS_PROBE): tests/integration/pvbus_probe.c protocol/src/mantle_ring.c \
		protocol/src/mantle_negotiate.c protocol/src/mantle_packet.c \
		$(PROTO_HDRS)
	@mkdir -p $(@D)
	$(CC) $(GUEST_TOOL_CFLAGS) -D_GNU_SOURCE -Iprotocol/include \
		-Iprotocol/glue/user -static-pie $(filter %.c,$^) -o $@ \
		-Wl,-z,relro,-z,now
INTEGRATION_TESTS += tests/integration/paravisor_pvbus.sh

# Issue 14 item 1: the vTPM as the guest's stock tpm_crb finds it,
# --tpm none, and --tpm tis as the stock tpm_tis finds it (three boots).
INTEGRATION_TESTS += tests/integration/tpm_crb.sh
# Issue 14 item 4: the vTPM's state in the VMGS, encrypted, across boots
# and a SIGKILL of mantle in a burst of NV writes (three boots, about 50 s).
INTEGRATION_TESTS += tests/integration/tpm_persist.sh
# Issue 14 items 2 and 6 (the guest's side): unmodified tpm2-tools, policy
# sessions, concurrent access and malformed raw commands: the suite
# (tests/integration/tpm_tools_check.sh) runs in tpm_crb.sh's CRB boot.

# Issue 11 item 4: a halted Linux guest ends mantle run through the stall
# watchdog (exit 8), about a minute (--stall-timeout 45).
INTEGRATION_TESTS += tests/integration/paravisor_stall.sh \
	tests/integration/paravisor_guest_panic.sh

# Issue 5 (privilege drop, isolation proof, event storm): nested boots with a test-only
# copy of the paravisor image (tests/integration/guard_common.sh).
INTEGRATION_TESTS += tests/integration/guard_seccomp.sh \
	tests/integration/guard_isolation.sh \
	tests/integration/guard_event_storm.sh \
	tests/integration/guard_memscan_offline.sh \
	tests/integration/guard_no_test_hooks.sh

# make bench-guard: the seccomp filter's cost on the vCPU exit path.
$(OBJ)/tests/bench/guard_bench.o: CPPFLAGS += -I$(VMM_DIR)
$(BUILD)/bench/guard_bench: $(OBJ)/tests/bench/guard_bench.o \
		$(OBJ)/$(VMM_DIR)/guard.o $(OBJ)/$(VMM_DIR)/memstat.o \
		$(OBJ)/$(VMM_DIR)/log.o $(OBJ)/$(VMM_DIR)/errf.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) -lseccomp
ALL_TARGETS += $(BUILD)/bench/guard_bench
$(eval $(call bench,guard,$(BUILD)/bench/guard_bench,$(BUILD)/bench/guard_bench))

# make bench-pipe (tests/bench/pipe.sh): the reference path's L1 relay,
# linked with the paravisor's own control-channel and pipe-backend objects,
# so both runs reach the host through the same code. Bench image only.
$(OBJ)/tests/bench/pipe_relay.o: CPPFLAGS += -D_GNU_SOURCE -I$(VMM_DIR) \
	-Ihostif/include -Ivmgs-tools/include
$(OBJ)/tests/bench/pipe_relay.o: CFLAGS += -pthread
ALL_TARGETS += $(BUILD)/bench-tools/pipe-relay
$(BUILD)/bench-tools/pipe-relay: $(OBJ)/tests/bench/pipe_relay.o \
		$(VMM_CTL_OBJS) $(OBJ)/$(VMM_DIR)/log.o $(VMM_CTL_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread $^ -o $@ $(LDFLAGS) -lcrypto -lz
$(eval $(call bench,pipe,@BUILD=$(BUILD) tests/bench/pipe.sh,\
	$(BIN)/mantle $(BUILD)/bench-tools/pipe-relay \
	$(BUILD)/test-tools/pipe-peer $(BUILD)/test-tools/pipe-probe \
	paravisor-image guest-image))

# make bench-vtpm (tests/bench/vtpm.sh, issue 14 item 7): vtpm-bench, a guest
# program on tpm2-tss ESAPI (dynamic: Debian has no static tpm2-tss; the
# bench stages it with its libraries), for the bench guest only.
ALL_TARGETS += $(BUILD)/bench-tools/vtpm-bench
$(BUILD)/bench-tools/vtpm-bench: tests/bench/vtpm_bench.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_TOOL_CFLAGS) -D_POSIX_C_SOURCE=200809L $< -o $@ \
		-pie -Wl,-z,relro,-z,now -ltss2-esys -ltss2-tctildr -ltss2-rc
$(eval $(call bench,vtpm,@BUILD=$(BUILD) tests/bench/vtpm.sh,\
	$(BIN)/mantle $(BUILD)/bench-tools/vtpm-bench paravisor-image guest-image))

# The secure processor over the control channel: the real hostif server
# (tests/unit/hostif/pair.c) with a fake firmware built from snp_msg.c.
$(VMM_UT)/test_control_sp.o: CPPFLAGS += -Ihostif/include \
	-Ivmgs-tools/include -Itests/unit/hostif -Iparavisor/snp
$(eval $(call unit_test,paravisor_control_sp,\
	$(VMM_UT)/test_control_sp.o $(OBJ)/$(VMM_DIR)/control_sp.o \
	$(OBJ)/$(VMM_DIR)/log.o $(SNP_GUEST_OBJS) \
	$(OBJ)/tests/unit/hostif/pair.o $(BUILD)/lib/libhostif_pv.a \
	$(BUILD)/lib/libhostif_host.a $(BUILD)/lib/libvmgs.a,\
	-pthread -lcrypto -lz))
