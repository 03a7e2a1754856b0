/* sl_store: lock, manifest, journaled commit and its recovery. */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_colfile.h"
#include "sl_store.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/shiplog-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

START_TEST(test_partition_paths)
{
	struct sl_store *st;
	struct sl_errctx err;
	char p[PATH_MAX], want[PATH_MAX];

	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), SL_OK);
	sl_store_partition_path(st, SL_KIND_STAGE_RUNS, 20513, p, sizeof(p)); /* 2026-03-01 */
	snprintf(want, sizeof(want), "%s/stage_runs/2026-03-01.msgpack", dir);
	ck_assert_str_eq(p, want);
	sl_store_partition_path(st, SL_KIND_ARTIFACTS, SL_DAY_NONE, p, sizeof(p));
	snprintf(want, sizeof(want), "%s/artifacts/undated.msgpack", dir);
	ck_assert_str_eq(p, want);
	ck_assert_int_eq(sl_store_temp_path(st, SL_KIND_INCIDENTS, p, sizeof(p), &err), SL_OK);
	ck_assert_ptr_nonnull(strstr(p, "/incidents/.tmp-"));
	snprintf(want, sizeof(want), "%s/incidents", dir);
	ck_assert(exists(want)); /* created on first use */
	sl_store_close(st);
}
END_TEST

START_TEST(test_lock_excludes)
{
	struct sl_store *a, *b;
	struct sl_errctx err;

	ck_assert_int_eq(sl_store_open(&a, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), SL_OK);
	/* flock is per open file description: a second open in the same
	 * process conflicts exactly as another process would */
	ck_assert_int_eq(sl_store_open(&b, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), SL_ELOCKED);
	ck_assert_ptr_nonnull(strstr(err.msg, "locked"));
	ck_assert_int_eq(sl_store_open(&b, dir, 0, SL_LOCK_SHARED, 0, &err), SL_ELOCKED);
	sl_store_close(a);
	ck_assert_int_eq(sl_store_open(&b, dir, 0, SL_LOCK_SHARED, 0, &err), SL_OK);
	ck_assert_int_eq(sl_store_open(&a, dir, 0, SL_LOCK_SHARED, 0, &err), SL_OK);
	sl_store_close(a);
	sl_store_close(b);
}
END_TEST

START_TEST(test_commit_and_manifest)
{
	struct sl_store *st;
	struct sl_errctx err;
	struct sl_manifest_entry e;
	char tmp[PATH_MAX], final[PATH_MAX], mpath[PATH_MAX];
	const struct sl_manifest_entry *got;

	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), SL_OK);
	ck_assert_int_eq(sl_store_temp_path(st, SL_KIND_INCIDENTS, tmp, sizeof(tmp), &err), 0);
	write_file(tmp, "new partition");
	sl_store_partition_path(st, SL_KIND_INCIDENTS, 20000, final, sizeof(final));
	ck_assert_int_eq(sl_store_stage_rename(st, tmp, final), SL_OK);
	memset(&e, 0, sizeof(e));
	strcpy(e.digest, "0123456789abcdef0123456789abcdef");
	e.size = 42;
	strcpy(e.ingested_at, "2026-11-28T10:00:00.000Z");
	strcpy(e.kind, "incidents");
	e.rows = 3;
	e.accepted = 2;
	e.rejected = 1;
	strcpy(e.source, "a\tb\nc.csv"); /* tabs and newlines cannot break the TSV */
	ck_assert_int_eq(sl_store_manifest_put(st, &e), SL_OK);
	ck_assert(!exists(final));
	ck_assert_int_eq(sl_store_commit(st, &err), SL_OK);
	ck_assert(exists(final));
	ck_assert(!exists(tmp));
	snprintf(mpath, sizeof(mpath), "%s/.journal", dir);
	ck_assert(!exists(mpath));
	sl_store_close(st);

	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_SHARED, 0, &err), SL_OK);
	ck_assert_uint_eq(sl_store_manifest_count(st), 1);
	got = sl_store_manifest_find(st, "0123456789abcdef0123456789abcdef");
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got->size, 42);
	ck_assert_uint_eq(got->rejected, 1);
	ck_assert_str_eq(got->source, "a b c.csv");
	ck_assert_ptr_null(sl_store_manifest_find(st, "ffffffffffffffffffffffffffffffff"));
	/* the size read back, for the ingest's test before hashing a file */
	ck_assert(sl_store_manifest_has_size(st, 42));
	ck_assert(!sl_store_manifest_has_size(st, 41));
	ck_assert(!sl_store_manifest_has_size(st, 0));
	sl_store_close(st);
}
END_TEST

START_TEST(test_rollback_deletes_temps)
{
	struct sl_store *st;
	struct sl_errctx err;
	char tmp[PATH_MAX], final[PATH_MAX];

	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), SL_OK);
	ck_assert_int_eq(sl_store_temp_path(st, SL_KIND_VERSIONS, tmp, sizeof(tmp), &err), 0);
	write_file(tmp, "x");
	sl_store_partition_path(st, SL_KIND_VERSIONS, 1, final, sizeof(final));
	sl_store_stage_rename(st, tmp, final);
	sl_store_rollback(st);
	ck_assert(!exists(tmp));
	ck_assert(!exists(final));
	sl_store_close(st);
}
END_TEST

/* A run that died after writing its journal: the next open completes the
 * renames (roll forward) and removes the journal. */
START_TEST(test_journal_replay)
{
	struct sl_store *st;
	struct sl_errctx err;
	char p[PATH_MAX], j[PATH_MAX];

	snprintf(p, sizeof(p), "%s/deployments", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/deployments/.tmp-1-0.msgpack", dir);
	write_file(p, "NEW");
	snprintf(p, sizeof(p), "%s/deployments/2026-01-01.msgpack", dir);
	write_file(p, "OLD");
	snprintf(p, sizeof(p), "%s/deployments/2026-01-02.msgpack", dir);
	write_file(p, "GONE");
	snprintf(j, sizeof(j), "%s/.journal", dir);
	write_file(j, "shiplog-journal 1\n"
		      "R\tdeployments/.tmp-1-0.msgpack\tdeployments/2026-01-01.msgpack\n"
		      "R\tdeployments/.tmp-1-9.msgpack\tdeployments/2026-01-03.msgpack\n"
		      "U\tdeployments/2026-01-02.msgpack\n"
		      "END\n");
	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_SHARED, 0, &err), SL_OK);
	sl_store_close(st);
	snprintf(p, sizeof(p), "%s/deployments/2026-01-01.msgpack", dir);
	ck_assert_str_eq(read_file(p), "NEW");
	snprintf(p, sizeof(p), "%s/deployments/2026-01-02.msgpack", dir);
	ck_assert(!exists(p));
	snprintf(p, sizeof(p), "%s/deployments/2026-01-03.msgpack", dir);
	ck_assert(!exists(p)); /* its temporary was already renamed or never made */
	ck_assert(!exists(j));
}
END_TEST

/* A journal without END was never renamed into place by sl_store_commit,
 * but if one appears it must not be half-applied. */
START_TEST(test_incomplete_journal_ignored)
{
	struct sl_store *st;
	struct sl_errctx err;
	char p[PATH_MAX], j[PATH_MAX];

	snprintf(p, sizeof(p), "%s/deployments", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/deployments/2026-01-02.msgpack", dir);
	write_file(p, "KEEP");
	snprintf(j, sizeof(j), "%s/.journal", dir);
	write_file(j, "shiplog-journal 1\nU\tdeployments/2026-01-02.msgpack\n");
	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), SL_OK);
	sl_store_close(st);
	ck_assert_str_eq(read_file(p), "KEEP");
	ck_assert(!exists(j));
}
END_TEST

START_TEST(test_stray_temps_removed)
{
	struct sl_store *st;
	struct sl_errctx err;
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/stage_runs", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/stage_runs/.tmp-99-3.msgpack", dir);
	write_file(p, "half written");
	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_SHARED, 0, &err), SL_OK);
	sl_store_close(st);
	ck_assert(exists(p)); /* a reader does not touch a writer's files */
	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), SL_OK);
	sl_store_close(st);
	ck_assert(!exists(p));
}
END_TEST

START_TEST(test_list_days)
{
	struct sl_store *st;
	struct sl_errctx err;
	char p[PATH_MAX];
	int64_t *days;
	size_t n;
	int undated;
	const char *names[] = {"2026-01-03.msgpack", "2025-12-31.msgpack", "undated.msgpack",
			       "notes.txt", "2026-13-01.msgpack", ".tmp-1-1.msgpack"};

	snprintf(p, sizeof(p), "%s/artifacts", dir);
	mkdir(p, 0755);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/artifacts/%s", dir, names[i]);
		write_file(p, "x");
	}
	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_SHARED, 0, &err), SL_OK);
	ck_assert_int_eq(sl_store_list_days(st, SL_KIND_ARTIFACTS, &days, &n, &undated, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(days[0], 20453); /* 2025-12-31 */
	ck_assert_int_eq(days[1], 20456); /* 2026-01-03 */
	ck_assert_int_eq(undated, 1);
	free(days);
	ck_assert_int_eq(sl_store_list_days(st, SL_KIND_INCIDENTS, &days, &n, &undated, &err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(undated, 0);
	free(days);
	sl_store_close(st);
}
END_TEST

START_TEST(test_bad_manifest_line)
{
	struct sl_store *st;
	struct sl_errctx err;
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/manifest.tsv", dir);
	write_file(p, "digest\tsize\tingested_at\tkind\trows\taccepted\tsuperseded\trejected\tsource\n"
		      "garbage line\n");
	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_SHARED, 0, &err), SL_EFORMAT);
	ck_assert_int_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.path, "manifest.tsv"));
}
END_TEST

START_TEST(test_missing_store)
{
	struct sl_store *st;
	struct sl_errctx err;
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/nope", dir);
	ck_assert_int_eq(sl_store_open(&st, p, 0, SL_LOCK_SHARED, 0, &err), SL_EIO);
	ck_assert_int_eq(sl_store_open(&st, p, 1, SL_LOCK_EXCLUSIVE, 0, &err), SL_OK);
	sl_store_close(st);
	ck_assert(exists(p));
}
END_TEST

Suite *suite_store(void);

Suite *suite_store(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_partition_paths);
	tcase_add_test(tc, test_lock_excludes);
	tcase_add_test(tc, test_commit_and_manifest);
	tcase_add_test(tc, test_rollback_deletes_temps);
	tcase_add_test(tc, test_journal_replay);
	tcase_add_test(tc, test_incomplete_journal_ignored);
	tcase_add_test(tc, test_stray_temps_removed);
	tcase_add_test(tc, test_list_days);
	tcase_add_test(tc, test_bad_manifest_line);
	tcase_add_test(tc, test_missing_store);
	suite_add_tcase(s, tc);
	return s;
}
