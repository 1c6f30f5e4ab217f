// SPDX-License-Identifier: MIT
/* What a KVM vCPU waits on (kvm_wait.h). */
#include "kvm_wait.h"

#include "mantle_bytes.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

/* The local APIC's register page (Intel SDM vol. 3, "Local APIC Register
 * Address Map"): 32-bit registers 16 bytes apart. */
#define APIC_SVR 0xF0
#define APIC_SVR_ENABLE (1u << 8)
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define APIC_LVTT 0x320
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define MSR_IA32_TSC 0x10
#define MSR_IA32_TSC_DEADLINE 0x6E0

static const char *const mp_names[] = {
	[KVM_MP_STATE_RUNNABLE] = "runnable",
	[KVM_MP_STATE_UNINITIALIZED] = "uninitialized (waits for INIT)",
	[KVM_MP_STATE_INIT_RECEIVED] = "init-received (waits for SIPI)",
	[KVM_MP_STATE_HALTED] = "halted",
	[KVM_MP_STATE_SIPI_RECEIVED] = "sipi-received",
	[KVM_MP_STATE_STOPPED] = "stopped",
	[KVM_MP_STATE_CHECK_STOP] = "check-stop",
	[KVM_MP_STATE_OPERATING] = "operating",
	[KVM_MP_STATE_LOAD] = "load",
	[KVM_MP_STATE_AP_RESET_HOLD] = "ap-reset-hold",
	[KVM_MP_STATE_SUSPENDED] = "suspended",
};

/* The highest vector set in the 256-bit IRR or ISR at off, or -1. */
static int highest_vector(const uint8_t *regs, unsigned int off)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t bits = get_le32(regs + off + 0x10 * (unsigned int)i);

		if (bits)
			return i * 32 + 31 - __builtin_clz(bits);
	}
	return -1;
}

void lapic_wait_parse(const uint8_t regs[LAPIC_PAGE_SIZE], struct vcpu_wait *w)
{
	w->lapic = 1;
	w->apic_enabled = (get_le32(regs + APIC_SVR) & APIC_SVR_ENABLE) != 0;
	w->irr = highest_vector(regs, APIC_IRR);
	w->isr = highest_vector(regs, APIC_ISR);
	w->lvtt = get_le32(regs + APIC_LVTT);
	w->tmict = get_le32(regs + APIC_TMICT);
	w->tmcct = get_le32(regs + APIC_TMCCT);
}

static int read_mp_state(int fd, struct vcpu_wait *w)
{
	struct kvm_mp_state mp;

	if (ioctl(fd, KVM_GET_MP_STATE, &mp) < 0)
		return -1;
	w->mp_state = mp.mp_state < sizeof(mp_names) / sizeof(*mp_names) &&
				      mp_names[mp.mp_state] ?
			      mp_names[mp.mp_state] :
			      "unknown";
	/* Blocked in KVM until an interrupt, INIT or SIPI arrives. */
	w->blocked = mp.mp_state == KVM_MP_STATE_HALTED ||
		     mp.mp_state == KVM_MP_STATE_UNINITIALIZED ||
		     mp.mp_state == KVM_MP_STATE_INIT_RECEIVED ||
		     mp.mp_state == KVM_MP_STATE_AP_RESET_HOLD;
	w->halted = mp.mp_state == KVM_MP_STATE_HALTED;
	return 0;
}

static void read_events(int fd, struct vcpu_wait *w)
{
	struct kvm_vcpu_events ev;

	if (ioctl(fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return;
	w->irq_injected = ev.interrupt.injected;
	w->irq_nr = ev.interrupt.nr;
	w->nmi_pending = ev.nmi.pending;
	w->nmi_injected = ev.nmi.injected;
	/* "pending" exists with KVM_CAP_EXCEPTION_PAYLOAD only. */
	w->exc_pending = ev.exception.injected || ev.exception.pending;
	w->exc_nr = ev.exception.nr;
}

static void read_lapic(int fd, struct vcpu_wait *w)
{
	struct kvm_lapic_state l;
	struct {
		struct kvm_msrs m;
		struct kvm_msr_entry e[2];
	} msr;

	if (ioctl(fd, KVM_GET_LAPIC, &l) < 0)
		return;
	lapic_wait_parse((const uint8_t *)l.regs, w);
	memset(&msr, 0, sizeof(msr));
	msr.m.nmsrs = 2;
	msr.e[0].index = MSR_IA32_TSC_DEADLINE;
	msr.e[1].index = MSR_IA32_TSC;
	if (ioctl(fd, KVM_GET_MSRS, &msr) == 2) {
		w->tsc_deadline = msr.e[0].data;
		w->tsc = msr.e[1].data;
	}
}

int kvm_vcpu_wait_state(int fd, struct vcpu_wait *w)
{
	struct kvm_regs r;

	if (read_mp_state(fd, w) < 0 || ioctl(fd, KVM_GET_REGS, &r) < 0)
		return -1;
	w->rip = r.rip;
	w->rflags = r.rflags;
	read_events(fd, w);
	read_lapic(fd, w);
	return 0;
}
