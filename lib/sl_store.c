#include "sl_store.h"
#include "sl_buf.h"
#include "sl_colfile.h"
#include "sl_value.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JOURNAL ".journal"
#define MANIFEST "manifest.tsv"
#define MANIFEST_HEADER "digest\tsize\tingested_at\tkind\trows\taccepted\tsuperseded\trejected\tsource"

struct op {
	char *tmp;   /* NULL for an unlink */
	char *final;
};

/* See sl_store_flusher_start(). */
#define FLUSH_INTERVAL_MS 250

struct flusher {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int started, stop;
	int fd; /* its own: a sync's error is left for the commit to see */
};

static void flusher_stop(struct sl_store *st);

struct sl_store {
	char *dir;
	int lock_fd; /* open from sl_store_open() on: its syncfs() sees every
		      * write-back error since */
	struct flusher fl;
	unsigned tmp_seq;
	unsigned kind_dirs; /* bit per kind: its directory exists */
	struct sl_manifest_entry *man;
	size_t nman, man_cap;
	int man_dirty;
	struct op *ops;
	size_t nops, ops_cap;
};

int sl_mkdirs(const char *path, struct sl_errctx *err)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return sl_err_set(err, SL_EINVAL, path, 0, "path too long");
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return sl_err_set(err, SL_EIO, buf, 0, "cannot create directory: %s",
					  strerror(errno));
		buf[i] = path[i];
	}
	return SL_OK;
}

int sl_fsync_dir(const char *dir, struct sl_errctx *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = SL_OK;

	if (fd < 0)
		return sl_err_set(err, SL_EIO, dir, 0, "cannot open directory: %s",
				  strerror(errno));
	if (fsync(fd) && errno != EINVAL)
		rc = sl_err_set(err, SL_EIO, dir, 0, "cannot sync directory: %s",
				strerror(errno));
	close(fd);
	return rc;
}

static void join(char *buf, size_t n, const char *a, const char *b)
{
	snprintf(buf, n, "%s/%s", a, b);
}

/* ---- manifest ---- */

static void clean_field(char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\n' || *s == '\r')
			*s = ' ';
}

static int parse_manifest_line(char *line, struct sl_manifest_entry *e)
{
	char *f[9];
	int n = 0;

	memset(e, 0, sizeof(*e));
	for (char *p = line; n < 9; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n != 9 || strlen(f[0]) != 32)
		return -1;
	snprintf(e->digest, sizeof(e->digest), "%s", f[0]);
	e->size = strtoull(f[1], NULL, 10);
	snprintf(e->ingested_at, sizeof(e->ingested_at), "%s", f[2]);
	snprintf(e->kind, sizeof(e->kind), "%s", f[3]);
	e->rows = strtoull(f[4], NULL, 10);
	e->accepted = strtoull(f[5], NULL, 10);
	e->superseded = strtoull(f[6], NULL, 10);
	e->rejected = strtoull(f[7], NULL, 10);
	snprintf(e->source, sizeof(e->source), "%s", f[8]);
	return 0;
}

static int load_manifest(struct sl_store *st, struct sl_errctx *err)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	FILE *f;
	int rc = SL_OK;

	join(path, sizeof(path), st->dir, MANIFEST);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? SL_OK
				       : sl_err_set(err, SL_EIO, path, 0, "cannot open: %s",
						    strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct sl_manifest_entry e;

		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (lineno == 1 && !strncmp(line, "digest\t", 7))
			continue;
		if (!len)
			continue;
		if (parse_manifest_line(line, &e)) {
			rc = sl_err_set(err, SL_EFORMAT, path, lineno, "malformed manifest line");
			break;
		}
		if ((rc = sl_store_manifest_put(st, &e)))
			break;
	}
	free(line);
	fclose(f);
	st->man_dirty = 0;
	return rc;
}

const struct sl_manifest_entry *sl_store_manifest_find(const struct sl_store *st,
							const char *digest)
{
	for (size_t i = 0; i < st->nman; i++)
		if (!strcmp(st->man[i].digest, digest))
			return &st->man[i];
	return NULL;
}

int sl_store_manifest_has_size(const struct sl_store *st, uint64_t size)
{
	for (size_t i = 0; i < st->nman; i++)
		if (st->man[i].size == size)
			return 1;
	return 0;
}

size_t sl_store_manifest_count(const struct sl_store *st)
{
	return st->nman;
}

const struct sl_manifest_entry *sl_store_manifest_get(const struct sl_store *st, size_t i)
{
	return i < st->nman ? &st->man[i] : NULL;
}

int sl_store_manifest_put(struct sl_store *st, const struct sl_manifest_entry *e)
{
	struct sl_manifest_entry *slot = (struct sl_manifest_entry *)sl_store_manifest_find(st, e->digest);

	if (!slot) {
		if (sl_grow(&st->man, &st->man_cap, st->nman + 1, sizeof(*st->man)))
			return SL_ENOMEM;
		slot = &st->man[st->nman++];
	}
	*slot = *e;
	clean_field(slot->source);
	clean_field(slot->kind);
	st->man_dirty = 1;
	return SL_OK;
}

static int write_manifest(struct sl_store *st, struct sl_errctx *err)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	FILE *f;
	int fail;

	snprintf(tmp, sizeof(tmp), "%s/.tmp-%ld-%u-" MANIFEST, st->dir, (long)getpid(),
		 st->tmp_seq++);
	join(final, sizeof(final), st->dir, MANIFEST);
	f = fopen(tmp, "we");
	if (!f)
		return sl_err_set(err, SL_EIO, tmp, 0, "cannot create: %s", strerror(errno));
	fprintf(f, "%s\n", MANIFEST_HEADER);
	for (size_t i = 0; i < st->nman; i++) {
		const struct sl_manifest_entry *e = &st->man[i];

		fprintf(f, "%s\t%llu\t%s\t%s\t%llu\t%llu\t%llu\t%llu\t%s\n", e->digest,
			(unsigned long long)e->size, e->ingested_at, e->kind,
			(unsigned long long)e->rows, (unsigned long long)e->accepted,
			(unsigned long long)e->superseded, (unsigned long long)e->rejected,
			e->source);
	}
	/* no fsync of its own: the commit's sync of the store covers it */
	fail = fflush(f) || ferror(f);
	if (fclose(f))
		fail = 1;
	if (fail) {
		int rc = sl_err_set(err, SL_EIO, tmp, 0, "cannot write: %s", strerror(errno));

		unlink(tmp);
		return rc;
	}
	return sl_store_stage_rename(st, tmp, final);
}

#ifdef SL_TEST_HOOKS
/* Test hook of the kill test (tests/crash/), compiled only into the test
 * build's library (the Makefile's SL_TEST_HOOKS): with SHIPLOG_CRASH_AT=N
 * in the environment, the process kills itself with SIGKILL at the N-th
 * step of its commits, so that every step between two durable states is
 * tried.  A released binary never reads the variable. */
static void crashpoint(void)
{
	static long at = -1, seen;

	if (at < 0) {
		const char *s = getenv("SHIPLOG_CRASH_AT");

		at = s ? strtol(s, NULL, 10) : 0;
	}
	if (at > 0 && ++seen == at)
		raise(SIGKILL);
}
#else
static void crashpoint(void)
{
}
#endif

/* ---- journal ---- */

static const char *rel(const struct sl_store *st, const char *path)
{
	size_t n = strlen(st->dir);

	if (!strncmp(path, st->dir, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static void dir_of(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, n, ".");
	else
		snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

static int note_dir(struct sl_buf *dirs, const char *d)
{
	for (char *p = dirs->data; p && p < dirs->data + dirs->len; p += strlen(p) + 1)
		if (!strcmp(p, d))
			return SL_OK;
	return sl_buf_add(dirs, d, strlen(d) + 1) ? SL_ENOMEM : SL_OK;
}

/* Performs the operations of a complete journal; each is idempotent, so a
 * crash during replay is repaired by the next replay. */
static int replay(struct sl_store *st, const char *jpath, struct sl_errctx *err)
{
	FILE *f = fopen(jpath, "re");
	char *line = NULL, a[PATH_MAX], b[PATH_MAX], d[PATH_MAX];
	size_t cap = 0;
	ssize_t len;
	int complete = 0, rc = SL_OK, first = 1;
	struct sl_buf dirs = SL_BUF_INIT; /* NUL-separated distinct directories */

	if (!f)
		return sl_err_set(err, SL_EIO, jpath, 0, "cannot open: %s", strerror(errno));
	/* first pass: is it complete? */
	while ((len = getline(&line, &cap, f)) >= 0)
		if (!strcmp(line, "END\n"))
			complete = 1;
	rewind(f);
	while (complete && (len = getline(&line, &cap, f)) >= 0) {
		char *t1, *t2;

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (first) {
			first = 0;
			if (strcmp(line, "shiplog-journal 1")) {
				rc = sl_err_set(err, SL_EFORMAT, jpath, 1, "unknown journal format");
				break;
			}
			continue;
		}
		if (!strcmp(line, "END"))
			break;
		t1 = strchr(line, '\t');
		if (!t1)
			continue;
		*t1++ = '\0';
		if (line[0] == 'R' && (t2 = strchr(t1, '\t'))) {
			*t2++ = '\0';
			join(a, sizeof(a), st->dir, t1);
			join(b, sizeof(b), st->dir, t2);
			if (rename(a, b) && errno != ENOENT) {
				rc = sl_err_set(err, SL_EIO, b, 0, "cannot rename: %s",
						strerror(errno));
				break;
			}
			crashpoint(); /* part of the renames done */
			dir_of(b, d, sizeof(d));
			if ((rc = note_dir(&dirs, d)))
				break;
		} else if (line[0] == 'U') {
			join(a, sizeof(a), st->dir, t1);
			if (unlink(a) && errno != ENOENT) {
				rc = sl_err_set(err, SL_EIO, a, 0, "cannot remove: %s",
						strerror(errno));
				break;
			}
			dir_of(a, d, sizeof(d));
			if ((rc = note_dir(&dirs, d)))
				break;
		}
	}
	free(line);
	fclose(f);
	/* the renames are durable once their directories are synced */
	for (char *p = dirs.data; !rc && p && p < dirs.data + dirs.len; p += strlen(p) + 1)
		rc = sl_fsync_dir(p, err);
	sl_buf_release(&dirs);
	if (rc)
		return rc;
	crashpoint(); /* every rename done, journal still there */
	if (unlink(jpath) && errno != ENOENT)
		return sl_err_set(err, SL_EIO, jpath, 0, "cannot remove: %s", strerror(errno));
	return sl_fsync_dir(st->dir, err);
}

static void remove_temps_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, ".tmp-", 5)) {
			join(p, sizeof(p), dir, de->d_name);
			unlink(p);
		}
	closedir(d);
}

/* Deletes temporaries left by runs that died before writing a journal:
 * nothing refers to them (we hold the exclusive lock). */
static void remove_temps(struct sl_store *st)
{
	char p[PATH_MAX];

	remove_temps_in(st->dir);
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		join(p, sizeof(p), st->dir, sl_kind_name((enum sl_kind)k));
		remove_temps_in(p);
	}
	join(p, sizeof(p), st->dir, "rejects");
	remove_temps_in(p);
}

static int take_lock(struct sl_store *st, enum sl_lock lock, int wait_s,
		     struct sl_errctx *err)
{
	char path[PATH_MAX], pid[32] = "";
	int op = lock == SL_LOCK_EXCLUSIVE ? LOCK_EX : LOCK_SH;

	join(path, sizeof(path), st->dir, ".lock");
	st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (st->lock_fd < 0 && lock == SL_LOCK_SHARED && errno == EACCES)
		st->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (st->lock_fd < 0)
		return sl_err_set(err, SL_EIO, path, 0, "cannot open lock file: %s",
				  strerror(errno));
	for (int waited = 0;; waited++) {
		if (!flock(st->lock_fd, op | LOCK_NB))
			break;
		if (errno != EWOULDBLOCK)
			return sl_err_set(err, SL_EIO, path, 0, "cannot lock: %s",
					  strerror(errno));
		if (waited >= wait_s * 10) {
			ssize_t n = pread(st->lock_fd, pid, sizeof(pid) - 1, 0);

			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			return sl_err_set(err, SL_ELOCKED, st->dir, 0,
					  "store is locked by another run%s%s%s",
					  *pid ? " (pid " : "", pid, *pid ? ")" : "");
		}
		usleep(100000);
	}
	if (lock == SL_LOCK_EXCLUSIVE) {
		int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

		if (ftruncate(st->lock_fd, 0) == 0 &&
		    pwrite(st->lock_fd, pid, (size_t)n, 0) != n) {
			/* the pid is only informative */
		}
	}
	return SL_OK;
}

int sl_store_open(struct sl_store **stp, const char *dir, int create, enum sl_lock lock,
		  int wait_s, struct sl_errctx *err)
{
	struct sl_store *st;
	struct stat sb;
	char jpath[PATH_MAX];
	int rc;

	*stp = NULL;
	if (create) {
		if ((rc = sl_mkdirs(dir, err)))
			return rc;
	} else if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
		return sl_err_set(err, SL_EIO, dir, 0, "not a store directory: %s",
				  strerror(errno ? errno : ENOTDIR));
	}
	st = calloc(1, sizeof(*st));
	if (!st || !(st->dir = strdup(dir))) {
		free(st);
		return sl_err_set(err, SL_ENOMEM, dir, 0, NULL);
	}
	/* "store/" and "store" are the same store */
	for (size_t n = strlen(st->dir); n > 1 && st->dir[n - 1] == '/'; n--)
		st->dir[n - 1] = '\0';
	st->lock_fd = -1;
	if ((rc = take_lock(st, lock, wait_s, err)))
		goto fail;
	join(jpath, sizeof(jpath), st->dir, JOURNAL);
	if (access(jpath, F_OK) == 0) {
		/* an interrupted commit: finish it under the exclusive lock */
		if (lock == SL_LOCK_SHARED && flock(st->lock_fd, LOCK_EX)) {
			rc = sl_err_set(err, SL_EIO, jpath, 0, "cannot lock: %s", strerror(errno));
			goto fail;
		}
		if (access(jpath, F_OK) == 0 && (rc = replay(st, jpath, err)))
			goto fail;
		if (lock == SL_LOCK_SHARED)
			flock(st->lock_fd, LOCK_SH);
	}
	if (lock == SL_LOCK_EXCLUSIVE)
		remove_temps(st);
	if ((rc = load_manifest(st, err)))
		goto fail;
	*stp = st;
	return SL_OK;
fail:
	sl_store_close(st);
	return rc;
}

void sl_store_close(struct sl_store *st)
{
	if (!st)
		return;
	flusher_stop(st);
	sl_store_rollback(st);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st->ops);
	free(st->man);
	free(st->dir);
	free(st);
}

const char *sl_store_dir(const struct sl_store *st)
{
	return st->dir;
}

void sl_store_partition_path(const struct sl_store *st, enum sl_kind kind, int64_t day,
			     char *buf, size_t n)
{
	char d[32];

	if (day == SL_DAY_NONE)
		snprintf(d, sizeof(d), "undated");
	else
		sl_format_day(day, d);
	snprintf(buf, n, "%s/%s/%s.msgpack", st->dir, sl_kind_name(kind), d);
}

int sl_store_temp_path(struct sl_store *st, enum sl_kind kind, char *buf, size_t n,
		       struct sl_errctx *err)
{
	if (!(st->kind_dirs & (1u << kind))) {
		int rc;

		snprintf(buf, n, "%s/%s", st->dir, sl_kind_name(kind));
		if ((rc = sl_mkdirs(buf, err)))
			return rc;
		st->kind_dirs |= 1u << kind;
	}
	snprintf(buf, n, "%s/%s/.tmp-%ld-%u.msgpack", st->dir, sl_kind_name(kind),
		 (long)getpid(), st->tmp_seq++);
	return SL_OK;
}

static int cmp_day(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int sl_store_list_days(const struct sl_store *st, enum sl_kind kind, int64_t **days,
		       size_t *n, int *undated, struct sl_errctx *err)
{
	char p[PATH_MAX];
	DIR *d;
	struct dirent *de;
	size_t cap = 0;

	*days = NULL;
	*n = 0;
	*undated = 0;
	join(p, sizeof(p), st->dir, sl_kind_name(kind));
	d = opendir(p);
	if (!d)
		return errno == ENOENT ? SL_OK
				       : sl_err_set(err, SL_EIO, p, 0, "cannot read directory: %s",
						    strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		int64_t day;

		if (len != 18 || strcmp(de->d_name + 10, ".msgpack")) {
			if (!strcmp(de->d_name, "undated.msgpack"))
				*undated = 1;
			continue;
		}
		if (sl_parse_day(de->d_name, 10, &day))
			continue;
		if (sl_grow(days, &cap, *n + 1, sizeof(**days))) {
			closedir(d);
			free(*days);
			*days = NULL;
			return sl_err_set(err, SL_ENOMEM, p, 0, NULL);
		}
		(*days)[(*n)++] = day;
	}
	closedir(d);
	if (*n)
		qsort(*days, *n, sizeof(**days), cmp_day);
	return SL_OK;
}

/* ---- commit ---- */

static void *flusher_main(void *arg)
{
	struct flusher *fl = arg;
	struct timespec at;

	pthread_mutex_lock(&fl->mu);
	while (!fl->stop) {
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_nsec += FLUSH_INTERVAL_MS * 1000000L;
		at.tv_sec += at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		while (!fl->stop && pthread_cond_timedwait(&fl->cv, &fl->mu, &at) != ETIMEDOUT)
			;
		if (fl->stop)
			break;
		pthread_mutex_unlock(&fl->mu);
		(void)syncfs(fl->fd); /* a hint: the commit's sync reports errors */
		pthread_mutex_lock(&fl->mu);
	}
	pthread_mutex_unlock(&fl->mu);
	return NULL;
}

void sl_store_flusher_start(struct sl_store *st)
{
	struct flusher *fl = &st->fl;
	pthread_condattr_t ca;

	if (fl->started || (fl->fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	pthread_mutex_init(&fl->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&fl->cv, &ca);
	pthread_condattr_destroy(&ca);
	fl->stop = 0;
	if (pthread_create(&fl->th, NULL, flusher_main, fl)) {
		pthread_mutex_destroy(&fl->mu);
		pthread_cond_destroy(&fl->cv);
		close(fl->fd);
		return;
	}
	fl->started = 1;
}

static void flusher_stop(struct sl_store *st)
{
	struct flusher *fl = &st->fl;

	if (!fl->started)
		return;
	pthread_mutex_lock(&fl->mu);
	fl->stop = 1;
	pthread_cond_signal(&fl->cv);
	pthread_mutex_unlock(&fl->mu);
	pthread_join(fl->th, NULL);
	pthread_mutex_destroy(&fl->mu);
	pthread_cond_destroy(&fl->cv);
	close(fl->fd);
	fl->started = 0;
}

/* Through the lock's descriptor, open since sl_store_open() (which fails
 * without it): a write-back error from any time since is reported. */
static int sync_store(struct sl_store *st, struct sl_errctx *err)
{
	if (syncfs(st->lock_fd))
		return sl_err_set(err, SL_EIO, st->dir, 0, "cannot sync: %s", strerror(errno));
	return SL_OK;
}

static int add_op(struct sl_store *st, const char *tmp, const char *final)
{
	struct op *o;

	if (sl_grow(&st->ops, &st->ops_cap, st->nops + 1, sizeof(*st->ops)))
		return SL_ENOMEM;
	o = &st->ops[st->nops];
	o->tmp = tmp ? strdup(tmp) : NULL;
	o->final = strdup(final);
	if ((tmp && !o->tmp) || !o->final) {
		free(o->tmp);
		free(o->final);
		return SL_ENOMEM;
	}
	st->nops++;
	return SL_OK;
}

int sl_store_stage_rename(struct sl_store *st, const char *tmp, const char *final)
{
	return add_op(st, tmp, final);
}

int sl_store_stage_unlink(struct sl_store *st, const char *path)
{
	return add_op(st, NULL, path);
}

static void free_ops(struct sl_store *st, int delete_temps)
{
	for (size_t i = 0; i < st->nops; i++) {
		if (delete_temps && st->ops[i].tmp)
			unlink(st->ops[i].tmp);
		free(st->ops[i].tmp);
		free(st->ops[i].final);
	}
	st->nops = 0;
}

void sl_store_rollback(struct sl_store *st)
{
	if (st)
		free_ops(st, 1);
}

int sl_store_commit(struct sl_store *st, struct sl_errctx *err)
{
	char tmp[PATH_MAX], jpath[PATH_MAX];
	FILE *f;
	int rc, fail;

	flusher_stop(st);
	if (st->man_dirty && (rc = write_manifest(st, err)))
		return rc;
	if (!st->nops)
		return SL_OK;
	/* every new file must be durable before the journal refers to it;
	 * writers of many partitions skip their own fsync and rely on this */
	if ((rc = sync_store(st, err)))
		return rc;
	crashpoint(); /* new files durable, no journal */
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%ld-journal", st->dir, (long)getpid());
	join(jpath, sizeof(jpath), st->dir, JOURNAL);
	f = fopen(tmp, "we");
	if (!f)
		return sl_err_set(err, SL_EIO, tmp, 0, "cannot create: %s", strerror(errno));
	fprintf(f, "shiplog-journal 1\n");
	for (size_t i = 0; i < st->nops; i++) {
		if (st->ops[i].tmp)
			fprintf(f, "R\t%s\t%s\n", rel(st, st->ops[i].tmp), rel(st, st->ops[i].final));
		else
			fprintf(f, "U\t%s\n", rel(st, st->ops[i].final));
	}
	fprintf(f, "END\n");
	fail = fflush(f) || ferror(f) || fsync(fileno(f));
	if (fclose(f))
		fail = 1;
	if (fail) {
		rc = sl_err_set(err, SL_EIO, tmp, 0, "cannot write: %s", strerror(errno));
		unlink(tmp);
		return rc;
	}
	crashpoint(); /* journal written under its temporary name */
	if (rename(tmp, jpath)) {
		rc = sl_err_set(err, SL_EIO, jpath, 0, "cannot rename: %s", strerror(errno));
		unlink(tmp);
		return rc;
	}
	crashpoint(); /* journal in place, directory not yet synced */
	if ((rc = sl_fsync_dir(st->dir, err)))
		return rc;
	crashpoint(); /* journal durable, nothing renamed */
	/* from here on the new state is decided: replay() completes it, now or
	 * at the next open if we die */
	rc = replay(st, jpath, err);
	free_ops(st, 0);
	st->man_dirty = 0;
	return rc;
}
