/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_OWNERS_H
#define TTP_OWNERS_H

#include <stddef.h>
#include <stdint.h>
#include "output.h"

/* One open file that is a socket: which process holds it, and as what fd. */
struct ttp_owner {
	uint64_t inode;
	int pid;
	int fd;
	char comm[16];
};

struct ttp_owners {
	struct ttp_owner *v;	/* sorted by inode, then pid, then fd */
	size_t n;
};

int ttp_owners_read(struct ttp_owners *o);
void ttp_owners_free(struct ttp_owners *o);
/* The holders of INODE: *FIRST and the count, 0 if none. */
size_t ttp_owners_find(const struct ttp_owners *o, uint64_t inode, size_t *first);
/* INODE's holders as ss -p lists them: ("COMM",pid=PID,fd=FD),... */
void ttp_owners_text(char *dst, size_t len, const struct ttp_owners *o, uint64_t inode);
/* The same as the JSON array "users" of {"comm", "pid", "fd"}. */
void ttp_owners_json(struct ttp_json *j, const struct ttp_owners *o, uint64_t inode);

#endif
