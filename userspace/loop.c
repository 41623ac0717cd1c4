// SPDX-License-Identifier: GPL-2.0
/* The clock and the stop flag of loop.h. */
#include <signal.h>
#include <time.h>
#include "loop.h"

volatile sig_atomic_t ttp_stop;

double ttp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void ttp_on_stop_signal(int sig)
{
	(void)sig;
	ttp_stop = 1;
}

void ttp_stop_on_signals(void)
{
	struct sigaction sa = { .sa_handler = ttp_on_stop_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
