/* SPDX-License-Identifier: MIT */
/*
 * What a KVM vCPU waits on (struct vcpu_wait, stall.h), read with
 * KVM_GET_MP_STATE, KVM_GET_REGS, KVM_GET_VCPU_EVENTS, KVM_GET_LAPIC and
 * KVM_GET_MSRS: the `nested` platform's vcpu_wait_state. The vCPU must not
 * be in KVM_RUN (these ioctls wait for it).
 */
#ifndef MANTLE_VMM_KVM_WAIT_H
#define MANTLE_VMM_KVM_WAIT_H

#include <stdint.h>

#include "stall.h"

#define LAPIC_PAGE_SIZE 0x400 /* KVM_APIC_REG_SIZE */

/* 0, or -1 with errno if the mp_state or the registers are unreadable (the
 * events and the LAPIC are best effort). */
int kvm_vcpu_wait_state(int vcpu_fd, struct vcpu_wait *w);

/* The LAPIC fields of w from the register page KVM_GET_LAPIC returns. */
void lapic_wait_parse(const uint8_t regs[LAPIC_PAGE_SIZE], struct vcpu_wait *w);

#endif
