// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberate bugs, compiled in only by the test builds that prove the
 * checks bite (make KVER=debug TTP_INJECT_BUGS=y, and the same for a Debian
 * kernel; selftests/host/check does both). Never part of a normal build. Load
 * with inject=NAME.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "inject.h"

static char *ttp_inject = "";
module_param_named(inject, ttp_inject, charp, 0444);
MODULE_PARM_DESC(inject, "test builds only: use-after-free, leak, lock-inversion, sleep-in-atomic, warn, fail-load, racy-flood-stop, racy-tw-ref, racy-tw-purge");

static char *ttp_window = "";
module_param_named(window, ttp_window, charp, 0444);
MODULE_PARM_DESC(window, "test builds only: hold a race window open: flood-timer (100 ms, met by a listener's close), tw-insert (1 s), owner (20 ms in setsockopt(SOL_TTP)), tw-expire (an expired entry's last reference held 3 s, met by a namespace's purge)");

static void *ttp_inject_leaked;
static DEFINE_MUTEX(ttp_inject_a);
static DEFINE_MUTEX(ttp_inject_b);
static DEFINE_MUTEX(ttp_inject_c);
static DEFINE_SPINLOCK(ttp_inject_spin);

static noinline void ttp_inject_leak(void)
{
	int i;

	/*
	 * Forget the only pointer to each. Several objects, because kmemleak
	 * may miss one whose address lingers in a stack slot or a register it
	 * scans: one in a run was seen to slip through.
	 */
	for (i = 0; i < 16; i++) {
		WRITE_ONCE(ttp_inject_leaked, kmalloc(64 + 16 * i, GFP_KERNEL));
		WRITE_ONCE(ttp_inject_leaked, NULL);
	}
}

/* A bug of INJECT's that lives in a code path, not at load time. */
bool ttp_injected(const char *name)
{
	return strstr(ttp_inject, name);
}

/* Who is inside each window now, for ttp_inject_meet(). */
static const char *const ttp_window_names[] = {
	"flood-timer", "tw-insert", "owner", "tw-expire",
};

static atomic_t ttp_window_inside[ARRAY_SIZE(ttp_window_names)];

static atomic_t *ttp_window_count(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ttp_window_names); i++)
		if (!strcmp(ttp_window_names[i], name))
			return &ttp_window_inside[i];
	return NULL;
}

/*
 * Hold the race window NAME open for MS milliseconds, if WINDOW names it:
 * a stress test (selftests/ttp_races.py) that meets a window of a few
 * instructions once in a great many tries on an emulated machine then
 * meets it every few rounds, so that a fix can be shown to close it and
 * the old code to be caught in it. Busy-waits in softirq; in a task it
 * sleeps, which lets an RCU grace period end inside the window, as a
 * preempted task's would.
 */
void ttp_inject_window(const char *name, unsigned int ms)
{
	atomic_t *inside = ttp_window_count(name);

	if (!strstr(ttp_window, name))
		return;
	if (inside)
		atomic_inc(inside);
	if (in_task() && preemptible())
		msleep(ms);
	else
		mdelay(ms);
	if (inside)
		atomic_dec(inside);
}

/*
 * The other side of window NAME: wait up to MS milliseconds for a context
 * to be inside it. A window that comes round periodically (the flood
 * timer's: 100 ms in every 350) is otherwise met by chance, and a whole
 * run's loaded guest was seen to miss it in every round; met on purpose,
 * every round tries the interleaving, and the fixed code must survive it
 * each time. Sleeps in a task, and only there.
 */
void ttp_inject_meet(const char *name, unsigned int ms)
{
	atomic_t *inside = ttp_window_count(name);
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);

	if (!strstr(ttp_window, name) || !inside || !(in_task() && preemptible()))
		return;
	while (!atomic_read(inside) && time_before(jiffies, deadline))
		usleep_range(500, 1000);
}

struct ttp_inject_later {
	struct delayed_work work;
	void (*fn)(void *arg);
	void *arg;
	atomic_t *inside;
};

static void ttp_inject_later_fn(struct work_struct *work)
{
	struct ttp_inject_later *later =
		container_of(to_delayed_work(work), struct ttp_inject_later, work);
	atomic_t *inside = later->inside;
	void (*fn)(void *arg) = later->fn;
	void *arg = later->arg;

	kfree(later);
	atomic_dec(inside);
	fn(arg);	/* last: what it frees may let the module go */
}

/*
 * A window held open without holding a CPU: if WINDOW names NAME, run
 * FN(ARG) MS milliseconds from now, from a work item, and return true;
 * else return false and the caller does it now. For a window whose far
 * side comes long after (a namespace's exit, whose other subsystems take
 * their time before its memory is freed), where a busy wait would have
 * to last as long. The object FN releases must be waited for by whoever
 * frees what it uses, as with the real delay.
 */
bool ttp_inject_defer(const char *name, unsigned int ms, void (*fn)(void *), void *arg)
{
	atomic_t *inside = ttp_window_count(name);
	struct ttp_inject_later *later;

	if (!strstr(ttp_window, name) || !inside)
		return false;
	later = kmalloc(sizeof(*later), GFP_ATOMIC);
	if (!later)
		return false;
	INIT_DELAYED_WORK(&later->work, ttp_inject_later_fn);
	later->fn = fn;
	later->arg = arg;
	later->inside = inside;
	atomic_inc(inside);
	schedule_delayed_work(&later->work, msecs_to_jiffies(ms));
	return true;
}

/*
 * INJECT is a comma-separated list, so one boot can prove every check. The
 * order matters: a KASAN report marks lockdep unreliable and turns it off,
 * so the use after free comes last. "warn" is the one a Debian kernel (no
 * KASAN, lockdep or kmemleak) can show; "fail-load" makes the module's
 * init fail, as a module that does not load on some kernel would.
 */
int ttp_inject_bugs(void)
{
	if (strstr(ttp_inject, "warn"))
		WARN(1, "ttp: inject: a deliberate warning\n");
	if (strstr(ttp_inject, "lock-inversion")) {
		mutex_lock(&ttp_inject_a);
		mutex_lock(&ttp_inject_b);
		mutex_unlock(&ttp_inject_b);
		mutex_unlock(&ttp_inject_a);
		mutex_lock(&ttp_inject_b);
		mutex_lock(&ttp_inject_a);
		mutex_unlock(&ttp_inject_a);
		mutex_unlock(&ttp_inject_b);
	}
	if (strstr(ttp_inject, "sleep-in-atomic")) {
		/* A mutex may sleep: never under a spinlock. */
		spin_lock(&ttp_inject_spin);
		mutex_lock(&ttp_inject_c);
		mutex_unlock(&ttp_inject_c);
		spin_unlock(&ttp_inject_spin);
	}
	if (strstr(ttp_inject, "leak"))
		ttp_inject_leak();
	if (strstr(ttp_inject, "use-after-free")) {
		u8 *p = kmalloc(32, GFP_KERNEL);

		kfree(p);
		pr_info("ttp: inject: reading freed memory: %u\n", READ_ONCE(p[3]));
	}
	if (strstr(ttp_inject, "fail-load")) {
		pr_info("ttp: inject: refusing to load\n");
		return -ENODEV;
	}
	return 0;
}
