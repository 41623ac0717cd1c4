// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberate bugs, compiled in only by the test build that proves the debug
 * kernel's checks bite (make KVER=debug TTP_INJECT_BUGS=y; selftests/check
 * does it). Never part of a normal build. Load with inject=NAME.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "inject.h"

static char *ttp_inject = "";
module_param_named(inject, ttp_inject, charp, 0444);
MODULE_PARM_DESC(inject, "test builds only: use-after-free, leak, lock-inversion, sleep-in-atomic");

static void *ttp_inject_leaked;
static DEFINE_MUTEX(ttp_inject_a);
static DEFINE_MUTEX(ttp_inject_b);
static DEFINE_SPINLOCK(ttp_inject_spin);

void ttp_inject_bugs(void)
{
	if (!strcmp(ttp_inject, "use-after-free")) {
		u8 *p = kmalloc(32, GFP_KERNEL);

		kfree(p);
		pr_info("ttp: inject: reading freed memory: %u\n", READ_ONCE(p[3]));
	} else if (!strcmp(ttp_inject, "leak")) {
		/* Forget the only pointer to it. */
		ttp_inject_leaked = kmalloc(64, GFP_KERNEL);
		ttp_inject_leaked = NULL;
	} else if (!strcmp(ttp_inject, "lock-inversion")) {
		mutex_lock(&ttp_inject_a);
		mutex_lock(&ttp_inject_b);
		mutex_unlock(&ttp_inject_b);
		mutex_unlock(&ttp_inject_a);
		mutex_lock(&ttp_inject_b);
		mutex_lock(&ttp_inject_a);
		mutex_unlock(&ttp_inject_a);
		mutex_unlock(&ttp_inject_b);
	} else if (!strcmp(ttp_inject, "sleep-in-atomic")) {
		spin_lock(&ttp_inject_spin);
		msleep(1);
		spin_unlock(&ttp_inject_spin);
	}
}
