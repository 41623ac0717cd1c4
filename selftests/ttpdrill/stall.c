// SPDX-License-Identifier: GPL-2.0
/*
 * The stall watch: how late a 10 ms sleep woke, noted with when, so that a
 * timing failure can be told apart from a machine that stopped while the
 * stack's timer was due. A stack that is slow on its own does not make
 * this thread late; a stall that makes both late is judged by the rerun.
 */
#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "stall.h"

#define TD_STALL_TICK 10000LL	/* microseconds */
#define TD_STALL_KEEP 256	/* the latest late wakes */

static struct {
	pthread_mutex_t lock;
	long long min;
	long long end[TD_STALL_KEEP], len[TD_STALL_KEEP];
	unsigned int next;
	long long asleep;	/* when the sleep under way began */
} td_watch = { .lock = PTHREAD_MUTEX_INITIALIZER };

static long long td_stall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void *td_stall_thread(void *arg)
{
	(void)arg;
	for (;;) {
		long long before = td_stall_now(), after, late;

		pthread_mutex_lock(&td_watch.lock);
		td_watch.asleep = before;
		pthread_mutex_unlock(&td_watch.lock);
		usleep(TD_STALL_TICK);
		after = td_stall_now();
		late = after - before - TD_STALL_TICK;
		if (late < td_watch.min)
			continue;
		pthread_mutex_lock(&td_watch.lock);
		td_watch.end[td_watch.next % TD_STALL_KEEP] = after;
		td_watch.len[td_watch.next % TD_STALL_KEEP] = late;
		td_watch.next++;
		pthread_mutex_unlock(&td_watch.lock);
	}
	return NULL;
}

int td_stall_watch(long long min)
{
	pthread_t t;

	td_watch.min = min;
	if (pthread_create(&t, NULL, td_stall_thread, NULL))
		return -1;
	return pthread_detach(t);
}

long long td_stall_worst(long long from)
{
	long long worst = 0;
	unsigned int i;

	pthread_mutex_lock(&td_watch.lock);
	/*
	 * A machine that just resumed wakes threads in no set order: the
	 * caller may see the stall before this thread has noted it. A sleep
	 * still under way that is already overdue is a stall too.
	 */
	if (td_watch.asleep)
		worst = td_stall_now() - td_watch.asleep - TD_STALL_TICK;
	for (i = 0; i < TD_STALL_KEEP && i < td_watch.next; i++) {
		/* The late wake spans [end - len, end]. */
		if (td_watch.end[i] >= from && td_watch.len[i] > worst)
			worst = td_watch.len[i];
	}
	pthread_mutex_unlock(&td_watch.lock);
	return worst;
}
