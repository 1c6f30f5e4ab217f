// SPDX-License-Identifier: MIT
/*
 * The `nested` platform: KVM inside the paravisor VM. In-kernel irqchip
 * (PIC, IOAPIC, LAPICs) and PIT; vCPUs other than 0 start in KVM's
 * wait-for-SIPI state and the guest brings them up with INIT/SIPI.
 */
#include "platform.h"
#include "cpuid.h"
#include "e820.h"
#include "errf.h"
#include "kvm_wait.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#define KVM_DEV "/dev/kvm"
/* Three pages in the 3..4 GiB hole, as KVM on Intel needs for real mode. */
#define KVM_IDENTITY_MAP_GPA 0xFEFFC000ull
#define KVM_TSS_GPA 0xFEFFD000ull

struct pvm {
	int kvm_fd;
	int vm_fd;
	int run_size;
	int tsc_deadline;
	unsigned int cpus;
	uint32_t mantle_cpuid_base;
	struct cpuid_bus bus;
	struct kvm_cpuid2 *supported;
	uint32_t next_slot; /* the next free memory slot after guest RAM */
};

/* Slots 0 and 1: guest RAM below and above the hole. */
#define FIRST_DEVICE_SLOT 2u

struct pvcpu {
	struct pvm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
};

/* /dev/kvm is opened once and kept: a reboot builds the VM again after the
 * seccomp allowlist (guard.c) has forbidden opening files. */
static int kvm_dev = -1;

static int open_kvm(char *err, size_t errlen)
{
	int fd;

	if (kvm_dev < 0) {
		fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return errf(err, errlen,
				    "KVM unavailable: cannot open " KVM_DEV
				    ": %s (is kvm-amd or kvm-intel loaded?)",
				    strerror(errno));
		if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
			close(fd);
			return errf(err, errlen,
				    "KVM unavailable: API version is not %d",
				    KVM_API_VERSION);
		}
		kvm_dev = fd;
	}
	fd = fcntl(kvm_dev, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return errf(err, errlen, "dup " KVM_DEV ": %s",
			    strerror(errno));
	return fd;
}

static int nested_probe(char *err, size_t errlen)
{
	static const struct {
		int cap;
		const char *name;
	} caps[] = {
		{ KVM_CAP_IRQCHIP, "IRQCHIP" },
		{ KVM_CAP_PIT2, "PIT2" },
		{ KVM_CAP_IMMEDIATE_EXIT, "IMMEDIATE_EXIT" },
		{ KVM_CAP_EXT_CPUID, "EXT_CPUID" },
		{ KVM_CAP_USER_MEMORY, "USER_MEMORY" },
	};
	int fd = open_kvm(err, errlen);

	if (fd < 0)
		return -1;
	for (unsigned int i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (ioctl(fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0) {
			close(fd);
			return errf(err, errlen,
				    "KVM unavailable: it lacks KVM_CAP_%s",
				    caps[i].name);
		}
	}
	close(fd);
	return 0;
}

static struct kvm_cpuid2 *get_supported_cpuid(int kvm_fd)
{
	struct kvm_cpuid2 *c;

	c = calloc(1, sizeof(*c) + CPUID_MAX_ENTRIES * sizeof(c->entries[0]));
	if (!c)
		return NULL;
	c->nent = CPUID_MAX_ENTRIES - 8; /* room for Mantle's leaves */
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

static int map_ram(struct pvm *vm, uint32_t slot, uint64_t gpa, void *host,
		   uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

/*
 * Route every GSI to the IOAPIC only. KVM's default routing also feeds GSIs
 * 0-15 to the in-kernel PIC, which nothing programs on a hardware-reduced
 * ACPI machine; left unmasked it would inject stray ExtINT vectors.
 */
static int route_ioapic_only(struct pvm *vm)
{
	struct {
		struct kvm_irq_routing r;
		struct kvm_irq_routing_entry e[KVM_IOAPIC_NUM_PINS];
	} rt;

	memset(&rt, 0, sizeof(rt));
	rt.r.nr = KVM_IOAPIC_NUM_PINS;
	for (uint32_t i = 0; i < KVM_IOAPIC_NUM_PINS; i++) {
		rt.e[i].gsi = i;
		rt.e[i].type = KVM_IRQ_ROUTING_IRQCHIP;
		rt.e[i].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		rt.e[i].u.irqchip.pin = i;
	}
	return ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, &rt.r);
}

static void nested_vm_destroy(struct pvm *vm)
{
	if (!vm)
		return;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm->supported);
	free(vm);
}

static struct pvm *nested_vm_create(const struct vm_setup *s, char *err,
				    size_t errlen)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t ident = KVM_IDENTITY_MAP_GPA;
	struct pvm *vm = calloc(1, sizeof(*vm));
	const char *what = NULL;

	if (!vm) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	vm->vm_fd = -1;
	vm->next_slot = FIRST_DEVICE_SLOT;
	vm->cpus = s->cpus;
	vm->mantle_cpuid_base = s->mantle_cpuid_base;
	vm->bus = s->bus;
	vm->kvm_fd = open_kvm(err, errlen);
	if (vm->kvm_fd < 0)
		goto fail_msg;
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->tsc_deadline = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
				 KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	vm->supported = get_supported_cpuid(vm->kvm_fd);
	if (vm->run_size <= 0 || !vm->supported) {
		what = "KVM_GET_VCPU_MMAP_SIZE/KVM_GET_SUPPORTED_CPUID";
		goto fail;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		what = "KVM_CREATE_VM";
		goto fail;
	}
	/* Intel needs these for real mode (APs start there); harmless on
	 * AMD. */
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) < 0 ||
	    ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_GPA) <
		    0) {
		what = "KVM_SET_IDENTITY_MAP_ADDR/KVM_SET_TSS_ADDR";
		goto fail;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		what = "KVM_CREATE_IRQCHIP";
		goto fail;
	}
	if (route_ioapic_only(vm) < 0) {
		what = "KVM_SET_GSI_ROUTING";
		goto fail;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		what = "KVM_CREATE_PIT2";
		goto fail;
	}
	if (map_ram(vm, 0, 0, s->ram, s->low_size) < 0 ||
	    (s->high_size && map_ram(vm, 1, MEM_HIGH_BASE, s->ram + s->low_size,
				     s->high_size) < 0)) {
		what = "KVM_SET_USER_MEMORY_REGION";
		goto fail;
	}
	/* The guest's whole physical memory map: the isolation test checks
	 * that it is guest RAM and nothing else. */
	pv_log("memslot 0: gpa 0x0 size 0x%llx host guest-ram+0x0",
	       (unsigned long long)s->low_size);
	if (s->high_size)
		pv_log("memslot 1: gpa 0x%llx size 0x%llx host guest-ram+0x%llx",
		       (unsigned long long)MEM_HIGH_BASE,
		       (unsigned long long)s->high_size,
		       (unsigned long long)s->low_size);
	return vm;
fail:
	errf(err, errlen, "KVM set-up failed: %s: %s", what, strerror(errno));
fail_msg:
	nested_vm_destroy(vm);
	return NULL;
}

static int nested_map_device_mem(struct pvm *vm, uint64_t gpa, void *host,
				 uint64_t size, const char *what)
{
	uint32_t slot = vm->next_slot;

	if (map_ram(vm, slot, gpa, host, size) < 0)
		return -1;
	vm->next_slot++;
	pv_log("memslot %u: gpa 0x%llx size 0x%llx host %s", slot,
	       (unsigned long long)gpa, (unsigned long long)size, what);
	return 0;
}

static int nested_irq_line(struct pvm *vm, unsigned int gsi, int level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level ? 1 : 0 };

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &l);
}

static void nested_vcpu_destroy(struct pvcpu *v)
{
	if (!v)
		return;
	if (v->run)
		munmap(v->run, (size_t)v->vm->run_size);
	if (v->fd >= 0)
		close(v->fd);
	free(v);
}

/*
 * Start with XCR0 = every XSAVE component CPUID 0xD offers, which is what
 * the guest kernel enables. KVM derives the size in CPUID 0xD from its view
 * of XCR0; where that view does not follow the guest's XSETBV (seen under
 * nested SVM on QEMU TCG) the guest would otherwise read the size of x87/SSE
 * only, warn about XSAVE consistency and turn XSAVE off.
 */
static int set_xcr0(struct pvcpu *v, const struct kvm_cpuid2 *c)
{
	const struct kvm_cpuid_entry2 *d =
		cpuid_find(c->entries, c->nent, 0xD, 0);
	struct kvm_xcrs x;

	if (!d || ioctl(v->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) <= 0)
		return 0;
	memset(&x, 0, sizeof(x));
	x.nr_xcrs = 1;
	x.xcrs[0].xcr = 0;
	x.xcrs[0].value = (uint64_t)d->eax | ((uint64_t)d->edx << 32);
	return ioctl(v->fd, KVM_SET_XCRS, &x);
}

static int set_cpuid(struct pvcpu *v)
{
	struct pvm *vm = v->vm;
	struct cpuid_opts o = {
		.apic_id = v->id,
		.cpus = vm->cpus,
		.tsc_deadline = vm->tsc_deadline,
		.mantle_base = vm->mantle_cpuid_base,
		.bus = vm->bus,
	};
	size_t sz = sizeof(struct kvm_cpuid2) +
		    CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = malloc(sz);
	int n, rc;

	if (!c)
		return -1;
	memcpy(c, vm->supported,
	       sizeof(*c) + vm->supported->nent * sizeof(c->entries[0]));
	n = cpuid_build(c->entries, c->nent, CPUID_MAX_ENTRIES, &o);
	if (n < 0) {
		free(c);
		errno = ENOSPC;
		return -1;
	}
	c->nent = (uint32_t)n;
	rc = ioctl(v->fd, KVM_SET_CPUID2, c);
	/* Only a workaround: the guest runs without it (and warns). */
	if (rc == 0 && set_xcr0(v, c) < 0 && v->id == 0)
		pv_log("KVM_SET_XCRS: %s (the guest may warn about XSAVE)",
		       strerror(errno));
	free(c);
	return rc;
}

static struct pvcpu *nested_vcpu_create(struct pvm *vm, unsigned int id,
					char *err, size_t errlen)
{
	struct pvcpu *v = calloc(1, sizeof(*v));
	void *run;

	if (!v) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	v->vm = vm;
	v->id = id;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0) {
		errf(err, errlen, "KVM_CREATE_VCPU %u: %s", id,
		     strerror(errno));
		goto fail;
	}
	run = mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, v->fd, 0);
	if (run == MAP_FAILED) {
		errf(err, errlen, "mmap kvm_run: %s", strerror(errno));
		goto fail;
	}
	v->run = run;
	if (set_cpuid(v) < 0) {
		errf(err, errlen, "KVM_SET_CPUID2 on vCPU %u: %s", id,
		     strerror(errno));
		goto fail;
	}
	return v;
fail:
	nested_vcpu_destroy(v);
	return NULL;
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int l,
		    int db)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = 0;
	s->limit = 0xFFFFFFFF;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->l = (uint8_t)l;
	s->db = (uint8_t)db;
	s->g = 1;
}

static int nested_set_boot_regs(struct pvcpu *v, const struct boot_regs *b)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	set_seg(&sregs.cs, b->cs, 0xB, 1, 0); /* execute/read, accessed */
	set_seg(&sregs.ds, b->ds, 0x3, 0, 1); /* read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/* A busy 64-bit TSS: VMX wants a usable TR in long mode. */
	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.limit = 0x67;
	sregs.tr.type = 0xB;
	sregs.tr.present = 1;
	sregs.gdt.base = b->gdt_base;
	sregs.gdt.limit = b->gdt_limit;
	sregs.cr0 = b->cr0;
	sregs.cr3 = b->cr3;
	sregs.cr4 = b->cr4;
	sregs.efer = b->efer;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		return -1;
	memset(&regs, 0, sizeof(regs));
	regs.rip = b->rip;
	regs.rsi = b->rsi;
	regs.rsp = b->rsp;
	regs.rflags = b->rflags;
	return ioctl(v->fd, KVM_SET_REGS, &regs);
}

static int nested_vcpu_run(struct pvcpu *v, struct vmexit *e)
{
	struct kvm_run *r = v->run;

	memset(e, 0, sizeof(*e));
	if (ioctl(v->fd, KVM_RUN, 0) < 0) {
		if (errno == EINTR || errno == EAGAIN) {
			e->kind = VMEXIT_RETRY;
			return 0;
		}
		return -1;
	}
	e->reason = r->exit_reason;
	switch (r->exit_reason) {
	case KVM_EXIT_IO:
		e->kind = VMEXIT_IO;
		e->port = r->io.port;
		e->size = r->io.size;
		e->is_write = r->io.direction == KVM_EXIT_IO_OUT;
		e->count = r->io.count;
		/* KVM keeps data_offset + size * count inside the run page. */
		e->data = (uint8_t *)r + r->io.data_offset;
		break;
	case KVM_EXIT_MMIO:
		e->kind = VMEXIT_MMIO;
		e->addr = r->mmio.phys_addr;
		e->len = r->mmio.len > 8 ? 8 : r->mmio.len;
		e->is_write = r->mmio.is_write;
		e->data = r->mmio.data;
		break;
	case KVM_EXIT_HLT:
		e->kind = VMEXIT_HLT;
		break;
	case KVM_EXIT_INTR:
		e->kind = VMEXIT_RETRY;
		break;
	case KVM_EXIT_SHUTDOWN:
		e->kind = VMEXIT_SHUTDOWN;
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		if (r->system_event.type == KVM_SYSTEM_EVENT_RESET)
			e->kind = VMEXIT_SYSTEM_RESET;
		else if (r->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
			e->kind = VMEXIT_SYSTEM_OFF;
		else if (r->system_event.type == KVM_SYSTEM_EVENT_CRASH)
			e->kind = VMEXIT_SHUTDOWN;
		else
			e->kind = VMEXIT_UNKNOWN;
		e->detail = r->system_event.type;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		e->kind = VMEXIT_FAIL;
		e->detail = r->fail_entry.hardware_entry_failure_reason;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		e->kind = VMEXIT_FAIL;
		e->detail = r->internal.suberror;
		break;
	default:
		e->kind = VMEXIT_UNKNOWN;
		break;
	}
	return 0;
}

static void nested_vcpu_stop(struct pvcpu *v)
{
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

static void dump_seg(FILE *out, const char *n, const struct kvm_segment *s)
{
	fprintf(out,
		"mantle-paravisor:   %s sel=%04x base=%016llx limit=%08x "
		"type=%x p=%u dpl=%u l=%u db=%u\n",
		n, s->selector, (unsigned long long)s->base, s->limit, s->type,
		s->present, s->dpl, s->l, s->db);
}

static void nested_vcpu_dump(struct pvcpu *v, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out,
			"mantle-paravisor: vCPU %u: cannot read registers: %s\n",
			v->id, strerror(errno));
		return;
	}
	fprintf(out, "mantle-paravisor: vCPU %u registers:\n", v->id);
	fprintf(out,
		"mantle-paravisor:   rip=%016llx rsp=%016llx rflags=%016llx\n"
		"mantle-paravisor:   rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
		"mantle-paravisor:   rsi=%016llx rdi=%016llx rbp=%016llx\n"
		"mantle-paravisor:   r8=%016llx r9=%016llx r10=%016llx r11=%016llx\n"
		"mantle-paravisor:   r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n",
		r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi,
		r.rdi, r.rbp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14,
		r.r15);
	fprintf(out,
		"mantle-paravisor:   cr0=%016llx cr2=%016llx cr3=%016llx "
		"cr4=%016llx efer=%016llx\n",
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	dump_seg(out, "cs", &s.cs);
	dump_seg(out, "ss", &s.ss);
	dump_seg(out, "ds", &s.ds);
	fprintf(out, "mantle-paravisor:   gdt=%016llx/%04x idt=%016llx/%04x\n",
		s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
}

/* The stall watchdog's view of a vCPU (stall.c, kvm_wait.c). */
static int nested_vcpu_stats_fd(struct pvcpu *v)
{
	return ioctl(v->fd, KVM_GET_STATS_FD, 0);
}

static int nested_vcpu_wait_state(struct pvcpu *v, struct vcpu_wait *w)
{
	return kvm_vcpu_wait_state(v->fd, w);
}

const struct platform_ops platform_nested_ops = {
	.name = "nested",
	.probe = nested_probe,
	.vm_create = nested_vm_create,
	.vm_destroy = nested_vm_destroy,
	.map_device_mem = nested_map_device_mem,
	.irq_line = nested_irq_line,
	.vcpu_create = nested_vcpu_create,
	.vcpu_destroy = nested_vcpu_destroy,
	.vcpu_set_boot_regs = nested_set_boot_regs,
	.vcpu_run = nested_vcpu_run,
	.vcpu_stop = nested_vcpu_stop,
	.vcpu_dump = nested_vcpu_dump,
	.vcpu_stats_fd = nested_vcpu_stats_fd,
	.vcpu_wait_state = nested_vcpu_wait_state,
};
