/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_INJECT_H
#define _TTP_INJECT_H

#ifdef TTP_INJECT_BUGS
int ttp_inject_bugs(void);
bool ttp_injected(const char *name);
void ttp_inject_window(const char *name, unsigned int ms);
void ttp_inject_meet(const char *name, unsigned int ms);
bool ttp_inject_defer(const char *name, unsigned int ms, void (*fn)(void *), void *arg);
#else
static inline int ttp_inject_bugs(void)
{
	return 0;
}

static inline bool ttp_injected(const char *name)
{
	return false;
}

static inline void ttp_inject_window(const char *name, unsigned int ms)
{
}

static inline void ttp_inject_meet(const char *name, unsigned int ms)
{
}

static inline bool ttp_inject_defer(const char *name, unsigned int ms,
				    void (*fn)(void *), void *arg)
{
	return false;
}
#endif

#endif /* _TTP_INJECT_H */
