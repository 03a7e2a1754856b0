#define _XOPEN_SOURCE 700 /* nftw() */
#include "mergepar.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "merge.h"
#include "partset.h"
#include "say.h"
#include "sl_batch.h"
#include "sl_buf.h"
#include "sl_colfile.h"
#include "sl_hash.h"
#include "sl_store.h"
#include "sl_value.h"

#define STAGING ".merge"
#define PART_FILE "part.tsv"
#define PART_MAGIC "shiplog-merge-part 1"
#define GROUP_CAP 65536

/* A path (or text) into buf; one too long is cut, and then names no file
 * of ours (PATH_MAX is the system's limit). */
static void pathf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void pathf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

static void report(const struct sl_errctx *e)
{
	char text[SL_ERR_TEXT];

	sl_err_format(e, NULL, text, sizeof(text));
	errorf("%s", text);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a set of 64-bit hashes: sorted, with a directory on the top bits
 * (hashes are uniform, so a bucket holds a row or two) ---- */

struct hset {
	uint64_t *v;
	size_t n, cap;
	uint32_t *dir; /* bucket b is v[dir[b] .. dir[b + 1]) */
	unsigned bits;
};

static int hset_add(struct hset *s, uint64_t h)
{
	if (s->n == s->cap && sl_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)))
		return SL_ENOMEM;
	s->v[s->n++] = h;
	return SL_OK;
}

/* Sorted by a counting pass on the top bits (a bucket for about four
 * hashes: the directory is a byte a hash), then within each bucket;
 * duplicates dropped.  0 or SL_ENOMEM. */
static int hset_seal(struct hset *s)
{
	size_t nb, out = 0;
	uint64_t *tmp;
	uint32_t *cnt;
	unsigned bits = 1;

	while (bits < 30 && ((size_t)1 << bits) < s->n / 4)
		bits++;
	nb = (size_t)1 << bits;
	cnt = calloc(nb + 1, sizeof(*cnt));
	tmp = malloc((s->n ? s->n : 1) * sizeof(*tmp));
	if (!cnt || !tmp || s->n > UINT32_MAX) {
		free(cnt);
		free(tmp);
		return SL_ENOMEM;
	}
	for (size_t i = 0; i < s->n; i++)
		cnt[(s->v[i] >> (64 - bits)) + 1]++;
	for (size_t b = 0; b < nb; b++)
		cnt[b + 1] += cnt[b];
	for (size_t i = 0; i < s->n; i++)
		tmp[cnt[s->v[i] >> (64 - bits)]++] = s->v[i];
	/* cnt[b] is now the end of bucket b: sort each, drop repeats, and
	 * make cnt the directory of what stays */
	for (size_t b = 0, start = 0; b < nb; b++) {
		size_t end = cnt[b];

		for (size_t i = start + 1; i < end; i++)
			for (size_t j = i; j > start && tmp[j - 1] > tmp[j]; j--) {
				uint64_t x = tmp[j];

				tmp[j] = tmp[j - 1];
				tmp[j - 1] = x;
			}
		cnt[b] = (uint32_t)out;
		for (size_t i = start; i < end; i++)
			if (i == start || tmp[i] != tmp[i - 1])
				tmp[out++] = tmp[i];
		start = end;
	}
	cnt[nb] = (uint32_t)out;
	free(s->v);
	s->v = tmp;
	s->n = s->cap = out;
	s->dir = cnt;
	s->bits = bits;
	return SL_OK;
}

static int hset_has(const struct hset *s, uint64_t h)
{
	size_t b;

	if (!s->dir)
		return 0;
	b = h >> (64 - s->bits);
	for (uint32_t i = s->dir[b]; i < s->dir[b + 1]; i++)
		if (s->v[i] == h)
			return 1;
	return 0;
}

static void hset_free(struct hset *s)
{
	free(s->v);
	free(s->dir);
	memset(s, 0, sizeof(*s));
}

/* ---- files ---- */

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP ? rmdir(path) : unlink(path))
		return errno == ENOENT ? 0 : -1;
	return 0;
}

/* Removes dir and all below it (a staging directory of ours). */
static int rm_tree(const char *dir, struct sl_errctx *err)
{
	if (access(dir, F_OK) && errno == ENOENT)
		return SL_OK;
	if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS))
		return sl_err_set(err, SL_EIO, dir, 0, "cannot remove: %s", strerror(errno));
	return SL_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir that do not start with '.', sorted; *names malloc'ed
 * (free_names).  A missing directory has none. */
static int list_names(const char *dir, char ***names, size_t *n, struct sl_errctx *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? SL_OK
				       : sl_err_set(err, SL_EIO, dir, 0, "cannot read: %s",
						    strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (sl_grow(names, &cap, *n + 1, sizeof(**names)) ||
		    !((*names)[*n] = strdup(de->d_name))) {
			closedir(d);
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		}
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_str);
	return SL_OK;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A partition file's day from its name: 1 with *day set (SL_DAY_NONE for
 * the undated one), 0 for another name. */
static int name_day(const char *name, int64_t *day)
{
	size_t n = strlen(name);

	if (n < 9 || strcmp(name + n - 8, ".msgpack"))
		return 0;
	if (!strcmp(name, "undated.msgpack")) {
		*day = SL_DAY_NONE;
		return 1;
	}
	return n == 18 && !sl_parse_day(name, 10, day);
}

/* What a store is at a moment: its manifest, and its partition files'
 * names and sizes.  Every run that changes a store's rows adds to its
 * manifest or rewrites an entry's time; nothing here depends on where the
 * store lies, so a copy of it (staged in and out) is the same store. */
static int fingerprint(const char *dir, uint64_t *fp, struct sl_errctx *err)
{
	struct sl_buf b = SL_BUF_INIT;
	char path[PATH_MAX];
	int rc = SL_OK;
	FILE *f;

	pathf(path, sizeof(path), "%s/manifest.tsv", dir);
	if ((f = fopen(path, "re"))) {
		char chunk[65536];
		size_t got;

		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && !rc)
			if (sl_buf_add(&b, chunk, got))
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		fclose(f);
	}
	for (int k = 0; k < SL_KIND_COUNT && !rc; k++) {
		char **names, kdir[PATH_MAX];
		size_t n;

		pathf(kdir, sizeof(kdir), "%s/%s", dir, sl_kind_name((enum sl_kind)k));
		if ((rc = list_names(kdir, &names, &n, err)))
			break;
		for (size_t i = 0; i < n && !rc; i++) {
			struct stat sb;
			int64_t size;

			pathf(path, sizeof(path), "%s/%s", kdir, names[i]);
			if (stat(path, &sb)) {
				rc = sl_err_set(err, SL_EIO, path, 0, "cannot stat: %s",
						strerror(errno));
				break;
			}
			size = (int64_t)sb.st_size;
			if (sl_buf_add(&b, path + strlen(dir), strlen(path + strlen(dir)) + 1) ||
			    sl_buf_add(&b, &size, sizeof(size)))
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		}
		free_names(names, n);
	}
	*fp = sl_hash(b.data ? b.data : "", b.len);
	sl_buf_release(&b);
	return rc;
}

/* ---- the days of each task ---- */

struct daybytes {
	int64_t day;
	uint64_t bytes;
};

static int cmp_daybytes(const void *a, const void *b)
{
	int64_t x = ((const struct daybytes *)a)->day, y = ((const struct daybytes *)b)->day;

	return (x > y) - (x < y);
}

/* Task k's days [*lo, *hi): the shards' dated partitions' bytes, summed by
 * day, cut into m runs of days of about equal bytes.  The first starts at
 * the earliest day there can be, the last ends after the latest: every
 * day, the store's own too, is one task's. */
static int task_days(struct sl_store **shards, int nshards, int k, int m, int64_t *lo,
		     int64_t *hi, struct sl_errctx *err)
{
	struct daybytes *v = NULL;
	size_t n = 0, cap = 0, u = 0;
	uint64_t total = 0, acc = 0;
	int rc = SL_OK;
	int64_t *cut;

	if (!(cut = calloc((size_t)m + 1, sizeof(*cut))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (int s = 0; s < nshards && !rc; s++)
		for (int kind = 0; kind < SL_KIND_COUNT && !rc; kind++) {
			int64_t *days;
			size_t nd;
			int undated;

			if ((rc = sl_store_list_days(shards[s], (enum sl_kind)kind, &days, &nd,
						     &undated, err)))
				break;
			for (size_t i = 0; i < nd; i++) {
				char path[PATH_MAX];
				struct stat sb;

				sl_store_partition_path(shards[s], (enum sl_kind)kind, days[i], path,
							sizeof(path));
				if (sl_grow(&v, &cap, n + 1, sizeof(*v))) {
					rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
					break;
				}
				v[n].day = days[i];
				v[n++].bytes = stat(path, &sb) ? 0 : (uint64_t)sb.st_size;
			}
			free(days);
		}
	if (rc)
		goto out;
	if (n)
		qsort(v, n, sizeof(*v), cmp_daybytes);
	for (size_t i = 0; i < n; i++) { /* one entry a day */
		if (u && v[u - 1].day == v[i].day)
			v[u - 1].bytes += v[i].bytes;
		else
			v[u++] = v[i];
		total += v[i].bytes;
	}
	/* cut[j] (0 < j < m), where task j starts: the first day before which
	 * lie j/m of the bytes (past the last day when none); a task whose
	 * share is less than a day may get no day */
	cut[0] = INT64_MIN;
	cut[m] = INT64_MAX;
	for (int j = 1; j < m; j++) {
		uint64_t target = (total * (uint64_t)j + (uint64_t)m - 1) / (uint64_t)m;
		size_t i = 0;

		for (acc = 0; i < u && acc < target; i++)
			acc += v[i].bytes;
		cut[j] = i < u ? v[i].day : u ? v[u - 1].day + 1 : INT64_MAX;
		if (cut[j] < cut[j - 1])
			cut[j] = cut[j - 1];
	}
	*lo = cut[k];
	*hi = cut[k + 1];
out:
	free(v);
	free(cut);
	return rc;
}

/* ---- the part ---- */

struct task {
	const struct ingest_params *p;
	int k, m;
	int64_t lo, hi;      /* its days */
	struct sl_store *all; /* the store merged into, read under its shared lock */
	struct sl_store *st;  /* the staging store the part writes */
	struct partset *ps;
	/* update keys of rows on its days, and parent keys of parents on its
	 * days (and, task 0, of the store's children of no parent yet) */
	struct hset upd[SL_KIND_COUNT], par[SL_KIND_COUNT];
	struct hset every[SL_KIND_COUNT]; /* task 0: every parent's key */
	uint8_t want_key[SL_KIND_COUNT][64];
	struct sl_batch *kb[SL_KIND_COUNT], *fb[SL_KIND_COUNT];
	uint64_t taken;
};

static int in_days(const struct task *t, int64_t day)
{
	return day >= t->lo && day < t->hi;
}

/* The kinds of partset's joins (partset.c): parents, and the kinds whose
 * rows are updated by later rows of their key. */
static int is_parent(enum sl_kind k)
{
	return k == SL_KIND_DEPLOYMENTS || k == SL_KIND_PIPELINE_RUNS;
}

static int has_updates(enum sl_kind k)
{
	return is_parent(k) || k == SL_KIND_STAGE_RUNS;
}

/* Does the task take row r of b (a row of kind's partition of day)? */
static int takes(struct task *t, const struct sl_batch *b, size_t r)
{
	enum sl_kind k = b->kind;
	const struct sl_kind_def *d = sl_kind_def(k);
	uint64_t h;

	if (d->day_col < 0) { /* a child: where its parent is, or undated */
		if (!partset_row_key(t->ps, PK_CHILD, b, r, &h))
			return t->k == 0;
		return hset_has(&t->par[d->parent], h) ||
		       (t->k == 0 && !hset_has(&t->every[d->parent], h));
	}
	if (in_days(t, sl_day_of_ms(b->cols[d->day_col].v.i64[r])))
		return 1;
	if (!has_updates(k))
		return 0;
	return (partset_row_key(t->ps, PK_UPDATE, b, r, &h) && hset_has(&t->upd[k], h)) ||
	       (is_parent(k) && partset_row_key(t->ps, PK_PARENT, b, r, &h) &&
		hset_has(&t->par[k], h));
}

/* Index pass over one file of kind: the keys the task's choice needs. */
static int index_file(struct task *t, enum sl_kind k, const char *path, struct sl_errctx *err)
{
	const struct sl_kind_def *d = sl_kind_def(k);
	struct sl_batch *b = t->kb[k];
	struct sl_cfr *r;
	int rc;

	if ((rc = sl_cfr_open(&r, path, err)))
		return rc;
	for (size_t g = 0; g < sl_cfr_ngroups(r) && !rc; g++) {
		sl_batch_clear(b);
		if ((rc = sl_cfr_read_group(r, g, t->want_key[k], b, err)))
			break;
		for (size_t i = 0; i < b->n && !rc; i++) {
			uint64_t h;

			if (d->day_col < 0) { /* the store's undated children (task 0) */
				if (partset_row_key(t->ps, PK_CHILD, b, i, &h))
					rc = hset_add(&t->par[d->parent], h);
				continue;
			}
			if (t->k == 0 && is_parent(k) && partset_row_key(t->ps, PK_PARENT, b, i, &h) &&
			    (rc = hset_add(&t->every[k], h)))
				break;
			if (!in_days(t, sl_day_of_ms(b->cols[d->day_col].v.i64[i])))
				continue;
			if (partset_row_key(t->ps, PK_UPDATE, b, i, &h) &&
			    (rc = hset_add(&t->upd[k], h)))
				break;
			if (is_parent(k) && partset_row_key(t->ps, PK_PARENT, b, i, &h))
				rc = hset_add(&t->par[k], h);
		}
	}
	sl_cfr_close(r);
	return rc == SL_ENOMEM ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL) : rc;
}

/* The keys of one store (a shard, or the store merged into): of its rows
 * with updates on the task's days; task 0, every parent's key and the
 * parents the store's undated children wait for. */
static int index_store(struct task *t, struct sl_store *st, int is_all, struct sl_errctx *err)
{
	int rc = SL_OK;

	for (int kind = 0; kind < SL_KIND_COUNT && !rc; kind++) {
		enum sl_kind k = (enum sl_kind)kind;
		int64_t *days;
		size_t nd;
		int undated;
		char path[PATH_MAX];

		if (!has_updates(k) && !(is_all && t->k == 0 && sl_kind_def(k)->day_col < 0))
			continue;
		if ((rc = sl_store_list_days(st, k, &days, &nd, &undated, err)))
			break;
		if (has_updates(k)) {
			for (size_t i = 0; i < nd && !rc; i++) {
				/* only task 0 reads a parent's other days */
				if (!in_days(t, days[i]) && !(t->k == 0 && is_parent(k)))
					continue;
				sl_store_partition_path(st, k, days[i], path, sizeof(path));
				rc = index_file(t, k, path, err);
			}
		} else if (undated) {
			sl_store_partition_path(st, k, SL_DAY_NONE, path, sizeof(path));
			rc = index_file(t, k, path, err);
		}
		free(days);
	}
	return rc;
}

/* Main pass over one file: the rows the task takes, into its partitions,
 * in the order of the one-task merge (merge.c). */
static int take_file(struct task *t, enum sl_kind k, const char *path, int all_rows,
		     struct sl_errctx *err)
{
	const struct sl_kind_def *d = sl_kind_def(k);
	struct sl_cfr *r;
	uint8_t *keep = NULL;
	int rc;

	if ((rc = sl_cfr_open(&r, path, err)))
		return rc;
	if (!(keep = malloc(GROUP_CAP))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t g = 0; g < sl_cfr_ngroups(r) && !rc; g++) {
		struct sl_batch *src = t->fb[k];
		size_t any = 0, rows = sl_cfr_group_rows(r, g);

		if (!all_rows) {
			if (rows > GROUP_CAP) {
				uint8_t *more = realloc(keep, rows);

				if (!more) {
					rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
					break;
				}
				keep = more;
			}
			sl_batch_clear(t->kb[k]);
			if ((rc = sl_cfr_read_group(r, g, t->want_key[k], t->kb[k], err)))
				break;
			for (size_t i = 0; i < t->kb[k]->n; i++)
				any += keep[i] = (uint8_t)takes(t, t->kb[k], i);
			if (!any)
				continue;
		}
		sl_batch_clear(src);
		if ((rc = sl_cfr_read_group(r, g, NULL, src, err)))
			break;
		for (size_t i = 0; i < src->n && !rc; i++) {
			struct sl_batch *b;
			struct part *p;
			int64_t day = d->day_col >= 0 ? sl_day_of_ms(src->cols[d->day_col].v.i64[i])
						      : PART_DAY_PENDING;

			if (!all_rows && !keep[i])
				continue;
			if ((rc = partset_target(t->ps, k, day, &p, &b, err)))
				break;
			if (sl_batch_copy_row(b, src, i)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				break;
			}
			rc = partset_add_row(t->ps, p, b->n - 1, err);
			t->taken++;
		}
	}
out:
	free(keep);
	sl_cfr_close(r);
	return rc;
}

static int take_shard(struct task *t, struct sl_store *shard, struct sl_errctx *err)
{
	int rc = SL_OK;

	for (int kind = 0; kind < SL_KIND_COUNT && !rc; kind++) {
		enum sl_kind k = (enum sl_kind)kind;
		const struct sl_kind_def *d = sl_kind_def(k);
		int64_t *days;
		size_t nd;
		int undated;
		char path[PATH_MAX];

		if ((rc = sl_store_list_days(shard, k, &days, &nd, &undated, err)))
			break;
		for (size_t i = 0; i < nd && !rc; i++) {
			int mine = d->day_col >= 0 && in_days(t, days[i]);

			if (!mine && d->day_col >= 0 && !has_updates(k))
				continue;
			sl_store_partition_path(shard, k, days[i], path, sizeof(path));
			rc = take_file(t, k, path, mine, err);
		}
		if (!rc && undated && d->day_col < 0) {
			sl_store_partition_path(shard, k, SL_DAY_NONE, path, sizeof(path));
			rc = take_file(t, k, path, 0, err);
		}
		free(days);
		if (rc && !err->path[0])
			pathf(err->path, sizeof(err->path), "%s", sl_store_dir(shard));
	}
	return rc;
}

/* The staging store of part k of m: made afresh, its manifest the store's,
 * and each of the store's partitions there as a symbolic link (read as
 * old rows, replaced by a rename when rewritten, removed when emptied). */
static int make_staging(struct task *t, const char *dir, struct sl_errctx *err)
{
	char path[PATH_MAX], src[PATH_MAX];
	FILE *in, *out;
	struct sl_store *old;
	int rc;

	/* the same part still at work (a task started twice) keeps its lock */
	if (!access(dir, F_OK)) {
		if ((rc = sl_store_open(&old, dir, 0, SL_LOCK_EXCLUSIVE, 0, err)))
			return rc;
		sl_store_close(old);
	}
	if ((rc = rm_tree(dir, err)) || (rc = sl_mkdirs(dir, err)))
		return rc;
	pathf(src, sizeof(src), "%s/manifest.tsv", sl_store_dir(t->all));
	pathf(path, sizeof(path), "%s/manifest.tsv", dir);
	if ((in = fopen(src, "re"))) {
		char chunk[65536];
		size_t got;
		int bad = 0;

		if (!(out = fopen(path, "we"))) {
			fclose(in);
			return sl_err_set(err, SL_EIO, path, 0, "cannot create: %s",
					  strerror(errno));
		}
		while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0)
			bad |= fwrite(chunk, 1, got, out) != got;
		bad |= ferror(in);
		fclose(in);
		if (fclose(out) || bad)
			return sl_err_set(err, SL_EIO, path, 0, "cannot write");
	}
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		const char *kn = sl_kind_name((enum sl_kind)k);
		char **names;
		size_t n;

		pathf(src, sizeof(src), "%s/%s", sl_store_dir(t->all), kn);
		if ((rc = list_names(src, &names, &n, err)))
			return rc;
		if (n) {
			pathf(path, sizeof(path), "%s/%s", dir, kn);
			rc = sl_mkdirs(path, err);
		}
		for (size_t i = 0; i < n && !rc; i++) {
			int64_t day;

			if (!name_day(names[i], &day))
				continue;
			pathf(src, sizeof(src), "../../../%s/%s", kn, names[i]);
			pathf(path, sizeof(path), "%s/%s/%s", dir, kn, names[i]);
			if (symlink(src, path))
				rc = sl_err_set(err, SL_EIO, path, 0, "cannot link: %s",
						strerror(errno));
		}
		free_names(names, n);
		if (rc)
			return rc;
	}
	return SL_OK;
}

static void day_text(int64_t day, int open_end, char *buf)
{
	if (day == INT64_MIN || day == INT64_MAX)
		pathf(buf, 32, "%s", open_end ? "the end" : "the start");
	else
		sl_format_day(day, buf);
}

static int write_part(const struct task *t, const char *dir, struct sl_store **shards,
		      const uint64_t *shard_fp, uint64_t all_fp, struct sl_errctx *err)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	FILE *f;
	int bad;

	pathf(tmp, sizeof(tmp), "%s/.tmp-" PART_FILE, dir);
	pathf(final, sizeof(final), "%s/" PART_FILE, dir);
	if (!(f = fopen(tmp, "we")))
		return sl_err_set(err, SL_EIO, tmp, 0, "cannot create: %s", strerror(errno));
	fprintf(f, PART_MAGIC "\npart\t%d\t%d\ndays\t%" PRId64 "\t%" PRId64 "\nstore\t%016" PRIx64
		   "\n",
		t->k, t->m, t->lo, t->hi, all_fp);
	for (int i = 0; i < t->p->nfiles; i++)
		fprintf(f, "shard\t%016" PRIx64 "\t%s\n", shard_fp[i], t->p->files[i]);
	fprintf(f, "END\n");
	(void)shards;
	bad = fflush(f) || ferror(f) || fsync(fileno(f));
	if (fclose(f) || bad || rename(tmp, final)) {
		unlink(tmp);
		return sl_err_set(err, SL_EIO, final, 0, "cannot write: %s", strerror(errno));
	}
	return sl_fsync_dir(dir, err);
}

/* Opens the shards under their shared locks, each once. */
static int open_shards(const struct ingest_params *p, struct sl_store ***out, uint64_t **fps,
		       struct sl_errctx *err)
{
	struct sl_store **v = calloc((size_t)p->nfiles, sizeof(*v));
	uint64_t *fp = calloc((size_t)p->nfiles, sizeof(*fp));
	int rc = SL_OK;

	*out = v;
	*fps = fp;
	if (!v || !fp)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (int i = 0; i < p->nfiles && !rc; i++)
		if (!(rc = sl_store_open(&v[i], p->files[i], 0, SL_LOCK_SHARED, p->wait_lock, err)))
			rc = fingerprint(p->files[i], &fp[i], err);
	return rc;
}

static void close_shards(const struct ingest_params *p, struct sl_store **v, uint64_t *fp)
{
	for (int i = 0; v && i < p->nfiles; i++)
		sl_store_close(v[i]);
	free(v);
	free(fp);
}

/* How many of shard's inputs dst knows. */
static size_t known_inputs(const struct sl_store *dst, const struct sl_store *shard)
{
	size_t known = 0;

	for (size_t i = 0; i < sl_store_manifest_count(shard); i++)
		known += sl_store_manifest_find(dst, sl_store_manifest_get(shard, i)->digest) != NULL;
	return known;
}

int mergepar_part(const struct ingest_params *p)
{
	struct task t;
	struct sl_errctx err;
	struct sl_store **shards = NULL;
	uint64_t *shard_fp = NULL, all_fp = 0;
	struct partset_stats stats = {0};
	char dir[PATH_MAX], a[32], b[32], days[80];
	int status = 1, rc, merged = 0, skipped = 0;
	double t0 = now_s(), t_keys = 0, t_rows = 0, t_parts = 0;
	int *take = NULL;

	memset(&t, 0, sizeof(t));
	sl_err_clear(&err);
	t.p = p;
	t.k = p->part_k;
	t.m = p->part_m;
	/* the store is read, not written, by the parts: under its shared lock,
	 * so that no ingest commits into it meanwhile */
	if ((rc = sl_store_open(&t.all, p->store, 1, SL_LOCK_SHARED, p->wait_lock, &err)) ||
	    (rc = fingerprint(p->store, &all_fp, &err)) ||
	    (rc = open_shards(p, &shards, &shard_fp, &err)) ||
	    (rc = task_days(shards, p->nfiles, t.k, t.m, &t.lo, &t.hi, &err)))
		goto fail;
	pathf(dir, sizeof(dir), "%s/" STAGING "/part-%d-of-%d", sl_store_dir(t.all), t.k, t.m);
	if ((rc = make_staging(&t, dir, &err)) ||
	    (rc = sl_store_open(&t.st, dir, 1, SL_LOCK_EXCLUSIVE, 0, &err)))
		goto fail;
	if (!(t.ps = partset_new(t.st, 0, p->max_buffered_rows)) ||
	    !(take = calloc((size_t)p->nfiles, sizeof(*take)))) {
		rc = sl_err_set(&err, SL_ENOMEM, NULL, 0, NULL);
		goto fail;
	}
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		const struct sl_kind_def *d = sl_kind_def((enum sl_kind)k);

		if (d->day_col >= 0)
			t.want_key[k][d->day_col] = 1;
		partset_key_cols(t.ps, PK_UPDATE, (enum sl_kind)k, t.want_key[k]);
		partset_key_cols(t.ps, PK_PARENT, (enum sl_kind)k, t.want_key[k]);
		partset_key_cols(t.ps, PK_CHILD, (enum sl_kind)k, t.want_key[k]);
		if (!(t.kb[k] = sl_batch_new((enum sl_kind)k, GROUP_CAP)) ||
		    !(t.fb[k] = sl_batch_new((enum sl_kind)k, GROUP_CAP))) {
			rc = sl_err_set(&err, SL_ENOMEM, NULL, 0, NULL);
			goto fail;
		}
	}
	/* as the one-task merge: a shard merged before is skipped, one that
	 * grew since is refused */
	for (int i = 0; i < p->nfiles; i++) {
		size_t m = sl_store_manifest_count(shards[i]), known = known_inputs(t.all, shards[i]);

		if (m && known == m) {
			skipped++;
			continue;
		}
		if (known) {
			rc = sl_err_set(&err, SL_EINVAL, p->files[i], 0,
					"%zu of the shard's %zu inputs are in the store already "
					"(merged before it grew?): merge into a new store, or with "
					"the one-task merge and --reprocess", known, m);
			goto fail;
		}
		take[i] = 1;
		merged++;
	}
	if ((rc = index_store(&t, t.all, 1, &err)))
		goto fail;
	for (int i = 0; i < p->nfiles && !rc; i++)
		if (take[i])
			rc = index_store(&t, shards[i], 0, &err);
	for (int k = 0; k < SL_KIND_COUNT && !rc; k++)
		if (hset_seal(&t.upd[k]) || hset_seal(&t.par[k]) || hset_seal(&t.every[k]))
			rc = sl_err_set(&err, SL_ENOMEM, NULL, 0, NULL);
	t_keys = now_s() - t0;
	for (int i = 0; i < p->nfiles && !rc; i++)
		if (take[i] && !(rc = take_shard(&t, shards[i], &err)))
			rc = merge_manifest(t.st, shards[i], &err);
	t_rows = now_s() - t0 - t_keys;
	if (rc || (rc = partset_finish(t.ps, &stats, &err)))
		goto fail;
	t_parts = now_s() - t0 - t_keys - t_rows;
	if ((rc = sl_store_commit(t.st, &err)) ||
	    (rc = write_part(&t, dir, shards, shard_fp, all_fp, &err)))
		goto fail;
	day_text(t.lo, 0, a);
	day_text(t.hi == INT64_MAX ? t.hi : t.hi - 1, 1, b);
	if (t.lo >= t.hi) /* more tasks than days */
		pathf(days, sizeof(days), "no day");
	else
		pathf(days, sizeof(days), "days %s to %s", a, b);
	if (!p->quiet)
		fprintf(stderr,
			"shiplog-ingest: part %d of %d (%s%s): %d shard%s read, %d "
			"skipped; %" PRIu64 " of their rows taken, %" PRIu64 " partition files "
			"written in '%s'; --commit makes the parts visible\n",
			t.k, t.m, days, t.k == 0 ? ", and undated rows" : "", merged,
			merged == 1 ? "" : "s", skipped, t.taken, stats.partitions, dir);
	if (!p->quiet)
		fprintf(stderr,
			"shiplog-ingest: time: %.2f s (keys %.2f, rows %.2f, partitions %.2f, "
			"commit %.2f)\n",
			now_s() - t0, t_keys, t_rows, t_parts, now_s() - t0 - t_keys - t_rows - t_parts);
	status = 0;
	goto out;
fail:
	report(&err);
	errorf("part %d of %d failed; the store is unchanged", t.k, t.m);
out:
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		hset_free(&t.upd[k]);
		hset_free(&t.par[k]);
		hset_free(&t.every[k]);
		sl_batch_free(t.kb[k]);
		sl_batch_free(t.fb[k]);
	}
	free(take);
	partset_free(t.ps);
	sl_store_close(t.st);
	close_shards(p, shards, shard_fp);
	sl_store_close(t.all);
	return status;
}

/* ---- the commit ---- */

struct partinfo {
	int k, m;
	int64_t lo, hi;
	uint64_t store_fp;
	int nshards;
	uint64_t *shard_fp;
	char **shard;
	char dir[PATH_MAX];
};

static void partinfo_free(struct partinfo *pi)
{
	for (int i = 0; i < pi->nshards; i++)
		free(pi->shard[i]);
	free(pi->shard);
	free(pi->shard_fp);
	memset(pi, 0, sizeof(*pi));
}

/* Reads dir/part.tsv: 1 when read whole, 0 when absent or cut short (a
 * part that did not finish), < 0 on error. */
static int read_part(const char *dir, struct partinfo *pi, struct sl_errctx *err)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int ok = 0, first = 1, rc = SL_OK;

	memset(pi, 0, sizeof(*pi));
	pathf(pi->dir, sizeof(pi->dir), "%s", dir);
	pathf(path, sizeof(path), "%s/" PART_FILE, dir);
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0
				       : sl_err_set(err, SL_EIO, path, 0, "cannot open: %s",
						    strerror(errno));
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		char *tab;

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (first) {
			first = 0;
			if (strcmp(line, PART_MAGIC))
				rc = sl_err_set(err, SL_EFORMAT, path, 1, "not a part of a merge");
			continue;
		}
		if (!strcmp(line, "END")) {
			ok = 1;
			break;
		}
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab++ = '\0';
		if (!strcmp(line, "part")) {
			sscanf(tab, "%d\t%d", &pi->k, &pi->m);
		} else if (!strcmp(line, "days")) {
			sscanf(tab, "%" SCNd64 "\t%" SCNd64, &pi->lo, &pi->hi);
		} else if (!strcmp(line, "store")) {
			sscanf(tab, "%" SCNx64, &pi->store_fp);
		} else if (!strcmp(line, "shard")) {
			char *name = strchr(tab, '\t');
			size_t c1 = (size_t)pi->nshards, c2 = (size_t)pi->nshards;

			if (!name)
				continue;
			if (sl_grow(&pi->shard, &c1, c1 + 1, sizeof(*pi->shard)) ||
			    sl_grow(&pi->shard_fp, &c2, c2 + 1, sizeof(*pi->shard_fp)) ||
			    !(pi->shard[pi->nshards] = strdup(name + 1))) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				break;
			}
			sscanf(tab, "%" SCNx64, &pi->shard_fp[pi->nshards++]);
		}
	}
	free(line);
	fclose(f);
	if (!rc && ok && (pi->m < 1 || pi->k < 0 || pi->k >= pi->m))
		rc = sl_err_set(err, SL_EFORMAT, path, 0, "not a part of a merge");
	return rc ? rc : ok;
}

/* Is the partition file name one of part pi's days (the undated one is
 * task 0's)? */
static int part_owns(const struct partinfo *pi, const char *name)
{
	int64_t day;

	return name_day(name, &day) &&
	       (day == SL_DAY_NONE ? pi->k == 0 : day >= pi->lo && day < pi->hi);
}

/* Stages part pi's partitions of its days into the store: the files it
 * wrote renamed in, the store's files it removed (a partition emptied)
 * removed.  *written and *removed count them. */
static int stage_part(struct sl_store *all, const struct partinfo *pi, uint64_t *written,
		      uint64_t *removed, struct sl_errctx *err)
{
	int rc = SL_OK;

	for (int k = 0; k < SL_KIND_COUNT && !rc; k++) {
		const char *kn = sl_kind_name((enum sl_kind)k);
		char sdir[PATH_MAX], adir[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
		char **names;
		size_t n;

		pathf(sdir, sizeof(sdir), "%s/%s", pi->dir, kn);
		pathf(adir, sizeof(adir), "%s/%s", sl_store_dir(all), kn);
		if ((rc = list_names(sdir, &names, &n, err)))
			break;
		for (size_t i = 0; i < n && !rc; i++) {
			struct stat sb;

			if (!part_owns(pi, names[i]))
				continue;
			pathf(from, sizeof(from), "%s/%s", sdir, names[i]);
			pathf(to, sizeof(to), "%s/%s", adir, names[i]);
			if (lstat(from, &sb))
				rc = sl_err_set(err, SL_EIO, from, 0, "cannot stat: %s", strerror(errno));
			else if (S_ISREG(sb.st_mode) && !(rc = sl_mkdirs(adir, err))) {
				if (sl_store_stage_rename(all, from, to))
					rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				(*written)++;
			}
		}
		free_names(names, n);
		if (rc || (rc = list_names(adir, &names, &n, err)))
			break;
		for (size_t i = 0; i < n && !rc; i++) {
			struct stat sb;

			if (!part_owns(pi, names[i]))
				continue;
			pathf(from, sizeof(from), "%s/%s", sdir, names[i]);
			if (!lstat(from, &sb) || errno != ENOENT)
				continue;
			pathf(to, sizeof(to), "%s/%s", adir, names[i]);
			if (sl_store_stage_unlink(all, to))
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			(*removed)++;
		}
		free_names(names, n);
	}
	return rc;
}

int mergepar_commit(const struct ingest_params *p)
{
	struct sl_errctx err;
	struct sl_store *all = NULL, **shards = NULL;
	uint64_t *shard_fp = NULL, all_fp, written = 0, removed = 0;
	struct partinfo *parts = NULL;
	char staging[PATH_MAX], **names = NULL;
	size_t nnames = 0;
	int status = 1, rc, m = 0, nknown = 0;

	sl_err_clear(&err);
	if ((rc = sl_store_open(&all, p->store, 1, SL_LOCK_EXCLUSIVE, p->wait_lock, &err)) ||
	    (rc = open_shards(p, &shards, &shard_fp, &err)))
		goto fail;
	pathf(staging, sizeof(staging), "%s/" STAGING, sl_store_dir(all));
	/* committed before (or a commit interrupted after its journal, which
	 * opening the store completed): nothing to do but tidy up */
	for (int i = 0; i < p->nfiles; i++) {
		size_t n = sl_store_manifest_count(shards[i]);

		nknown += n && known_inputs(all, shards[i]) == n;
	}
	if (nknown == p->nfiles) {
		if ((rc = rm_tree(staging, &err)))
			goto fail;
		if (!p->quiet)
			fprintf(stderr, "shiplog-ingest: every shard is in the store already "
				"(committed before): nothing to do\n");
		status = 0;
		goto out;
	}
	/* the parts of one M, all of them */
	if ((rc = list_names(staging, &names, &nnames, &err)))
		goto fail;
	for (size_t i = 0; i < nnames; i++) {
		int k, mm, end = 0;

		if (sscanf(names[i], "part-%d-of-%d%n", &k, &mm, &end) == 2 &&
		    !names[i][end] && mm > m && k >= 0 && k < mm) {
			char d[PATH_MAX];
			struct partinfo pi;

			pathf(d, sizeof(d), "%s/%s", staging, names[i]);
			if ((rc = read_part(d, &pi, &err)) < 0)
				goto fail;
			if (rc == 1)
				m = mm;
			partinfo_free(&pi);
		}
	}
	if (!m) {
		rc = sl_err_set(&err, SL_EINVAL, staging, 0,
				"no part of a merge finished here: run each task "
				"(--merge --part K/M) first");
		goto fail;
	}
	if (!(parts = calloc((size_t)m, sizeof(*parts)))) {
		rc = sl_err_set(&err, SL_ENOMEM, NULL, 0, NULL);
		goto fail;
	}
	if ((rc = fingerprint(p->store, &all_fp, &err)))
		goto fail;
	for (int k = 0; k < m; k++) {
		char d[PATH_MAX];
		struct partinfo *pi = &parts[k];

		pathf(d, sizeof(d), "%s/part-%d-of-%d", staging, k, m);
		if ((rc = read_part(d, pi, &err)) < 0)
			goto fail;
		if (rc == 0 || pi->k != k || pi->m != m) {
			rc = sl_err_set(&err, SL_EINVAL, d, 0,
					"part %d of %d is missing or unfinished (its task failed "
					"or has not run): run it, then --commit again",
					k, m);
			goto fail;
		}
		if (pi->nshards != p->nfiles) {
			rc = sl_err_set(&err, SL_EINVAL, d, 0,
					"part %d of %d was made from %d shards, not these %d: run "
					"the parts again", k, m, pi->nshards, p->nfiles);
			goto fail;
		}
		for (int i = 0; i < p->nfiles; i++) {
			if (strcmp(pi->shard[i], p->files[i])) {
				rc = sl_err_set(&err, SL_EINVAL, d, 0,
						"part %d of %d was made from the shard '%s', not "
						"'%s' (the shards in the same order): run the parts "
						"again", k, m, pi->shard[i], p->files[i]);
				goto fail;
			}
			if (pi->shard_fp[i] != shard_fp[i]) {
				rc = sl_err_set(&err, SL_EINVAL, p->files[i], 0,
						"the shard changed since part %d of %d was made "
						"from it (ingested into?): run the parts again",
						k, m);
				goto fail;
			}
		}
		if (pi->store_fp != all_fp) {
			rc = sl_err_set(&err, SL_EINVAL, p->store, 0,
					"the store changed since part %d of %d was made: run the "
					"parts again", k, m);
			goto fail;
		}
		if (pi->lo != (k ? parts[k - 1].hi : INT64_MIN) ||
		    (k == m - 1 && pi->hi != INT64_MAX)) {
			rc = sl_err_set(&err, SL_EINVAL, d, 0,
					"the parts' days do not meet (part %d of %d)", k, m);
			goto fail;
		}
	}
	rc = SL_OK;
	for (int k = 0; k < m && !rc; k++)
		rc = stage_part(all, &parts[k], &written, &removed, &err);
	for (int i = 0; i < p->nfiles && !rc; i++)
		rc = merge_manifest(all, shards[i], &err);
	if (rc)
		goto fail;
	if ((rc = sl_store_commit(all, &err))) {
		report(&err);
		errorf("the store could not be committed; the next run completes or undoes it");
		goto out;
	}
	/* what is left (links, parts of other tasks' days) is no longer needed;
	 * the merge is committed even if it stays */
	if ((rc = rm_tree(staging, &err)))
		fprintf(stderr, "shiplog-ingest: warning: the staging area '%s' could not be "
			"removed: %s\n", staging, strerror(errno));
	if (!p->quiet)
		fprintf(stderr,
			"shiplog-ingest: the %d part%s of the merge of %d shard%s committed: %" PRIu64
			" partition files written, %" PRIu64 " removed\n",
			m, m == 1 ? "" : "s", p->nfiles, p->nfiles == 1 ? "" : "s", written, removed);
	status = 0;
	goto out;
fail:
	report(&err);
	errorf("nothing was committed; the store is unchanged");
out:
	for (int k = 0; parts && k < m; k++)
		partinfo_free(&parts[k]);
	free(parts);
	free_names(names, nnames);
	close_shards(p, shards, shard_fp);
	sl_store_close(all);
	return status;
}
