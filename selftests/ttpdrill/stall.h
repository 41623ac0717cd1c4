/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TD_STALL_H
#define TD_STALL_H

/*
 * A watch on the machine itself: a thread that sleeps 10 ms at a time and
 * notes every wake that came later than MIN microseconds. An emulated
 * guest whose host gave its cores to other VMs wakes everything late at
 * once, the stack's timers and this thread alike.
 */
int td_stall_watch(long long min);

/* The longest late wake that overlapped [FROM, now], microseconds. */
long long td_stall_worst(long long from);

#endif
