/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_INJECT_H
#define _TTP_INJECT_H

#ifdef TTP_INJECT_BUGS
int ttp_inject_bugs(void);
#else
static inline int ttp_inject_bugs(void)
{
	return 0;
}
#endif

#endif /* _TTP_INJECT_H */
