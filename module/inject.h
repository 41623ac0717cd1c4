/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_INJECT_H
#define _TTP_INJECT_H

#ifdef TTP_INJECT_BUGS
void ttp_inject_bugs(void);
#else
static inline void ttp_inject_bugs(void)
{
}
#endif

#endif /* _TTP_INJECT_H */
