/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - tvmm's tracepoints, for the kernel's standard tracing tools
 * (as KVM has kvm:kvm_exit): tracefs events/tvmm/, perf, trace-cmd.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tvmm

#if !defined(TVMM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define TVMM_TRACE_H

#include <linux/tracepoint.h>

/* Every VM exit, handled in the kernel or not: reason, RIP, qualification. */
TRACE_EVENT(tvmm_exit,
	    TP_PROTO(unsigned int vcpu_id, u32 exit_reason, unsigned long rip,
		     unsigned long qualification),
	    TP_ARGS(vcpu_id, exit_reason, rip, qualification),
	    TP_STRUCT__entry(__field(unsigned int, vcpu_id)
			     __field(u32, exit_reason)
			     __field(unsigned long, rip)
			     __field(unsigned long, qualification)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->exit_reason = exit_reason;
			   __entry->rip = rip;
			   __entry->qualification = qualification;),
	    TP_printk("vcpu %u reason %u rip 0x%lx qualification 0x%lx",
		      __entry->vcpu_id, __entry->exit_reason, __entry->rip,
		      __entry->qualification)
);

#endif /* TVMM_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
