// SPDX-License-Identifier: GPL-2.0
/*
 * Small queues, TCP's TSQ (tcp_output.c): a socket keeps about a
 * millisecond of its data below it, in qdiscs, device queues and a veth
 * peer's backlog, and no more. Past that it stops sending; when a skb it
 * sent is freed down there (its destructor, ttp_wfree()), a per-CPU
 * tasklet lets it send again. Without it one bulk flow fills a qdisc or a
 * backlog to its limit: every other flow through it waits behind that
 * queue, and the flow drops its own segments at the tail.
 */
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include "stats.h"
#include "ttp.h"

/* What TCP allows a flow without pacing (tcp_limit_output_bytes, 6.12). */
#define TTP_TSQ_MAX_BYTES	(4U << 20)

struct ttp_tsq {
	struct tasklet_struct tasklet;
	struct list_head head;		/* sockets to send for, by tsq_node */
};

static DEFINE_PER_CPU(struct ttp_tsq, ttp_tsq);

/*
 * How many bytes may be below SK before it stops: about 1 ms (2^-10 s,
 * sk_pacing_shift) at its pacing rate (pacing.c), as tcp_small_queue_check()
 * allows; at least two of the skbs it is about to send (SIZE bytes of
 * truesize), so that one is in the device while the next waits. Before the
 * first RTT sample there is no rate, and this is only the cap.
 */
static unsigned long ttp_tsq_limit(const struct sock *sk, unsigned int size)
{
	unsigned long bytes = READ_ONCE(sk->sk_pacing_rate) >> READ_ONCE(sk->sk_pacing_shift);

	return min_t(unsigned long, max_t(unsigned long, 2UL * size, bytes),
		     TTP_TSQ_MAX_BYTES);
}

/*
 * Whether SK must wait before sending SIZE more bytes of truesize: then it
 * is marked throttled, and the next of its skbs freed below calls it back.
 * A socket with nothing in flight always sends: what holds its memory is
 * then not its data, and nothing would call it back.
 */
bool ttp_tsq_throttled(struct sock *sk, unsigned int size)
{
	struct ttp_sock *ts = ttp_sk(sk);
	unsigned long limit;

	if (!ts->cong.packets_out)
		return false;
	limit = ttp_tsq_limit(sk, size);
	if (refcount_read(&sk->sk_wmem_alloc) <= limit)
		return false;
	set_bit(TTP_TSQ_THROTTLED, &ts->tsq_flags);
	/* A skb freed between the read and the bit finds it, or we see it. */
	smp_mb__after_atomic();
	if (refcount_read(&sk->sk_wmem_alloc) <= limit)
		return false;
	ttp_count(sock_net(sk), TTP_MIB_TSQ_THROTTLED);
	return true;
}

/* Send what waited for the queues below to drain. */
void ttp_tsq_send(struct sock *sk)
{
	sock_owned_by_me(sk);
	if ((1 << sk->sk_state) & (TTPF_ESTABLISHED | TTPF_CLOSE_WAIT |
				   TTPF_FIN_WAIT1 | TTPF_CLOSING | TTPF_LAST_ACK))
		ttp_push(sk);
}

/* Send for SK now, or when its owner releases it. Softirq context. */
void ttp_tsq_kick(struct sock *sk)
{
	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		ttp_tsq_send(sk);
	else if (!test_and_set_bit(TTP_DEFER_TSQ, &ttp_sk(sk)->deferred))
		sock_hold(sk);	/* the owner holds one: the socket is alive */
	bh_unlock_sock(sk);
}

static void ttp_tsq_tasklet_fn(struct tasklet_struct *t)
{
	struct ttp_tsq *tsq = from_tasklet(tsq, t, tasklet);
	struct ttp_sock *ts, *tmp;
	unsigned long flags;
	LIST_HEAD(list);

	local_irq_save(flags);
	list_splice_init(&tsq->head, &list);
	local_irq_restore(flags);

	list_for_each_entry_safe(ts, tmp, &list, tsq_node) {
		struct sock *sk = (struct sock *)ts;

		list_del(&ts->tsq_node);
		/* Queued again by the next skb freed from here on. */
		smp_mb__before_atomic();
		clear_bit(TTP_TSQ_QUEUED, &ts->tsq_flags);
		ttp_tsq_kick(sk);
		sk_free(sk);	/* the sk_wmem_alloc reference ttp_wfree() kept */
	}
}

/*
 * The destructor of every skb a TTP socket sends, in place of sock_wfree()
 * (any context where a skb is freed). A throttled socket is queued for the
 * tasklet, keeping one byte of sk_wmem_alloc: that keeps its memory, even
 * closed and released, until the tasklet is done with it.
 */
void ttp_wfree(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	struct ttp_sock *ts = ttp_sk(sk);
	unsigned long flags, old, new;
	struct ttp_tsq *tsq;
	bool empty;

	WARN_ON(refcount_sub_and_test(skb->truesize - 1, &sk->sk_wmem_alloc));
	/*
	 * The charge gone, then the bit read: pairs with ttp_tsq_throttled(),
	 * which sets the bit, then reads the charge again.
	 */
	smp_mb__after_atomic();
	old = smp_load_acquire(&ts->tsq_flags);	/* as tcp_wfree() reads it */
	do {
		if (!(old & BIT(TTP_TSQ_THROTTLED)) || (old & BIT(TTP_TSQ_QUEUED)))
			goto out;
		new = (old & ~BIT(TTP_TSQ_THROTTLED)) | BIT(TTP_TSQ_QUEUED);
	} while (!try_cmpxchg(&ts->tsq_flags, &old, new));

	local_irq_save(flags);
	tsq = this_cpu_ptr(&ttp_tsq);
	empty = list_empty(&tsq->head);
	list_add(&ts->tsq_node, &tsq->head);
	if (empty)
		tasklet_schedule(&tsq->tasklet);
	local_irq_restore(flags);
	return;
out:
	sk_free(sk);
}

/* Charge SKB to SK until it is freed, as skb_set_owner_w() does. */
void ttp_set_owner(struct sk_buff *skb, struct sock *sk)
{
	skb_orphan(skb);
	skb->sk = sk;
	skb->destructor = ttp_wfree;
	refcount_add(skb->truesize, &sk->sk_wmem_alloc);
}

void ttp_tsq_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct ttp_tsq *tsq = &per_cpu(ttp_tsq, cpu);

		INIT_LIST_HEAD(&tsq->head);
		tasklet_setup(&tsq->tasklet, ttp_tsq_tasklet_fn);
	}
}

/* No socket is left: wait for a tasklet still returning from its last. */
void ttp_tsq_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu(ttp_tsq, cpu).tasklet);
}
