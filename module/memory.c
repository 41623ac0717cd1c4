// SPDX-License-Identifier: GPL-2.0
/*
 * Memory: what all TTP sockets together may hold, as TCP's tcp_mem, and
 * what one socket's buffers start at and may grow to, as tcp_wmem and
 * tcp_rmem (Documentation/memory.md). The socket core accounts every
 * buffer against these through struct proto (socket.c) and calls the
 * pressure hooks below; mem_min_pages, mem_pressure_pages and mem_max_pages
 * are the global parameters, set from the initial namespace only.
 */
#include <linux/mm.h>
#include <linux/percpu_counter.h>
#include <net/sock.h>
#include "params.h"
#include "stats.h"
#include "ttp.h"

/*
 * Minimum, default, maximum: TCP's tcp_wmem and tcp_rmem defaults. The
 * send buffer counts what its skbs cost; TTP's, as TCP's, hold many
 * segments each (wqueue.c), so the same maximum carries the same data.
 */
int ttp_sysctl_wmem[3] = { 4096, 16384, 4 * 1024 * 1024 };
int ttp_sysctl_rmem[3] = { 4096, 131072, 6 * 1024 * 1024 };

atomic_long_t ttp_memory_allocated;
DEFINE_PER_CPU(int, ttp_memory_per_cpu_fw_alloc);
struct percpu_counter ttp_sockets_allocated;
/* 0, or the jiffies (never 0) when the current pressure began. */
unsigned long ttp_memory_pressure;
/*
 * Pages TTP's sockets may use in all namespaces together: the global
 * parameters mem_min_pages, mem_pressure_pages and mem_max_pages, in that
 * order. Set from the memory size at load, as tcp_mem is at boot.
 */
long ttp_sysctl_mem[3];
static u32 ttp_mem_defaults[3];

static_assert(TTP_PARAM_MEM_PRESSURE_PAGES - TTP_PARAM_MEM_MIN_PAGES == 1 &&
	      TTP_PARAM_MEM_MAX_PAGES - TTP_PARAM_MEM_MIN_PAGES == 2);

u32 ttp_global_param(enum ttp_param id)
{
	return READ_ONCE(ttp_sysctl_mem[id - TTP_PARAM_MEM_MIN_PAGES]);
}

/* Only from the initial namespace, under its params_lock. */
void ttp_global_param_set(enum ttp_param id, u32 value)
{
	lockdep_assert_held(&ttp_net(&init_net)->params_lock);
	WRITE_ONCE(ttp_sysctl_mem[id - TTP_PARAM_MEM_MIN_PAGES], value);
}

u32 ttp_global_param_default(enum ttp_param id)
{
	return ttp_mem_defaults[id - TTP_PARAM_MEM_MIN_PAGES];
}

/*
 * Request and TIME_WAIT entries, in bytes, all namespaces together. They
 * are made in softirq, where no memory cgroup is charged (SLAB_ACCOUNT
 * charges the current task's, and there is none): without this a
 * namespace's owner who raised max_syn_backlog or max_tw_buckets could pin
 * memory without bound. They count against mem_max_pages with the
 * sockets' buffers, which only the initial namespace may set.
 */
static atomic_long_t ttp_entry_bytes;

/* May an entry of SIZE bytes be made now? If so it is charged. */
bool ttp_entry_charge(struct net *net, size_t size)
{
	long bytes = atomic_long_add_return(size, &ttp_entry_bytes);

	if (ttp_memory_pages() + DIV_ROUND_UP(bytes, PAGE_SIZE) <=
	    ttp_global_param(TTP_PARAM_MEM_MAX_PAGES))
		return true;
	atomic_long_sub(size, &ttp_entry_bytes);
	ttp_count(net, TTP_MIB_MEMORY_REFUSED);
	return false;
}

void ttp_entry_uncharge(size_t size)
{
	atomic_long_sub(size, &ttp_entry_bytes);
}

long ttp_memory_pages(void)
{
	return max(0L, atomic_long_read(&ttp_memory_allocated));
}

bool ttp_memory_pressured(void)
{
	return READ_ONCE(ttp_memory_pressure);
}

/*
 * Called by the socket core when TTP's pages in use pass mem_pressure_pages
 * and when they fall below mem_min_pages again; in between, buffers stop
 * growing. Counted once per episode, in the namespace that saw it begin.
 */
void ttp_enter_memory_pressure(struct sock *sk)
{
	unsigned long now = jiffies ?: 1;

	if (!READ_ONCE(ttp_memory_pressure) && !cmpxchg(&ttp_memory_pressure, 0, now))
		ttp_count(sock_net(sk), TTP_MIB_MEMORY_PRESSURES);
}

void ttp_leave_memory_pressure(struct sock *sk)
{
	unsigned long began;

	if (!READ_ONCE(ttp_memory_pressure))
		return;
	began = xchg(&ttp_memory_pressure, 0);
	if (began)
		ttp_count_add(sock_net(sk), TTP_MIB_MEMORY_PRESSURES_MS,
			      jiffies_to_msecs(jiffies - began));
}

/*
 * Room for SIZE more bytes of send buffer: how much of it may be used.
 * Past mem_max_pages the answer is none, except that a socket's first
 * ttp_sysctl_wmem[0] bytes queued are granted anyway (as TCP's
 * tcp_wmem_schedule() does), charged without the global count: every
 * connection keeps moving, however much the others hold.
 */
int ttp_wmem_schedule(struct sock *sk, int size)
{
	int left;

	if (sk_wmem_schedule(sk, size))
		return size;
	ttp_count(sock_net(sk), TTP_MIB_MEMORY_REFUSED);
	left = ttp_sysctl_wmem[0] - READ_ONCE(sk->sk_wmem_queued);
	return left > 0 ? min(size, left) : 0;
}

/* tcp_mem's defaults, scaled the same way from the memory size. */
int ttp_memory_init(void)
{
	unsigned long limit = nr_free_buffer_pages() / 16;
	int i;

	limit = max(limit, 128UL);
	limit = min(limit, (unsigned long)INT_MAX / 2);
	ttp_mem_defaults[0] = limit / 4 * 3;
	ttp_mem_defaults[1] = limit;
	ttp_mem_defaults[2] = ttp_mem_defaults[0] * 2;
	for (i = 0; i < 3; i++)
		ttp_sysctl_mem[i] = ttp_mem_defaults[i];
	return percpu_counter_init(&ttp_sockets_allocated, 0, GFP_KERNEL);
}

void ttp_memory_exit(void)
{
	percpu_counter_destroy(&ttp_sockets_allocated);
}
