// SPDX-License-Identifier: GPL-2.0
/*
 * Who holds a socket, found as ss -p finds it: every process's open files
 * under /proc/PID/fd, where a socket reads "socket:[INODE]", matched with
 * the inode the kernel's dump gives (TTP_SOCK_A_INODE). Read once per
 * listing, so its cost is the host's open files, not the sockets listed;
 * processes the caller may not look into are missed, as ss misses them.
 * An orphan (closed, still finishing) has no inode and so no holder.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "owners.h"

static int ttp_owner_cmp(const void *a, const void *b)
{
	const struct ttp_owner *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static void ttp_owner_comm(int pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f || !fgets(comm, (int)len, f))
		snprintf(comm, len, "?");
	else
		comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
}

static int ttp_owners_add(struct ttp_owners *o, size_t *cap, const struct ttp_owner *w)
{
	if (o->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct ttp_owner *nv = realloc(o->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		o->v = nv;
		*cap = ncap;
	}
	o->v[o->n++] = *w;
	return 0;
}

/* One process's sockets; a process gone meanwhile has none. */
static int ttp_owners_scan(struct ttp_owners *o, size_t *cap, int pid)
{
	char dir[64], path[320], link[64];
	struct ttp_owner w = { .pid = pid };
	struct dirent *e;
	bool named = false;
	DIR *d;
	int err = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!err && (e = readdir(d))) {
		unsigned long long ino;
		ssize_t n;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%llu]", &ino) != 1)
			continue;
		if (!named) {
			ttp_owner_comm(pid, w.comm, sizeof(w.comm));
			named = true;
		}
		w.inode = ino;
		w.fd = atoi(e->d_name);
		err = ttp_owners_add(o, cap, &w);
	}
	closedir(d);
	return err;
}

int ttp_owners_read(struct ttp_owners *o)
{
	struct dirent *e;
	size_t cap = 0;
	int err = 0;
	DIR *d;

	o->v = NULL;
	o->n = 0;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while (!err && (e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0]))
			err = ttp_owners_scan(o, &cap, atoi(e->d_name));
	closedir(d);
	if (err) {
		ttp_owners_free(o);
		return err;
	}
	qsort(o->v, o->n, sizeof(*o->v), ttp_owner_cmp);
	return 0;
}

void ttp_owners_free(struct ttp_owners *o)
{
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

size_t ttp_owners_find(const struct ttp_owners *o, uint64_t inode, size_t *first)
{
	size_t lo = 0, hi = o->n, n = 0;

	if (!inode)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->v[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < o->n && o->v[lo + n].inode == inode)
		n++;
	return n;
}

void ttp_owners_text(char *dst, size_t len, const struct ttp_owners *o, uint64_t inode)
{
	size_t first = 0, n = ttp_owners_find(o, inode, &first), i, off = 0;

	dst[0] = '\0';
	for (i = first; i < first + n && off < len; i++)
		off += (size_t)snprintf(dst + off, len - off, "%s(\"%s\",pid=%d,fd=%d)",
					i > first ? "," : "", o->v[i].comm, o->v[i].pid,
					o->v[i].fd);
}

void ttp_owners_json(struct ttp_json *j, const struct ttp_owners *o, uint64_t inode)
{
	size_t first = 0, n = ttp_owners_find(o, inode, &first), i;

	ttp_json_begin_array(j, "users");
	for (i = first; i < first + n; i++) {
		ttp_json_begin_object(j, NULL);
		ttp_json_string(j, "comm", o->v[i].comm);
		ttp_json_u64(j, "pid", o->v[i].pid);
		ttp_json_u64(j, "fd", o->v[i].fd);
		ttp_json_end_object(j);
	}
	ttp_json_end_array(j);
}
