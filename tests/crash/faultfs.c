/* faultfs.c - an LD_PRELOAD shim that makes one file-system call fail, for
 * tests/crash/faults.sh.  SHIPLOG_FAULT=OP:N:ERR makes the N-th call of OP
 * (write, fsync, syncfs, rename, fflush, fclose, ftruncate) fail with errno ERR
 * (ENOSPC, EIO, EDQUOT); with SHIPLOG_FAULT_DELETED=1 only writes to files
 * already removed from their directory count (ingest's status-update
 * log, docs/INGEST.md); SHIPLOG_FAULT=short makes every write(2) write at
 * most half of what it is asked (at least 1 byte), which correct code
 * must absorb by writing the rest. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char op[16];
static long nth = -1;
static int err_no, shorten, deleted_only;
static atomic_long calls[7];

static const char *const ops[] = {"write",  "fsync",  "syncfs",   "rename",
				   "fflush", "fclose", "ftruncate"};

static void setup(void)
{
	static int done;
	const char *s;
	char e[16] = "";

	if (done)
		return;
	done = 1;
	deleted_only = (s = getenv("SHIPLOG_FAULT_DELETED")) && !strcmp(s, "1");
	if (!(s = getenv("SHIPLOG_FAULT")))
		return;
	if (!strcmp(s, "short")) {
		shorten = 1;
		return;
	}
	if (sscanf(s, "%15[a-z]:%ld:%15[A-Z]", op, &nth, e) != 3) {
		fprintf(stderr, "faultfs: SHIPLOG_FAULT=%s is not OP:N:ERR\n", s);
		abort();
	}
	err_no = !strcmp(e, "EIO") ? EIO : !strcmp(e, "EDQUOT") ? EDQUOT : ENOSPC;
}

/* Is this call of operation i the one to fail? */
static int fault(int i)
{
	setup();
	if (nth < 0 || strcmp(op, ops[i]))
		return 0;
	if (atomic_fetch_add(&calls[i], 1) + 1 != nth)
		return 0;
	errno = err_no;
	return 1;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef int (*fd_fn)(int);
typedef int (*rename_fn)(const char *, const char *);
typedef int (*file_fn)(FILE *);
typedef int (*trunc_fn)(int, off_t);

#define REAL(name, type) static type real_##name; \
	if (!real_##name) real_##name = (type)dlsym(RTLD_NEXT, #name)

/* Is fd a file removed from its directory? */
static int is_deleted(int fd)
{
	char link[64], target[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, target, sizeof(target) - 1)) < 0)
		return 0;
	target[n] = '\0';
	return n > 10 && !strcmp(target + n - 10, " (deleted)");
}

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(write, write_fn);
	setup();
	if (fd > 2 && (!deleted_only || is_deleted(fd)) && fault(0))
		return -1;
	if (shorten && fd > 2 && n > 1)
		n /= 2;
	return real_write(fd, buf, n);
}

int fsync(int fd)
{
	REAL(fsync, fd_fn);
	return fault(1) ? -1 : real_fsync(fd);
}

int syncfs(int fd)
{
	REAL(syncfs, fd_fn);
	return fault(2) ? -1 : real_syncfs(fd);
}

int rename(const char *a, const char *b)
{
	REAL(rename, rename_fn);
	return fault(3) ? -1 : real_rename(a, b);
}

int fflush(FILE *f)
{
	REAL(fflush, file_fn);
	if (f && f != stdout && f != stderr && fault(4)) {
		real_fflush(f);
		return EOF;
	}
	return real_fflush(f);
}

int fclose(FILE *f)
{
	REAL(fclose, file_fn);
	if (f != stdout && f != stderr && fault(5)) {
		real_fclose(f);
		return EOF;
	}
	return real_fclose(f);
}

int ftruncate(int fd, off_t len)
{
	REAL(ftruncate, trunc_fn);
	return fault(6) ? -1 : real_ftruncate(fd, len);
}
