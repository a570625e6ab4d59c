// SPDX-License-Identifier: GPL-2.0
/*
 * A whole VM in a snapshot and back (snapshot.h): which sections, in which
 * order, and how each vCPU's state goes through the ioctls of uapi/tvmm.h.
 * Saving: the input thread of vmm/ with ctx->lock held and every vCPU
 * paused; restoring: the command's thread, before the vCPUs run.
 *
 * A vCPU is saved as sections of one kind of state each (registers,
 * segment registers, MSRs, pending events, CPUID, tvmmctl's own flags),
 * so that state tvmm.ko gains later (XSAVE and XCR0, debug registers)
 * slots in as further section types (format.h keeps their numbers).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/util.h"
#include "lib/x86.h"
#include "vmm/cpuid.h"
#include "snapshot/snapshot.h"

/* Section layouts of this file's types (devices/state.c has the rest). */
#define SNAP_V_MACHINE	1
#define SNAP_V_CLOCK	1
#define SNAP_V_REGS	1
#define SNAP_V_SREGS	1
#define SNAP_V_MSRS	1
#define SNAP_V_EVENTS	1
#define SNAP_V_CPUID	1
#define SNAP_V_LOOP	1

/*
 * The MSRs a vCPU's snapshot holds: those tvmm.ko keeps for the guest
 * (kmod/vmx/msr.c) beyond struct tvmm_sregs (EFER, FS and GS bases) and
 * the TSC (the clock section). The devices' own (dev_msrs[]) are their
 * state. When tvmm.ko lists its MSRs itself, snap_vcpu_msr_list() asks it.
 */
static const __u32 snap_vcpu_msrs[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_PAT, MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_CSTAR,
	MSR_IA32_FMASK, MSR_IA32_KERNEL_GS_BASE, MSR_IA32_TSC_AUX,
	MSR_IA32_MISC_ENABLE,
};

/* The MSRs to save: @max at most into @idx; their number. */
static unsigned int snap_vcpu_msr_list(const struct vmm *vmm, __u32 *idx,
				       unsigned int max)
{
	unsigned int i;

	/* TODO (issue 12, part A): TVMM_GET_MSR_INDEX_LIST, when it exists. */
	for (i = 0; i < ARRAY_SIZE(snap_vcpu_msrs) && i < max; i++)
		idx[i] = snap_vcpu_msrs[i];
	return i;
}

int snap_machine_set_cpuid(struct snap_machine_info *m, unsigned int cpu,
			   const struct tvmm_cpuid_entry *e, unsigned int n)
{
	struct tvmm_cpuid_entry *copy;

	if (cpu >= DEV_MAX_CPUS)
		return -EINVAL;
	copy = malloc((n ? n : 1) * sizeof(*e));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, e, n * sizeof(*e));
	free(m->cpuid[cpu]);
	m->cpuid[cpu] = copy;
	m->nent[cpu] = n;
	return 0;
}

void snap_machine_free(struct snap_machine_info *m)
{
	unsigned int i;

	for (i = 0; i < DEV_MAX_CPUS; i++)
		free(m->cpuid[i]);
	free(m->cmdline);
	memset(m, 0, sizeof(*m));
}

/* ---- saving ------------------------------------------------------------- */

static int snap_why(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

static int snap_save_machine(struct snap_writer *w,
			     const struct snap_machine_info *m)
{
	struct snap_machine sm = {
		.nr_vcpus = m->nr_vcpus,
		.ram_size = m->ram_size,
		.tsc_khz = m->tsc_khz,
		.flags = m->cmdline ? SNAP_MACHINE_CMDLINE : 0,
		.cmdline_len = m->cmdline ? strlen(m->cmdline) : 0,
	};

	snap_section_begin(w, SNAP_SEC_MACHINE, 0, SNAP_V_MACHINE);
	snap_write(w, &sm, sizeof(sm));
	snap_write(w, m->cmdline ? m->cmdline : "", sm.cmdline_len);
	return snap_section_end(w);
}

/* One vCPU's sections; what failed in @what. */
static int snap_save_vcpu(struct snap_writer *w, struct vmm *vmm,
			  const struct snap_machine_info *m, unsigned int cpu,
			  const char **what)
{
	struct vmm_vcpu *v = &vmm->vcpus[cpu];
	struct snap_vcpu_loop loop = {
		.flags = (v->halted ? SNAP_VCPU_HALTED : 0) |
			 (v->parked ? SNAP_VCPU_PARKED : 0),
	};
	__u64 buf[(sizeof(struct tvmm_msrs) + TVMM_MAX_MSR_ENTRIES *
		   sizeof(struct tvmm_msr_entry)) / sizeof(__u64)];
	struct tvmm_msrs *one = (struct tvmm_msrs *)buf;
	struct tvmm_msr_entry got[TVMM_MAX_MSR_ENTRIES];
	struct tvmm_vcpu_events events;
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	__u32 idx[TVMM_MAX_MSR_ENTRIES];
	unsigned int n, i, kept = 0;

	*what = "TVMM_GET_REGS";
	if (ioctl(v->fd, TVMM_GET_REGS, &regs))
		return -errno;
	*what = "TVMM_GET_SREGS";
	if (ioctl(v->fd, TVMM_GET_SREGS, &sregs))
		return -errno;
	/* One at a time: an MSR this tvmm.ko does not keep is left out. */
	*what = "TVMM_GET_MSRS";
	n = snap_vcpu_msr_list(vmm, idx, ARRAY_SIZE(idx));
	for (i = 0; i < n; i++) {
		memset(buf, 0, sizeof(buf));
		one->nmsrs = 1;
		one->entries[0].index = idx[i];
		if (ioctl(v->fd, TVMM_GET_MSRS, one) == 1)
			got[kept++] = one->entries[0];
	}
	*what = "TVMM_GET_VCPU_EVENTS";
	if (vmm->has_events && ioctl(v->fd, TVMM_GET_VCPU_EVENTS, &events))
		return -errno;
	/* Write errors are the writer's, found by snap_writer_close(). */
	snap_section(w, SNAP_SEC_VCPU_CPUID, cpu, SNAP_V_CPUID, m->cpuid[cpu],
		     m->nent[cpu] * sizeof(*m->cpuid[cpu]));
	snap_section(w, SNAP_SEC_VCPU_REGS, cpu, SNAP_V_REGS, &regs,
		     sizeof(regs));
	snap_section(w, SNAP_SEC_VCPU_SREGS, cpu, SNAP_V_SREGS, &sregs,
		     sizeof(sregs));
	snap_section(w, SNAP_SEC_VCPU_MSRS, cpu, SNAP_V_MSRS, got,
		     kept * sizeof(got[0]));
	if (vmm->has_events)
		snap_section(w, SNAP_SEC_VCPU_EVENTS, cpu, SNAP_V_EVENTS,
			     &events, sizeof(events));
	snap_section(w, SNAP_SEC_VCPU_LOOP, cpu, SNAP_V_LOOP, &loop,
		     sizeof(loop));
	return 0;
}

static int snap_save_devices(struct snap_writer *w, const struct vmm *vmm,
			     const struct dev_clock *clk)
{
	const struct dev_state_type *t;
	struct dev_state_buf b = { 0 };
	unsigned int i, id, n;
	int ret = 0;

	for (i = 0; i < dev_nr_state_types && !ret; i++) {
		t = &dev_state_types[i];
		n = t->per_cpu ? vmm->nr_vcpus : 1;
		for (id = 0; id < n && !ret; id++) {
			b.len = 0;
			ret = t->save(vmm->ctx, id, &b, clk);
			if (!ret)
				ret = snap_section(w, t->section, id,
						   t->version, b.data, b.len);
		}
	}
	dev_state_buf_free(&b);
	return ret;
}

int snap_save(const char *path, struct vmm *vmm,
	      const struct snap_machine_info *m, char *why, size_t len)
{
	struct snap_clock sc = {
		.tsc = vmm_guest_tsc(vmm),
		.ns = dev_now_ns(vmm->ctx),
	};
	struct dev_clock clk = { .ns = sc.ns, .tsc = sc.tsc };
	__u32 features[SNAP_NR_FEATURE_WORDS];
	struct snap_writer w;
	const char *what;
	__u64 start, end;
	unsigned int i;
	int ret;

	snap_features_from_cpuid(m->cpuid[0], m->nent[0], features);
	ret = snap_writer_open(&w, path, features);
	if (ret) {
		snap_writer_abort(&w);
		return snap_why(why, len, ret, "%s: %s", path, strerror(-ret));
	}
	snap_save_machine(&w, m);
	snap_section(&w, SNAP_SEC_CLOCK, 0, SNAP_V_CLOCK, &sc, sizeof(sc));
	for (i = 0; i < vmm->nr_vcpus; i++) {
		ret = snap_save_vcpu(&w, vmm, m, i, &what);
		if (ret) {
			snap_writer_abort(&w);
			return snap_why(why, len, ret, "vCPU %u: %s: %s", i,
					what, strerror(-ret));
		}
	}
	snap_save_devices(&w, vmm, &clk);
	for (i = 0; vmm_ram_slot(vmm, i, &start, &end); i++)
		snap_write_memory(&w, i, start, vmm->ram.hva + start,
				  end - start);
	ret = snap_writer_close(&w);
	if (ret)
		return snap_why(why, len, ret, "%s: %s", path, strerror(-ret));
	return 0;
}

/* ---- restoring ---------------------------------------------------------- */

static enum snap_error snap_bad(struct snap_file *f,
				const struct snap_section *s,
				const char *fmt, ...)
{
	char label[64];
	va_list ap;
	int n;

	n = snprintf(f->why, sizeof(f->why), "%s: ",
		     snap_section_label(s, label, sizeof(label)));
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(f->why))
		vsnprintf(f->why + n, sizeof(f->why) - n, fmt, ap);
	va_end(ap);
	return SNAP_ERR_LAYOUT;
}

static enum snap_error snap_missing(struct snap_file *f, __u32 type,
				    __u32 id)
{
	snprintf(f->why, sizeof(f->why), "no %s section for %u: incomplete",
		 snap_type_name(type), id);
	return SNAP_ERR_LAYOUT;
}

/* The section @type/@id in version @version, @size bytes (0: any). */
static const struct snap_section *snap_need(struct snap_file *f, __u32 type,
					    __u32 id, __u32 version,
					    size_t size, enum snap_error *err)
{
	const struct snap_section *s = snap_find(f, type, id);

	*err = SNAP_OK;
	if (!s) {
		*err = snap_missing(f, type, id);
	} else if (s->version != version) {
		*err = snap_bad(f, s, "layout version %u; this tvmmctl reads %u",
				s->version, version);
		s = NULL;
	} else if (size && s->length != size) {
		*err = snap_bad(f, s, "%llu bytes, not %zu",
				(unsigned long long)s->length, size);
		s = NULL;
	}
	return s;
}

enum snap_error snap_load_machine(struct snap_file *f,
				  struct snap_machine_info *m)
{
	const struct snap_section *s;
	struct snap_machine sm;
	enum snap_error err;
	unsigned int cpu;

	memset(m, 0, sizeof(*m));
	s = snap_need(f, SNAP_SEC_MACHINE, 0, SNAP_V_MACHINE, 0, &err);
	if (!s)
		return err;
	if (s->length < sizeof(sm))
		return snap_bad(f, s, "too short");
	memcpy(&sm, s->data, sizeof(sm));
	if (s->length != sizeof(sm) + sm.cmdline_len ||
	    sm.flags & ~SNAP_MACHINE_CMDLINE ||
	    (!(sm.flags & SNAP_MACHINE_CMDLINE) && sm.cmdline_len) ||
	    memchr((const char *)s->data + sizeof(sm), '\0', sm.cmdline_len))
		return snap_bad(f, s, "not a machine of layout version 1");
	if (!sm.nr_vcpus || sm.nr_vcpus > DEV_MAX_CPUS || !sm.ram_size ||
	    sm.ram_size % SNAP_PAGE_SIZE || sm.ram_size > (size_t)-1)
		return snap_bad(f, s, "%u vCPUs, %llu bytes of RAM",
				sm.nr_vcpus, (unsigned long long)sm.ram_size);
	m->nr_vcpus = sm.nr_vcpus;
	m->ram_size = sm.ram_size;
	m->tsc_khz = sm.tsc_khz;
	if (sm.flags & SNAP_MACHINE_CMDLINE) {
		m->cmdline = strndup((const char *)s->data + sizeof(sm),
				     sm.cmdline_len);
		if (!m->cmdline)
			goto nomem;
	}
	for (cpu = 0; cpu < m->nr_vcpus; cpu++) {
		s = snap_need(f, SNAP_SEC_VCPU_CPUID, cpu, SNAP_V_CPUID, 0,
			      &err);
		if (!s)
			goto fail;
		if (s->length % sizeof(struct tvmm_cpuid_entry) ||
		    s->length / sizeof(struct tvmm_cpuid_entry) >
		    TVMM_MAX_CPUID_ENTRIES) {
			err = snap_bad(f, s, "not a CPUID table");
			goto fail;
		}
		if (snap_machine_set_cpuid(m, cpu, s->data, s->length /
					   sizeof(struct tvmm_cpuid_entry)))
			goto nomem;
	}
	return SNAP_OK;
nomem:
	snprintf(f->why, sizeof(f->why), "%s", strerror(ENOMEM));
	err = SNAP_ERR_IO;
fail:
	snap_machine_free(m);
	return err;
}

/* Every vCPU's state sections, in versions and sizes this tvmmctl reads. */
static enum snap_error snap_check_vcpus(struct snap_file *f,
					const struct snap_machine_info *m)
{
	const struct snap_section *s;
	const struct snap_vcpu_loop *loop;
	enum snap_error err;
	unsigned int cpu;

	for (cpu = 0; cpu < m->nr_vcpus; cpu++) {
		if (!snap_need(f, SNAP_SEC_VCPU_REGS, cpu, SNAP_V_REGS,
			       sizeof(struct tvmm_regs), &err) ||
		    !snap_need(f, SNAP_SEC_VCPU_SREGS, cpu, SNAP_V_SREGS,
			       sizeof(struct tvmm_sregs), &err))
			return err;
		s = snap_need(f, SNAP_SEC_VCPU_MSRS, cpu, SNAP_V_MSRS, 0, &err);
		if (!s)
			return err;
		if (s->length % sizeof(struct tvmm_msr_entry) ||
		    s->length / sizeof(struct tvmm_msr_entry) >
		    TVMM_MAX_MSR_ENTRIES)
			return snap_bad(f, s, "not a list of MSRs");
		s = snap_find(f, SNAP_SEC_VCPU_EVENTS, cpu);
		if (s && !snap_need(f, SNAP_SEC_VCPU_EVENTS, cpu,
				    SNAP_V_EVENTS,
				    sizeof(struct tvmm_vcpu_events), &err))
			return err;
		s = snap_need(f, SNAP_SEC_VCPU_LOOP, cpu, SNAP_V_LOOP,
			      sizeof(*loop), &err);
		if (!s)
			return err;
		loop = s->data;
		if (loop->flags & ~(SNAP_VCPU_HALTED | SNAP_VCPU_PARKED) ||
		    loop->reserved)
			return snap_bad(f, s, "flags 0x%x", loop->flags);
	}
	return SNAP_OK;
}

/* Each device loads into @scratch. */
static enum snap_error snap_check_devices_in(struct snap_file *f,
					     const struct snap_machine_info *m,
					     struct dev_ctx *scratch)
{
	const struct dev_clock clk = { 0 };
	const struct dev_state_type *t;
	const struct snap_section *s;
	unsigned int i, id, n;

	for (i = 0; i < dev_nr_state_types; i++) {
		t = &dev_state_types[i];
		n = t->per_cpu ? m->nr_vcpus : 1;
		for (id = 0; id < n; id++) {
			s = snap_find(f, t->section, id);
			if (!s)
				return snap_missing(f, t->section, id);
			if (s->version != t->version)
				return snap_bad(f, s,
						"layout version %u; this tvmmctl reads %u",
						s->version, t->version);
			if (dev_state_load(scratch, t, id, s->version,
					   s->data, s->length, &clk))
				return snap_bad(f, s,
						"values a %s cannot hold",
						snap_type_name(t->section));
		}
	}
	return SNAP_OK;
}

/* Each device loads into a scratch set of devices. */
static enum snap_error snap_check_devices(struct snap_file *f,
					  const struct snap_machine_info *m)
{
	static struct dev_ctx scratch;
	enum snap_error err;

	dev_ctx_init(&scratch, NULL, false);
	scratch.nr_cpus = m->nr_vcpus;
	err = snap_check_devices_in(f, m, &scratch);
	pthread_mutex_destroy(&scratch.lock);
	return err;
}

/* No section the machine has no place for: it would be lost. */
static enum snap_error snap_check_extra(struct snap_file *f,
					const struct snap_machine_info *m)
{
	const struct dev_state_type *t;
	const struct snap_section *s;
	unsigned int i;

	for (i = 0; i < f->nr; i++) {
		s = &f->sec[i];
		t = dev_state_type_find(s->type);
		if (s->type == SNAP_SEC_MACHINE || s->type == SNAP_SEC_CLOCK ||
		    s->type == SNAP_SEC_MEMORY)
			continue;
		if (t ? (t->per_cpu ? s->id >= m->nr_vcpus : s->id != 0) :
		    s->id >= m->nr_vcpus)
			return snap_bad(f, s, "for a vCPU or device the machine has not");
	}
	return SNAP_OK;
}

enum snap_error snap_check_state(struct snap_file *f,
				 const struct snap_machine_info *m)
{
	struct snap_memory mem;
	enum snap_error err;
	unsigned int i;

	if (!snap_need(f, SNAP_SEC_CLOCK, 0, SNAP_V_CLOCK,
		       sizeof(struct snap_clock), &err))
		return err;
	err = snap_check_vcpus(f, m);
	if (!err)
		err = snap_check_devices(f, m);
	if (!err)
		err = snap_check_extra(f, m);
	for (i = 0; i < f->nr && !err; i++)
		if (f->sec[i].type == SNAP_SEC_MEMORY)
			err = snap_memory_check(&f->sec[i], m->ram_size, &mem,
						f->why, sizeof(f->why));
	return err;
}

void snap_load_memory(const struct snap_file *f, struct guest_ram *ram)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++)
		if (f->sec[i].type == SNAP_SEC_MEMORY)
			snap_memory_load(&f->sec[i], ram->hva);
}

__u64 snap_saved_tsc(const struct snap_file *f)
{
	const struct snap_section *s = snap_find(f, SNAP_SEC_CLOCK, 0);
	struct snap_clock sc = { 0 };

	if (s && s->length == sizeof(sc))
		memcpy(&sc, s->data, sizeof(sc));
	return sc.tsc;
}

static int snap_vcpu_failed(struct snap_file *f, unsigned int cpu,
			    const char *what, int err)
{
	snprintf(f->why, sizeof(f->why), "vCPU %u: %s: %s", cpu, what,
		 strerror(-err));
	return err;
}

/* Sections checked by snap_check_state(). */
static int snap_load_vcpu(struct snap_file *f, struct vmm *vmm,
			  unsigned int cpu)
{
	__u64 buf[(sizeof(struct tvmm_msrs) + TVMM_MAX_MSR_ENTRIES *
		   sizeof(struct tvmm_msr_entry)) / sizeof(__u64)] = { 0 };
	struct tvmm_msrs *msrs = (struct tvmm_msrs *)buf;
	struct vmm_vcpu *v = &vmm->vcpus[cpu];
	const struct snap_vcpu_loop *loop;
	const struct snap_section *s;
	int n;

	s = snap_find(f, SNAP_SEC_VCPU_SREGS, cpu);
	if (ioctl(v->fd, TVMM_SET_SREGS, s->data))
		return snap_vcpu_failed(f, cpu, "TVMM_SET_SREGS", -errno);
	s = snap_find(f, SNAP_SEC_VCPU_REGS, cpu);
	if (ioctl(v->fd, TVMM_SET_REGS, s->data))
		return snap_vcpu_failed(f, cpu, "TVMM_SET_REGS", -errno);
	s = snap_find(f, SNAP_SEC_VCPU_MSRS, cpu);
	msrs->nmsrs = s->length / sizeof(struct tvmm_msr_entry);
	memcpy(msrs->entries, s->data, s->length);
	n = ioctl(v->fd, TVMM_SET_MSRS, msrs);
	if (n < 0)
		return snap_vcpu_failed(f, cpu, "TVMM_SET_MSRS", -errno);
	if ((__u32)n < msrs->nmsrs) {
		snprintf(f->why, sizeof(f->why),
			 "vCPU %u: TVMM_SET_MSRS refused MSR 0x%x", cpu,
			 msrs->entries[n].index);
		return -EINVAL;
	}
	s = snap_find(f, SNAP_SEC_VCPU_EVENTS, cpu);
	if (s && !vmm->has_events) {
		snprintf(f->why, sizeof(f->why),
			 "vCPU %u has pending events, and this tvmm.ko lacks TVMM_CAP_VCPU_EVENTS",
			 cpu);
		return -EOPNOTSUPP;
	}
	if (s && ioctl(v->fd, TVMM_SET_VCPU_EVENTS, s->data))
		return snap_vcpu_failed(f, cpu, "TVMM_SET_VCPU_EVENTS", -errno);
	loop = snap_find(f, SNAP_SEC_VCPU_LOOP, cpu)->data;
	v->halted = loop->flags & SNAP_VCPU_HALTED;
	v->parked = loop->flags & SNAP_VCPU_PARKED;
	return 0;
}

int snap_load_vcpus(struct snap_file *f, struct vmm *vmm)
{
	unsigned int cpu;
	int ret;

	for (cpu = 0; cpu < vmm->nr_vcpus; cpu++) {
		ret = snap_load_vcpu(f, vmm, cpu);
		if (ret)
			return ret;
	}
	return 0;
}

int snap_load_devices(struct snap_file *f, struct dev_ctx *ctx,
		      const struct dev_clock *clk)
{
	const struct dev_state_type *t;
	const struct snap_section *s;
	unsigned int i, id, n;

	for (i = 0; i < dev_nr_state_types; i++) {
		t = &dev_state_types[i];
		n = t->per_cpu ? ctx->nr_cpus : 1;
		for (id = 0; id < n; id++) {
			s = snap_find(f, t->section, id);
			if (!s || dev_state_load(ctx, t, id, s->version,
						 s->data, s->length, clk)) {
				snprintf(f->why, sizeof(f->why),
					 "%s %u does not load",
					 snap_type_name(t->section), id);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* ---- snapshot info ------------------------------------------------------ */

static const char *snap_mode(const struct tvmm_sregs *s)
{
	if (!(s->cr0 & X86_CR0_PE))
		return "real";
	if (s->efer & EFER_LMA)
		return s->cs.l ? "long" : "compatibility";
	return "protected";
}

static void snap_print_vcpu(FILE *out, const struct snap_file *f,
			    unsigned int cpu)
{
	const struct snap_section *r = snap_find(f, SNAP_SEC_VCPU_REGS, cpu);
	const struct snap_section *s = snap_find(f, SNAP_SEC_VCPU_SREGS, cpu);
	const struct snap_section *l = snap_find(f, SNAP_SEC_VCPU_LOOP, cpu);
	const struct snap_section *e = snap_find(f, SNAP_SEC_VCPU_EVENTS, cpu);
	struct tvmm_vcpu_events ev = { 0 };
	struct snap_vcpu_loop loop = { 0 };
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;

	if (!r || r->length != sizeof(regs) || !s ||
	    s->length != sizeof(sregs)) {
		fprintf(out, "vCPU %u: no registers\n", cpu);
		return;
	}
	memcpy(&regs, r->data, sizeof(regs));
	memcpy(&sregs, s->data, sizeof(sregs));
	if (l && l->length == sizeof(loop))
		memcpy(&loop, l->data, sizeof(loop));
	if (e && e->length == sizeof(ev))
		memcpy(&ev, e->data, sizeof(ev));
	fprintf(out, "vCPU %u: %s mode, rip 0x%llx, rflags 0x%llx%s%s%s\n",
		cpu, snap_mode(&sregs), (unsigned long long)regs.rip,
		(unsigned long long)regs.rflags,
		loop.flags & SNAP_VCPU_HALTED ? ", halted" : "",
		loop.flags & SNAP_VCPU_PARKED ? ", parked" : "",
		ev.interrupt.queued ? ", an interrupt queued" : "");
}

void snap_print_info(FILE *out, const char *path, const struct snap_file *f)
{
	const struct snap_section *ms = snap_find(f, SNAP_SEC_MACHINE, 0);
	const struct snap_section *s;
	struct snap_machine sm = { 0 };
	struct snap_clock sc = { 0 };
	char label[64], word[64];
	__u64 pages = 0, stored = 0;
	const struct snap_memory *mem;
	unsigned int i, w;

	fprintf(out, "%s: tvmm snapshot, format version %u, written by tvmmctl %.*s\n",
		path, f->hdr.format_version, SNAP_VERSION_LEN,
		f->hdr.tvmmctl_version);
	fprintf(out, "size: %llu bytes, %u sections, checksums good\n",
		(unsigned long long)f->hdr.file_size, f->nr);
	if (ms && ms->length >= sizeof(sm))
		memcpy(&sm, ms->data, sizeof(sm));
	s = snap_find(f, SNAP_SEC_CLOCK, 0);
	if (s && s->length == sizeof(sc))
		memcpy(&sc, s->data, sizeof(sc));
	fprintf(out, "machine: %u vCPUs, %llu MiB of RAM, TSC at %u kHz\n",
		sm.nr_vcpus, (unsigned long long)(sm.ram_size >> 20),
		sm.tsc_khz);
	if (sm.flags & SNAP_MACHINE_CMDLINE && ms &&
	    ms->length == sizeof(sm) + sm.cmdline_len)
		fprintf(out, "command line: %.*s\n", (int)sm.cmdline_len,
			(const char *)ms->data + sizeof(sm));
	fprintf(out, "guest TSC when saved: %llu\n",
		(unsigned long long)sc.tsc);
	fprintf(out, "CPU features needed:\n");
	for (w = 0; w < SNAP_NR_FEATURE_WORDS; w++)
		fprintf(out, "  %-26s 0x%08x\n",
			snap_feature_word_name(w, word, sizeof(word)),
			f->hdr.features[w]);
	for (i = 0; i < sm.nr_vcpus && i < DEV_MAX_CPUS; i++)
		snap_print_vcpu(out, f, i);
	for (i = 0; i < f->nr; i++) {
		s = &f->sec[i];
		if (s->type != SNAP_SEC_MEMORY || s->length < sizeof(*mem))
			continue;
		mem = s->data;
		pages += mem->size / SNAP_PAGE_SIZE;
		stored += mem->nr_stored;
	}
	fprintf(out, "memory: %llu pages, %llu stored, %llu of zeros left out\n",
		(unsigned long long)pages, (unsigned long long)stored,
		(unsigned long long)(pages - stored));
	fprintf(out, "sections:\n");
	for (i = 0; i < f->nr; i++) {
		s = &f->sec[i];
		fprintf(out, "  %-36s version %u, %llu bytes at %llu\n",
			snap_section_label(s, label, sizeof(label)),
			s->version, (unsigned long long)s->length,
			(unsigned long long)s->offset);
	}
}
