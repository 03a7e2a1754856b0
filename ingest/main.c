/* shiplog-ingest: CI and deployment logs into the columnar store.
 * main.c wires the pieces: options (cli.c), inputs (sl_input), format
 * readers (csvsrc.c, jsonsrc.c), row mapping (rowmap.c), partitions
 * (partset.c), rejects (rejects.c) and the store's atomic commit. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apisrc.h"
#include "cli.h"
#include "mapply.h"
#include "dump.h"
#include "merge.h"
#include "mergepar.h"
#include "partset.h"
#include "rejects.h"
#include "say.h"
#include "rowmap.h"
#include "sl_input.h"
#include "sl_store.h"
#include "sl_value.h"
#include "src.h"

struct run {
	struct ingest_params *p;
	struct sl_store *st;
	struct partset *ps;
	struct rejects *rj;
	/* the current input */
	const char *path;
	int is_csv;
	enum sl_kind kind;
	struct rowmap *rm;
	struct mapply *ma; /* --map */
	uint64_t rows;
	/* totals */
	int files, skipped;
	uint64_t rows_read, accepted, rejected, raw_bytes, bytes, utf8;
	int stdin_dup;
	/* progress */
	int tty;
	double t0, last_progress;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "'path':line: message" — the data first, as users grep for it. */
static void report(const struct sl_errctx *e, const char *fallback_path)
{
	char text[SL_ERR_TEXT];

	sl_err_format(e, fallback_path, text, sizeof(text));
	errorf("%s", text);
}

static void progress(struct run *r, int final)
{
	double t = now_s();

	if (!r->tty || r->p->quiet)
		return;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	if (t - r->last_progress < 0.25)
		return;
	r->last_progress = t;
	fprintf(stderr, "\r\033[K%s: %llu rows, %.0f rows/s", r->path,
		(unsigned long long)r->rows,
		(double)(r->rows_read + r->rows) / (t - r->t0 > 0 ? t - r->t0 : 1));
}

/* ---- reader callbacks ---- */

static int on_header(void *ctx, const char *const *names, size_t n, struct sl_errctx *err)
{
	struct run *r = ctx;

	r->kind = r->p->kind != SL_KIND_NONE ? r->p->kind : sl_kind_detect(names, n);
	if (r->kind == SL_KIND_NONE)
		return sl_err_set(err, SL_EFORMAT, r->path, 0,
				  "cannot tell the record kind from the %s; use --kind",
				  r->is_csv ? "header" : "first object's keys");
	r->rm = rowmap_new(r->kind, r->ps);
	if (!r->rm)
		return sl_err_set(err, SL_ENOMEM, r->path, 0, NULL);
	if (r->p->map) {
		int rc;

		if (!(r->ma = mapply_new(r->p->map)))
			return sl_err_set(err, SL_ENOMEM, r->path, 0, NULL);
		rc = mapply_header(r->ma, names, n, r->is_csv, err);
		if (rc && !err->path[0])
			snprintf(err->path, sizeof(err->path), "%s", r->path);
		return rc;
	}
	if (r->is_csv) {
		int rc = rowmap_set_header(r->rm, names, n, err);

		if (rc && !err->path[0])
			snprintf(err->path, sizeof(err->path), "%s", r->path);
		return rc;
	}
	return SL_OK;
}

static int on_reject(void *ctx, long line, const char *reason, const char *raw,
		     size_t rawlen, struct sl_errctx *err)
{
	struct run *r = ctx;

	r->rows++;
	r->rejected++;
	return rejects_add(r->rj, r->path, line, reason, raw, rawlen, err);
}

static int on_record(void *ctx, const struct record *rec, struct sl_errctx *err)
{
	struct run *r = ctx;
	const char *reason = NULL;
	int rc;

	r->rows++;
	if ((r->rows & 0xffff) == 0)
		progress(r, 0);
	if (r->ma) {
		struct record mapped;

		rc = mapply_record(r->ma, rec, &mapped, &reason);
		if (rc < 0)
			return sl_err_set(err, rc, r->path, rec->line, NULL);
		if (rc == 1) {
			r->rejected++;
			return rejects_add(r->rj, r->path, rec->line, reason, rec->raw, rec->rawlen,
					   err);
		}
		rc = rowmap_add(r->rm, &mapped, &reason, err);
	} else {
		rc = rowmap_add(r->rm, rec, &reason, err);
	}
	if (rc < 0) {
		if (!err->path[0])
			snprintf(err->path, sizeof(err->path), "%s", r->path);
		if (!err->line)
			err->line = rec->line;
		return rc;
	}
	if (rc == 1) {
		r->rejected++;
		return rejects_add(r->rj, r->path, rec->line, reason, rec->raw, rec->rawlen, err);
	}
	return SL_OK;
}

static int on_explain(void *ctx, long line, const char *text, struct sl_errctx *err)
{
	struct run *r = ctx;

	if (printf("'%s':%ld: %s\n", r->path, line, text) < 0)
		return sl_err_set(err, SL_EIO, NULL, 0, "cannot write standard output");
	return SL_OK;
}

/* ---- one input ---- */

static void iso_now(char *buf, size_t n)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (n >= 32)
		sl_format_time((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, buf);
}

static int ingest_one(struct run *r, const char *path, struct sl_errctx *err)
{
	char digest[SL_DIGEST_HEX] = "";
	uint64_t size = 0;
	struct sl_input *in = NULL;
	const char *first;
	ssize_t n;
	int rc, hashed = 0;
	struct stat sb;
	struct src_ops ops;
	struct sl_manifest_entry e;
	const struct sl_manifest_entry *old;
	uint64_t rej0 = r->rejected;

	r->path = strcmp(path, "-") ? path : "<stdin>";
	r->rows = 0;
	r->kind = SL_KIND_NONE;
	/* A regular file of the size of an input already ingested is identified
	 * before it is read, so that a re-run is a no-op.  One of a size never
	 * ingested is new (the manifest keeps each input's size with its
	 * digest); its digest is taken as it is read, and it is not read twice. */
	if (strcmp(path, "-") && !r->p->reprocess && !stat(path, &sb) && S_ISREG(sb.st_mode) &&
	    sl_store_manifest_has_size(r->st, (uint64_t)sb.st_size)) {
		rc = sl_input_digest_file(path, digest, &size, err);
		if (rc && rc != SL_EINVAL)
			return rc;
		hashed = rc == SL_OK;
		if (hashed && (old = sl_store_manifest_find(r->st, digest))) {
			if (!r->p->quiet)
				fprintf(stderr,
					"shiplog-ingest: '%s': already ingested on %s (as '%s'), "
					"skipped\n",
					path, old->ingested_at, old->source);
			r->skipped++;
			return SL_OK;
		}
	}
	if ((rc = sl_input_open(&in, path, err)))
		return rc;
	n = sl_input_read(in, &first, err);
	if (n < 0) {
		rc = (int)n;
		goto out;
	}
	memset(&ops, 0, sizeof(ops));
	ops.header = on_header;
	ops.record = on_record;
	ops.reject = on_reject;
	ops.ctx = r;
	ops.kind = r->p->kind;
	if (r->p->explain)
		ops.explain = on_explain;
	ops.raw_fields = r->p->map != NULL;
	if (r->p->format == FMT_ADAPTER) {
		r->is_csv = 0;
	} else if (r->p->format == FMT_AUTO) {
		size_t i = 0;

		if (n >= 3 && !memcmp(first, "\xEF\xBB\xBF", 3))
			i = 3;
		while (i < (size_t)n && strchr(" \t\r\n", first[i]))
			i++;
		r->is_csv = !(i < (size_t)n && first[i] == '{');
		if (i < (size_t)n && first[i] == '[') {
			rc = sl_err_set(err, SL_EFORMAT, r->path, 1,
					"a JSON array; shiplog reads JSON Lines (one object per line)");
			goto out;
		}
	} else {
		r->is_csv = r->p->format == FMT_CSV;
	}
	if (n == 0) {
		rc = sl_err_set(err, SL_EFORMAT, r->path, 0, "empty input");
		goto out;
	}
	if (r->p->format == FMT_ADAPTER) {
		struct adapter *ad = adapter_new(r->p->adapter, &r->p->rules);

		rc = ad ? apisrc_run(in, r->path, first, (size_t)n, &ops, ad, r->p->explain, err)
			: sl_err_set(err, SL_ENOMEM, r->path, 0, NULL);
		adapter_free(ad);
	} else {
		rc = r->is_csv ? csvsrc_run(in, r->path, first, (size_t)n, &ops, err)
			       : jsonsrc_run(in, r->path, first, (size_t)n, &ops, err);
		if (!rc && r->ma) /* a mapped key no record had */
			rc = mapply_finish(r->ma, r->path, err);
	}
	if (rc) {
		if (!err->path[0])
			snprintf(err->path, sizeof(err->path), "%s", r->path);
		goto out;
	}
	if (!hashed) { /* a stream, or a file of a new size, or --reprocess */
		sl_input_digest(in, digest);
		size = sl_input_raw_bytes(in);
		if (!r->p->reprocess && (old = sl_store_manifest_find(r->st, digest))) {
			fprintf(stderr, "shiplog-ingest: '%s': already ingested on %s (as '%s')\n",
				r->path, old->ingested_at, old->source);
			r->stdin_dup = 1;
			r->skipped++;
			goto out;
		}
	}
	r->files++;
	r->raw_bytes += sl_input_raw_bytes(in);
	r->bytes += ops.bytes;
	r->rows_read += r->rows;
	r->utf8 += ops.utf8_replaced;
	memset(&e, 0, sizeof(e));
	snprintf(e.digest, sizeof(e.digest), "%s", digest);
	e.size = size;
	iso_now(e.ingested_at, sizeof(e.ingested_at));
	snprintf(e.kind, sizeof(e.kind), "%s",
		 r->kind == SL_KIND_NONE ? "-" : sl_kind_name(r->kind));
	e.rows = r->rows;
	e.rejected = r->rejected - rej0;
	if (r->rm) {
		const struct rowmap_stats *s = rowmap_stats(r->rm);

		e.accepted = s->accepted;
		r->accepted += s->accepted;
		r->utf8 += s->utf8_replaced;
	}
	snprintf(e.source, sizeof(e.source), "%s", path);
	if (sl_store_manifest_put(r->st, &e))
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	progress(r, 1);
	sl_input_close(in);
	rowmap_free(r->rm);
	r->rm = NULL;
	mapply_free(r->ma);
	r->ma = NULL;
	return rc;
}

/* --merge: every row of the shard store at dir into this run's
 * partitions (merge.h).  A shard whose inputs the store has all (merged
 * before) is skipped; one it has some of (the shard grew since) would
 * bring those rows twice, so it is refused unless --reprocess rebuilds
 * what it touches. */
static int merge_shard(struct run *r, const char *dir, struct sl_errctx *err)
{
	struct sl_store *shard;
	size_t m, known = 0;
	uint64_t rows = 0;
	int rc;

	if ((rc = sl_store_open(&shard, dir, 0, SL_LOCK_SHARED, r->p->wait_lock, err)))
		return rc;
	m = sl_store_manifest_count(shard);
	for (size_t i = 0; i < m; i++)
		known += sl_store_manifest_find(r->st, sl_store_manifest_get(shard, i)->digest) != NULL;
	if (!r->p->reprocess && m && known == m) {
		if (!r->p->quiet)
			fprintf(stderr, "shiplog-ingest: '%s': every input of this shard is in the "
				"store already (merged before), skipped\n", dir);
		r->skipped++;
		goto out;
	}
	if (!r->p->reprocess && known) {
		rc = sl_err_set(err, SL_EINVAL, dir, 0,
				"%zu of the shard's %zu inputs are in the store already (merged "
				"before it grew?): merge into a new store, or again with "
				"--reprocess", known, m);
		goto out;
	}
	if (!(rc = merge_rows(r->ps, shard, &rows, err)))
		rc = merge_manifest(r->st, shard, err);
	if (rc && !err->path[0])
		snprintf(err->path, sizeof(err->path), "%s", dir);
	r->files++;
	r->rows_read += rows;
	r->accepted += rows;
out:
	sl_store_close(shard);
	return rc;
}

/* Inputs are checked before any work, so a typo costs nothing. */
static int check_inputs(const struct ingest_params *p)
{
	int stdin_seen = 0;

	for (int i = 0; i < p->nfiles; i++) {
		struct stat sb, ss;

		if (p->merge) {
			if (stat(p->files[i], &sb)) {
				errorf("'%s': %s", p->files[i], strerror(errno));
				return 1;
			}
			if (!S_ISDIR(sb.st_mode)) {
				errorf("'%s': not a store directory", p->files[i]);
				return 1;
			}
			if (!stat(p->store, &ss) && ss.st_dev == sb.st_dev && ss.st_ino == sb.st_ino) {
				errorf("'%s': is the store merged into", p->files[i]);
				return 1;
			}
			continue;
		}
		if (!strcmp(p->files[i], "-")) {
			if (stdin_seen++) {
				errorf("standard input ('-') given twice");
				return 1;
			}
			continue;
		}
		if (stat(p->files[i], &sb) || access(p->files[i], R_OK)) {
			errorf("'%s': %s", p->files[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(sb.st_mode)) {
			errorf("'%s': is a directory", p->files[i]);
			return 1;
		}
	}
	return 0;
}

static void summary(const struct run *r, const struct partset_stats *ps, double secs,
		    const double phase[3], const char *rejects_path)
{
	/* a warning even with -q: rows were not what they claimed to be */
	if (ps->collisions)
		fprintf(stderr,
			"shiplog-ingest: warning: %llu collision%s: ended runs under the same "
			"pipeline_id and execution_number (stage runs: stage_id and attempt too) "
			"that differ in their start, name or trigger; one is kept, the others "
			"are flagged superseded (docs/INGEST.md)\n",
			(unsigned long long)ps->collisions, ps->collisions == 1 ? "" : "s");
	if (r->p->quiet)
		return;
	fprintf(stderr,
		"shiplog-ingest: %d %s, %d skipped; %llu rows read: %llu accepted "
		"(%llu superseded), %llu rejected\n",
		r->files, r->p->merge ? (r->files == 1 ? "shard merged" : "shards merged")
				      : (r->files == 1 ? "file ingested" : "files ingested"),
		r->skipped,
		(unsigned long long)r->rows_read, (unsigned long long)r->accepted,
		(unsigned long long)ps->superseded, (unsigned long long)r->rejected);
	if (ps->undated)
		fprintf(stderr,
			"shiplog-ingest: %llu rows without a known parent record kept as undated\n",
			(unsigned long long)ps->undated);
	if (r->utf8)
		fprintf(stderr, "shiplog-ingest: %llu invalid UTF-8 sequences replaced by U+FFFD\n",
			(unsigned long long)r->utf8);
	if (rejects_path[0])
		fprintf(stderr, "shiplog-ingest: rejected rows are in '%s'\n", rejects_path);
	if (r->p->merge) /* no bytes: rows come typed from the shards */
		fprintf(stderr,
			"shiplog-ingest: time: %.2f s (read %.2f, partitions %.2f, commit %.2f), "
			"%.0f rows/s\n",
			secs, phase[0], phase[1], phase[2],
			secs > 0 ? (double)r->rows_read / secs : 0.0);
	else
		fprintf(stderr,
			"shiplog-ingest: time: %.2f s (read %.2f, partitions %.2f, commit %.2f), "
			"%.1f MB read (%.1f MB decompressed), %.0f rows/s, %.1f MB/s\n",
			secs, phase[0], phase[1], phase[2], (double)r->raw_bytes / 1e6,
			(double)r->bytes / 1e6, secs > 0 ? (double)r->rows_read / secs : 0.0,
			secs > 0 ? (double)r->bytes / 1e6 / secs : 0.0);
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	/* one temporary file per partition being spilled */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* --dump and --verify: read-only, under the shared lock. */
static int inspect(const struct ingest_params *p)
{
	struct sl_store *st;
	struct sl_errctx err;
	int rc;

	sl_err_clear(&err);
	if (sl_store_open(&st, p->store, 0, SL_LOCK_SHARED, p->wait_lock, &err)) {
		report(&err, p->store);
		return 1;
	}
	if (p->verify) {
		rc = verify_store(st, p->quiet, &err);
		if (rc < 0)
			report(&err, NULL);
	} else {
		char kind[32];
		const char *colon = strchr(p->dump, ':');
		enum sl_kind k;

		snprintf(kind, sizeof(kind), "%.*s",
			 (int)(colon ? (size_t)(colon - p->dump) : strlen(p->dump)), p->dump);
		k = sl_kind_from_name(kind);
		if (k == SL_KIND_NONE) {
			errorf("unknown record kind '%s'", kind);
			sl_store_close(st);
			return 2;
		}
		rc = dump_kind(st, k, colon ? colon + 1 : NULL, p->csv_flags, stdout, &err);
		if (rc)
			report(&err, NULL);
		if (fflush(stdout) && !rc) {
			errorf("cannot write standard output: %s", strerror(errno));
			rc = 1;
		}
	}
	sl_store_close(st);
	return rc ? 1 : 0;
}

static struct ingest_params *atexit_params;

static void release_params(void)
{
	cli_release(atexit_params);
}

int main(int argc, char **argv)
{
	static struct ingest_params p; /* static: release_params() runs after main returns */
	struct run r;
	struct sl_errctx err;
	struct partset_stats ps = {0};
	char rejects_path[PATH_MAX] = "";
	double phase[3] = {0, 0, 0};
	int rc, status = 1;

	if ((rc = cli_parse(argc, argv, &p)) >= 0)
		return rc;
	atexit_params = &p;
	atexit(release_params);
	if (p.dump || p.verify)
		return inspect(&p);
	if (check_inputs(&p))
		return 1;
	if (p.part_m)
		return mergepar_part(&p);
	if (p.commit)
		return mergepar_commit(&p);
	raise_fd_limit();
	memset(&r, 0, sizeof(r));
	sl_err_clear(&err);
	r.p = &p;
	r.tty = isatty(STDERR_FILENO);
	r.t0 = now_s();
	if ((rc = sl_store_open(&r.st, p.store, 1, SL_LOCK_EXCLUSIVE, p.wait_lock, &err))) {
		report(&err, p.store);
		return 1;
	}
	r.ps = partset_new(r.st, p.reprocess, p.max_buffered_rows);
	r.rj = rejects_new(r.st);
	if (!r.ps || !r.rj) {
		errorf("out of memory");
		goto out;
	}
	for (int i = 0; i < p.nfiles; i++) {
		sl_err_clear(&err);
		if ((rc = p.merge ? merge_shard(&r, p.files[i], &err)
				  : ingest_one(&r, p.files[i], &err))) {
			report(&err, r.path);
			errorf("nothing was ingested; the store is unchanged");
			goto out;
		}
	}
	if (r.stdin_dup) {
		if (r.files) {
			errorf("standard input repeats an ingested input; run again without it "
			       "(nothing was ingested; the store is unchanged)");
			goto out;
		}
		status = 0; /* the same data again: nothing to do */
		goto out;
	}
	sl_err_clear(&err);
	phase[0] = now_s() - r.t0;
	if ((rc = partset_finish(r.ps, &ps, &err)) ||
	    (rc = rejects_finish(r.rj, rejects_path, sizeof(rejects_path), &err))) {
		report(&err, NULL);
		errorf("nothing was ingested; the store is unchanged");
		goto out;
	}
	phase[1] = now_s() - r.t0 - phase[0];
	if ((rc = sl_store_commit(r.st, &err))) {
		report(&err, NULL);
		errorf("the store could not be committed; the next run completes or undoes it");
		goto out;
	}
	phase[2] = now_s() - r.t0 - phase[0] - phase[1];
	summary(&r, &ps, now_s() - r.t0, phase, rejects_path);
	status = 0;
out:
	partset_free(r.ps);
	rejects_free(r.rj);
	sl_store_close(r.st);
	return status;
}
