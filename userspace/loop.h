/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the programs that run until told to stop share (ttpctl stats -i,
 * monitor and top; ttp-bench): the clock they time themselves by, and the
 * flag that SIGINT and SIGTERM raise to end them.
 */
#ifndef TTP_LOOP_H
#define TTP_LOOP_H

#include <signal.h>

/* Seconds on CLOCK_MONOTONIC: for intervals, never for the time of day. */
double ttp_now(void);

/*
 * Set by SIGINT and SIGTERM once ttp_stop_on_signals() has run. A loop may
 * set it too, to end the way a signal ends it (monitor -c).
 */
extern volatile sig_atomic_t ttp_stop;

/*
 * SIGINT and SIGTERM set ttp_stop instead of killing the program, so that
 * it ends as it ends by itself: terminal restored, status 0. No SA_RESTART:
 * the sleep, poll() or pause() under way returns at once, and the loop
 * around it sees the flag.
 */
void ttp_stop_on_signals(void);

#endif
