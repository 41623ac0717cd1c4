/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TTP's connection states by name. The names are the module's: they come
 * with its statistics (TTP_STATE_A_NAME), so ttpctl spells no state itself
 * and a newer module's names show as it spells them.
 */
#ifndef TTP_STATES_H
#define TTP_STATES_H

#include <linux/ttp.h>

/* The kernel's names of the states, by enum ttp_state; "" if it gave none. */
struct ttp_state_names {
	char name[TTP_STATE_MAX + 1][TTP_NAME_MAX + 1];
};

struct ttp_ctl;
/* Ask the kernel for the names (states.c); an error is printed. */
int ttp_state_names_get(struct ttp_ctl *ctl, struct ttp_state_names *names);

/*
 * STATE's name, or "?" for a state the kernel did not name. It names the
 * states it keeps gauges of, which leaves out TTP_CLOSED: a socket is not
 * counted there, though events go to and from it (monitor.c names it).
 */
static inline const char *ttp_state_name(const struct ttp_state_names *names,
					 unsigned int state)
{
	return state <= TTP_STATE_MAX && names->name[state][0] ?
	       names->name[state] : "?";
}

#endif
