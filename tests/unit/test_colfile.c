/* Unit tests for sl_colfile: the store file writer and reader, and the byte
 * format of docs/FORMAT.md (checked here object by object with a plain
 * msgpack unpacker, independently of the reader).
 *
 * Random data comes from a fixed seed (SEED below, printed in failure
 * messages); every test works in a fresh directory under /tmp that the
 * (unchecked, parent-side) fixture removes even when a test fails. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sl_batch.h"
#include "sl_colfile.h"
#include "sl_err.h"
#include "sl_hash.h"
#include "sl_schema.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#endif

#define SEED 0x5eedc01f11eull
#define DAY_MS 86400000LL
#define DAY_2024_03_10 19792 /* days since 1970-01-01 */

/* ck_assert reports every passing check to the runner (a write each time);
 * checks inside loops over many rows use these instead. */
#define REQUIRE(cond)                                                  \
	do {                                                           \
		if (!(cond))                                           \
			ck_abort_msg("Assertion '%s' failed", #cond); \
	} while (0)
#define REQUIRE_MSG(cond, ...)                    \
	do {                                      \
		if (!(cond))                      \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* ---- temporary directory (parent side, survives failing children) ---- */

static char tmpdir[64];

static void tmpdir_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sl-test-colfile-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		abort();
	}
}

static void tmpdir_teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
}

static const char *tpath(const char *name)
{
	static char bufs[4][128];
	static int next;
	char *p = bufs[next++ & 3];

	snprintf(p, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return p;
}

/* ---- random data ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static double rnd_unit(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* String number idx: mostly ASCII, some with NUL bytes or multi-byte UTF-8;
 * the empty string for a few small idx (so it is one distinct value). */
static size_t make_str(uint64_t idx, char *buf, size_t cap)
{
	unsigned long long v = (unsigned long long)idx;

	switch (idx % 16) {
	case 3:
		if (idx < 16)
			return 0;
		break;
	case 7:
		memcpy(buf, "n\0l", 3);
		return 3 + (size_t)snprintf(buf + 3, cap - 3, "%llu", v);
	case 11:
		return (size_t)snprintf(buf, cap, "\xc3\xbc" "n\xc3\xaf" "c\xc3\xb8" "de-%llu", v);
	}
	return (size_t)snprintf(buf, cap, "s-%llu", v);
}

static double rand_f64(void)
{
	uint64_t bits;
	double d;

	switch (rnd_below(10)) {
	case 0:
		return NAN;
	case 1:
		return -0.0;
	case 2:
		return INFINITY;
	case 3:
		return -INFINITY;
	case 4:
		return 5e-324; /* denormal */
	case 5:
		bits = rnd(); /* any bit pattern, NaN payloads included */
		memcpy(&d, &bits, sizeof(d));
		return d;
	}
	return (rnd_unit() - 0.5) * 1e6;
}

static int64_t rand_i64(void)
{
	switch (rnd_below(8)) {
	case 0:
		return INT64_MIN;
	case 1:
		return INT64_MAX;
	case 2:
		return 0;
	case 3:
		return -1;
	}
	return (int64_t)rnd();
}

struct gen {
	double pnull;      /* chance that a value is null */
	uint64_t distinct; /* strings drawn from this many; 0: a new one per row */
	int64_t day;       /* day-key values fall on this day; SL_DAY_NONE: anywhere */
};

static uint64_t unique_counter;

static void fill_random(struct sl_batch *b, size_t nrows, const struct gen *g)
{
	const struct sl_kind_def *kd = sl_kind_def(b->kind);
	char buf[64];

	for (size_t i = 0; i < nrows; i++) {
		size_t r;

		REQUIRE(sl_batch_add_row(b, &r) == SL_OK);
		for (int c = 0; c < b->ncols; c++) {
			if (g->pnull > 0 && rnd_unit() < g->pnull)
				continue;
			switch (b->cols[c].type) {
			case SL_I64:
				sl_batch_set_i64(b, c, r, rand_i64());
				break;
			case SL_TIME:
				if (c == kd->day_col && g->day != SL_DAY_NONE)
					sl_batch_set_i64(b, c, r,
							 g->day * DAY_MS + (int64_t)rnd_below(DAY_MS));
				else
					sl_batch_set_i64(b, c, r,
							 (int64_t)rnd_below(4000000000000ull) -
								 1000000000000LL);
				break;
			case SL_F64:
				sl_batch_set_f64(b, c, r, rand_f64());
				break;
			case SL_BOOL:
				sl_batch_set_bool(b, c, r, rnd() & 1);
				break;
			case SL_STR: {
				uint64_t idx = g->distinct ? rnd_below(g->distinct)
							   : 1000 + unique_counter++;
				size_t n = make_str(idx, buf, sizeof(buf));

				/* "" as the first string of a column dictionary is
				 * the one case left to empty_strings, so that a
				 * failure there does not spread to every test */
				if (!n && !sl_dict_count(b->cols[c].dict))
					n = make_str(++idx, buf, sizeof(buf));

				REQUIRE(sl_batch_set_str(b, c, r, buf, n) == SL_OK);
				break;
			}
			}
		}
	}
}

/* ---- comparing ---- */

/* Rows [a0, a0+n) of a equal rows [b0, b0+n) of b; columns with want[c] == 0
 * must be null in b. */
static void assert_rows_equal(const struct sl_batch *a, size_t a0, const struct sl_batch *b,
			      size_t b0, size_t n, const uint8_t *want)
{
	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_uint_ge(a->n, a0 + n);
	ck_assert_uint_ge(b->n, b0 + n);
	for (int c = 0; c < a->ncols; c++) {
		const struct sl_col *ca = &a->cols[c], *cb = &b->cols[c];

		for (size_t i = 0; i < n; i++) {
			size_t ra = a0 + i, rb = b0 + i;
			int na = sl_batch_is_null(a, c, ra), nb = sl_batch_is_null(b, c, rb);

			if (want && !want[c]) {
				REQUIRE_MSG(nb, "seed %#llx: unselected column %d row %zu not null",
					      (unsigned long long)SEED, c, rb);
				continue;
			}
			REQUIRE_MSG(na == nb, "seed %#llx: column %d row %zu: null %d vs %d",
				      (unsigned long long)SEED, c, ra, na, nb);
			if (na)
				continue;
			switch (ca->type) {
			case SL_I64:
			case SL_TIME:
				REQUIRE_MSG(ca->v.i64[ra] == cb->v.i64[rb],
					      "seed %#llx: column %d row %zu differs",
					      (unsigned long long)SEED, c, ra);
				break;
			case SL_F64: /* bit for bit: NaN payloads and -0.0 too */
				REQUIRE_MSG(!memcmp(&ca->v.f64[ra], &cb->v.f64[rb], 8),
					      "seed %#llx: column %d row %zu differs",
					      (unsigned long long)SEED, c, ra);
				break;
			case SL_BOOL:
				REQUIRE(ca->v.u8[ra] == cb->v.u8[rb]);
				break;
			case SL_STR: {
				size_t la, lb;
				const char *sa = sl_batch_get_str(a, c, ra, &la);
				const char *sb = sl_batch_get_str(b, c, rb, &lb);

				REQUIRE_MSG(la == lb && (!la || !memcmp(sa, sb, la)),
					      "seed %#llx: column %d row %zu: string differs",
					      (unsigned long long)SEED, c, ra);
				break;
			}
			}
		}
	}
}

/* ---- writing and reading whole files ---- */

static void write_file(const char *path, enum sl_kind kind, int64_t day,
		       struct sl_batch *const *groups, size_t ngroups)
{
	struct sl_cfw *w;
	struct sl_errctx err = {0};
	uint64_t rows = 0;

	ck_assert_msg(sl_cfw_open(&w, path, kind, day, &err) == SL_OK, "%s", err.msg);
	for (size_t g = 0; g < ngroups; g++) {
		ck_assert_msg(sl_cfw_write_batch(w, groups[g], &err) == SL_OK, "%s", err.msg);
		rows += groups[g]->n;
		ck_assert_uint_eq(sl_cfw_rows(w), rows);
	}
	ck_assert_msg(sl_cfw_finish(w, &err) == SL_OK, "%s", err.msg);
}

static struct sl_cfr *open_ok(const char *path)
{
	struct sl_cfr *r = NULL;
	struct sl_errctx err = {0};

	ck_assert_msg(sl_cfr_open(&r, path, &err) == SL_OK, "%s: %s", path, err.msg);
	ck_assert_msg(sl_cfr_verify(r, &err) == SL_OK, "%s: %s", path, err.msg);
	return r;
}

/* Range of the day-key column over the non-empty groups; 0 when none. */
static int expected_range(struct sl_batch *const *groups, size_t ngroups, int64_t *lo,
			  int64_t *hi)
{
	int have = 0;

	*lo = *hi = 0;
	for (size_t g = 0; g < ngroups; g++) {
		const struct sl_batch *b = groups[g];
		int dc = sl_kind_def(b->kind)->day_col;

		for (size_t r = 0; dc >= 0 && r < b->n; r++) {
			int64_t t;

			if (sl_batch_is_null(b, dc, r))
				continue;
			t = b->cols[dc].v.i64[r];
			if (!have || t < *lo)
				*lo = t;
			if (!have || t > *hi)
				*hi = t;
			have = 1;
		}
	}
	return have;
}

/* Opens path and checks it holds exactly groups (the non-empty ones, in
 * order), with metadata to match; reads with want (NULL: everything). */
static void check_file(const char *path, enum sl_kind kind, int64_t day,
		       struct sl_batch *const *groups, size_t ngroups, const uint8_t *want)
{
	struct sl_cfr *r = open_ok(path);
	const struct sl_kind_def *kd = sl_kind_def(kind);
	struct sl_batch *all = sl_batch_new(kind, 0);
	struct sl_errctx err = {0};
	uint64_t total = 0;
	size_t fg = 0;
	int64_t lo, hi, flo, fhi;
	int have;

	ck_assert_int_eq(sl_cfr_kind(r), kind);
	ck_assert_int_eq(sl_cfr_day(r), day);
	ck_assert_int_eq(sl_cfr_ncols(r), kd->ncols);
	ck_assert(sl_cfr_same_schema(r));
	ck_assert_str_eq(sl_cfr_path(r), path);
	for (int c = 0; c < kd->ncols; c++) {
		ck_assert_str_eq(sl_cfr_col_name(r, c), kd->cols[c].name);
		ck_assert_int_eq(sl_cfr_col_type(r, c), kd->cols[c].type);
	}
	for (size_t g = 0; g < ngroups; g++) {
		struct sl_batch *one;
		size_t base = all->n;

		if (!groups[g]->n)
			continue; /* the writer skips empty batches */
		ck_assert_uint_lt(fg, sl_cfr_ngroups(r));
		ck_assert_uint_eq(sl_cfr_group_rows(r, fg), groups[g]->n);
		one = sl_batch_new(kind, 0);
		ck_assert_msg(sl_cfr_read_group(r, fg, want, one, &err) == SL_OK, "%s", err.msg);
		ck_assert_uint_eq(one->n, groups[g]->n);
		assert_rows_equal(groups[g], 0, one, 0, one->n, want);
		sl_batch_free(one);
		/* appending to a batch that already holds rows */
		ck_assert_msg(sl_cfr_read_group(r, fg, want, all, &err) == SL_OK, "%s", err.msg);
		assert_rows_equal(groups[g], 0, all, base, groups[g]->n, want);
		have = expected_range(&groups[g], 1, &lo, &hi);
		ck_assert_int_eq(sl_cfr_group_time_range(r, fg, &flo, &fhi), have);
		ck_assert_int_eq(flo, lo);
		ck_assert_int_eq(fhi, hi);
		total += groups[g]->n;
		fg++;
	}
	ck_assert_uint_eq(sl_cfr_ngroups(r), fg);
	ck_assert_uint_eq(sl_cfr_rows(r), total);
	have = expected_range(groups, ngroups, &lo, &hi);
	ck_assert_int_eq(sl_cfr_time_range(r, &flo, &fhi), have);
	ck_assert_int_eq(flo, lo);
	ck_assert_int_eq(fhi, hi);
	sl_batch_free(all);
	sl_cfr_close(r);
}

static void free_groups(struct sl_batch **groups, size_t n)
{
	for (size_t g = 0; g < n; g++)
		sl_batch_free(groups[g]);
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long len;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void spit(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	REQUIRE(f != NULL);
	REQUIRE(fwrite(p, 1, n, f) == n);
	REQUIRE(fclose(f) == 0);
}

/* The two files hold the same bytes. */
static void assert_same_file(const char *pa, const char *pb)
{
	size_t na, nb;
	unsigned char *a = slurp(pa, &na), *b = slurp(pb, &nb);

	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(a, b, na);
	free(a);
	free(b);
}

struct walk_stats {
	int width_seen[5]; /* count of string chunks by code width */
	size_t groups;
};

static void walk_file(const char *path, struct walk_stats *st);

/* ---- round trips ---- */

/* Every kind, several row groups of different sizes and null rates,
 * including one with no nulls at all and one entirely null. */
START_TEST(round_trip_every_kind)
{
	enum sl_kind kind = (enum sl_kind)_i;
	static const size_t sizes[] = {1, 17, 300, 2500, 8, 64};
	static const double pnulls[] = {0.3, 0.0, 0.1, 0.5, 1.0, 0.02};
	struct sl_batch *groups[6];
	int64_t day = sl_kind_def(kind)->day_col >= 0 ? DAY_2024_03_10 : SL_DAY_NONE;
	const char *path = tpath("every.msgpack");

	rng = SEED + (uint64_t)kind;
	for (int g = 0; g < 6; g++) {
		struct gen gn = {pnulls[g], g == 3 ? 0 : 40, day};

		groups[g] = sl_batch_new(kind, 0);
		fill_random(groups[g], sizes[g], &gn);
	}
	write_file(path, kind, day, groups, 6);
	check_file(path, kind, day, groups, 6, NULL);
	free_groups(groups, 6);
}
END_TEST

/* > 256 and > 65536 distinct strings in a chunk need code widths 2 and 4. */
START_TEST(round_trip_wide_codes)
{
	struct sl_batch *groups[3];
	struct gen g1 = {0.05, 300, DAY_2024_03_10};     /* up to 300 distinct: width 2 */
	struct gen g2 = {0.0, 0, DAY_2024_03_10};        /* all distinct: width 4 */
	struct gen g3 = {0.01, 256, DAY_2024_03_10};     /* at most 256: width 1 */
	const char *path = tpath("wide.msgpack");
	struct walk_stats st;

	rng = SEED;
	groups[0] = sl_batch_new(SL_KIND_INCIDENTS, 0);
	fill_random(groups[0], 5000, &g1);
	groups[1] = sl_batch_new(SL_KIND_INCIDENTS, 0);
	fill_random(groups[1], 70000, &g2);
	groups[2] = sl_batch_new(SL_KIND_INCIDENTS, 0);
	fill_random(groups[2], 5000, &g3);
	ck_assert_uint_gt(sl_dict_count(groups[0]->cols[0].dict), 256);
	ck_assert_uint_gt(sl_dict_count(groups[1]->cols[0].dict), 65536);
	write_file(path, SL_KIND_INCIDENTS, DAY_2024_03_10, groups, 3);
	check_file(path, SL_KIND_INCIDENTS, DAY_2024_03_10, groups, 3, NULL);
	walk_file(path, &st);
	ck_assert_int_gt(st.width_seen[1], 0);
	ck_assert_int_gt(st.width_seen[2], 0);
	ck_assert_int_gt(st.width_seen[4], 0);
	free_groups(groups, 3);
}
END_TEST

START_TEST(round_trip_undated_and_empty)
{
	struct sl_batch *groups[3];
	struct gen gn = {0.2, 10, SL_DAY_NONE};
	const char *path = tpath("undated.msgpack");

	rng = SEED + 77;
	groups[0] = sl_batch_new(SL_KIND_DEPLOYMENTS, 0);
	groups[1] = sl_batch_new(SL_KIND_DEPLOYMENTS, 0); /* empty: not written */
	groups[2] = sl_batch_new(SL_KIND_DEPLOYMENTS, 0);
	fill_random(groups[0], 33, &gn);
	fill_random(groups[2], 9, &gn);
	write_file(path, SL_KIND_DEPLOYMENTS, SL_DAY_NONE, groups, 3);
	check_file(path, SL_KIND_DEPLOYMENTS, SL_DAY_NONE, groups, 3, NULL);
	/* a file with no row group at all */
	write_file(path, SL_KIND_DEPLOYMENTS, DAY_2024_03_10, groups + 1, 1);
	check_file(path, SL_KIND_DEPLOYMENTS, DAY_2024_03_10, groups + 1, 1, NULL);
	free_groups(groups, 3);
}
END_TEST

/* A group whose day-key column is all null has no time range; a kind with
 * no day key (a child kind) has none either. */
START_TEST(time_range_absent)
{
	struct sl_batch *b[2];
	struct sl_cfr *r;
	int64_t lo = 1, hi = 1;
	struct gen gn = {0.0, 5, DAY_2024_03_10};
	int dc = sl_kind_def(SL_KIND_CHECKPOINTS)->day_col;
	const char *path = tpath("notime.msgpack");

	rng = SEED + 5;
	b[0] = sl_batch_new(SL_KIND_CHECKPOINTS, 0);
	fill_random(b[0], 10, &gn);
	for (size_t i = 0; i < b[0]->n; i++)
		sl_batch_set_null(b[0], dc, i);
	b[1] = sl_batch_new(SL_KIND_CHECKPOINTS, 0);
	fill_random(b[1], 10, &gn);
	write_file(path, SL_KIND_CHECKPOINTS, DAY_2024_03_10, b, 2);
	check_file(path, SL_KIND_CHECKPOINTS, DAY_2024_03_10, b, 2, NULL);
	r = open_ok(path);
	ck_assert_int_eq(sl_cfr_group_time_range(r, 0, &lo, &hi), 0);
	ck_assert_int_eq(lo, 0);
	ck_assert_int_eq(hi, 0);
	ck_assert_int_eq(sl_cfr_group_time_range(r, 1, &lo, &hi), 1);
	ck_assert_int_eq(lo / DAY_MS, DAY_2024_03_10);
	sl_cfr_close(r);
	free_groups(b, 2);

	b[0] = sl_batch_new(SL_KIND_ARTIFACTS, 0);
	fill_random(b[0], 10, &gn);
	write_file(path, SL_KIND_ARTIFACTS, SL_DAY_NONE, b, 1);
	r = open_ok(path);
	ck_assert_int_eq(sl_cfr_time_range(r, &lo, &hi), 0);
	ck_assert_int_eq(sl_cfr_group_time_range(r, 0, &lo, &hi), 0);
	sl_cfr_close(r);
	free_groups(b, 1);
}
END_TEST

/* Empty strings are values; a column holding only "" (and nulls) too. */
START_TEST(empty_strings)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	struct sl_batch *out = sl_batch_new(SL_KIND_INCIDENTS, 0);
	struct sl_cfr *r;
	struct sl_errctx err = {0};
	const char *path = tpath("empty.msgpack");
	size_t row, n;

	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(sl_batch_add_row(b, &row), SL_OK);
		if (i != 2)
			ck_assert_int_eq(sl_batch_set_str(b, 0, row, "", 0), SL_OK);
		ck_assert_int_eq(sl_batch_set_str(b, 1, row, i ? "" : "agent", i ? 0 : 5), SL_OK);
	}
	write_file(path, SL_KIND_INCIDENTS, SL_DAY_NONE, &b, 1);
	r = open_ok(path);
	ck_assert_int_eq(sl_cfr_read_group(r, 0, NULL, out, &err), SL_OK);
	assert_rows_equal(b, 0, out, 0, 4, NULL);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(sl_batch_is_null(out, 0, i), i == 2);
		if (i != 2)
			ck_assert_msg(sl_batch_get_str(out, 0, i, &n) != NULL && n == 0,
				      "row %zu: \"\" read back as null", i);
		ck_assert_ptr_nonnull(sl_batch_get_str(out, 1, i, &n));
	}
	sl_cfr_close(r);
	sl_batch_free(b);
	sl_batch_free(out);
}
END_TEST

/* Reading a subset of columns leaves the others null. */
START_TEST(read_column_subset)
{
	struct sl_batch *groups[2];
	struct gen gn = {0.2, 30, DAY_2024_03_10};
	const struct sl_kind_def *kd = sl_kind_def(SL_KIND_DEPLOYMENTS);
	uint8_t want[64];
	const char *path = tpath("subset.msgpack");

	rng = SEED + 3;
	for (int g = 0; g < 2; g++) {
		groups[g] = sl_batch_new(SL_KIND_DEPLOYMENTS, 0);
		fill_random(groups[g], 500, &gn);
	}
	write_file(path, SL_KIND_DEPLOYMENTS, DAY_2024_03_10, groups, 2);
	for (int pattern = 0; pattern < 4; pattern++) {
		for (int c = 0; c < kd->ncols; c++)
			want[c] = pattern == 0 ? (c % 3 == 0)
				: pattern == 1 ? (kd->cols[c].type == SL_STR)
				: pattern == 2 ? (c == kd->day_col)
					       : 0; /* nothing: rows, all null */
		check_file(path, SL_KIND_DEPLOYMENTS, DAY_2024_03_10, groups, 2, want);
	}
	free_groups(groups, 2);
}
END_TEST

START_TEST(read_group_bad_requests)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	struct sl_batch *other = sl_batch_new(SL_KIND_DEPLOYMENTS, 0);
	struct gen gn = {0.1, 5, DAY_2024_03_10};
	struct sl_errctx err = {0};
	struct sl_cfr *r;
	const char *path = tpath("bad.msgpack");

	rng = SEED + 9;
	fill_random(b, 5, &gn);
	write_file(path, SL_KIND_INCIDENTS, DAY_2024_03_10, &b, 1);
	r = open_ok(path);
	ck_assert_int_eq(sl_cfr_read_group(r, 1, NULL, b, &err), SL_EINVAL);
	ck_assert_int_eq(sl_cfr_read_group(r, 0, NULL, other, &err), SL_EINVAL);
	ck_assert_uint_eq(other->n, 0);
	ck_assert_uint_eq(b->n, 5);
	sl_cfr_close(r);
	sl_cfr_close(NULL);
	sl_batch_free(b);
	sl_batch_free(other);
}
END_TEST

START_TEST(write_batch_of_other_kind)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	struct gen gn = {0.0, 5, DAY_2024_03_10};
	struct sl_errctx err = {0};
	struct sl_cfw *w;
	const char *path = tpath("otherkind.msgpack");

	rng = SEED + 10;
	fill_random(b, 3, &gn);
	ck_assert_int_eq(sl_cfw_open(&w, path, SL_KIND_VERSIONS, DAY_2024_03_10, &err), SL_OK);
	ck_assert_int_eq(sl_cfw_write_batch(w, b, &err), SL_EINVAL);
	sl_cfw_abort(w);
	ck_assert_int_eq(sl_cfw_open(&w, path, SL_KIND_NONE, DAY_2024_03_10, &err), SL_EINVAL);
	ck_assert_ptr_null(w);
	ck_assert_int_eq(sl_cfw_open(&w, tpath("no/such/dir.msgpack"), SL_KIND_INCIDENTS,
				     DAY_2024_03_10, &err),
			 SL_EIO);
	ck_assert_ptr_null(w);
	sl_batch_free(b);
}
END_TEST

/* ---- copying row groups ---- */

START_TEST(copy_group_identical)
{
	struct sl_batch *groups[4];
	struct sl_batch *reordered[4];
	struct gen gn = {0.25, 50, DAY_2024_03_10};
	struct sl_errctx err = {0};
	struct sl_cfw *w;
	struct sl_cfr *r;
	const char *src = tpath("src.msgpack"), *dst = tpath("dst.msgpack");
	const char *same = tpath("same.msgpack");
	static const size_t order[4] = {2, 0, 3, 1};

	rng = SEED + 11;
	for (int g = 0; g < 4; g++) {
		groups[g] = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
		fill_random(groups[g], 100 + 50 * (size_t)g, &gn);
	}
	write_file(src, SL_KIND_STAGE_RUNS, DAY_2024_03_10, groups, 4);
	r = open_ok(src);

	/* all groups in order, same day: byte for byte the same file */
	ck_assert_int_eq(sl_cfw_open(&w, same, SL_KIND_STAGE_RUNS, DAY_2024_03_10, &err), SL_OK);
	for (size_t g = 0; g < 4; g++)
		ck_assert_msg(sl_cfw_copy_group(w, r, g, &err) == SL_OK, "%s", err.msg);
	ck_assert_uint_eq(sl_cfw_rows(w), sl_cfr_rows(r));
	ck_assert_int_eq(sl_cfw_finish(w, &err), SL_OK);
	assert_same_file(src, same);

	/* reordered, mixed with a freshly written batch */
	ck_assert_int_eq(sl_cfw_open(&w, dst, SL_KIND_STAGE_RUNS, DAY_2024_03_10, &err), SL_OK);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(sl_cfw_copy_group(w, r, order[i], &err), SL_OK);
		reordered[i] = groups[order[i]];
	}
	ck_assert_int_eq(sl_cfw_write_batch(w, groups[order[3]], &err), SL_OK);
	reordered[3] = groups[order[3]];
	ck_assert_int_eq(sl_cfw_finish(w, &err), SL_OK);
	check_file(dst, SL_KIND_STAGE_RUNS, DAY_2024_03_10, reordered, 4, NULL);
	sl_cfr_close(r);
	free_groups(groups, 4);
}
END_TEST

/* A sealed file is complete as it stands (a reader takes it while the
 * writer stays open); sealing twice changes nothing; row groups written
 * or copied after a seal take the footer back; and the finished file is
 * byte for byte the one written without seals. */
START_TEST(seal_and_reopen)
{
	struct sl_batch *groups[5];
	struct gen gn = {0.2, 30, DAY_2024_03_10};
	struct sl_errctx err = {0};
	struct walk_stats st;
	struct sl_cfw *w;
	struct sl_cfr *r;
	const char *plain = tpath("plain.msgpack"), *sealed = tpath("sealed.msgpack");
	unsigned char *a, *b;
	size_t na, nb;

	rng = SEED + 31;
	for (int g = 0; g < 5; g++) {
		groups[g] = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
		fill_random(groups[g], 40 + 300 * (size_t)g, &gn);
	}
	write_file(plain, SL_KIND_STAGE_RUNS, DAY_2024_03_10, groups, 5);

	ck_assert_int_eq(sl_cfw_open(&w, sealed, SL_KIND_STAGE_RUNS, DAY_2024_03_10, &err), SL_OK);
	ck_assert_int_eq(sl_cfw_write_batch(w, groups[0], &err), SL_OK);
	ck_assert_int_eq(sl_cfw_seal(w, &err), SL_OK);
	ck_assert_int_eq(sl_cfw_idle(w, &err), SL_OK);
	check_file(sealed, SL_KIND_STAGE_RUNS, DAY_2024_03_10, groups, 1, NULL);
	walk_file(sealed, &st);
	ck_assert_uint_eq(st.groups, 1);
	a = slurp(sealed, &na);
	ck_assert_int_eq(sl_cfw_seal(w, &err), SL_OK);
	ck_assert_int_eq(sl_cfw_idle(w, &err), SL_OK);
	b = slurp(sealed, &nb);
	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(a, b, na);
	free(a);
	free(b);

	/* two more groups, one of them copied from the plain file */
	ck_assert_int_eq(sl_cfw_write_batch(w, groups[1], &err), SL_OK);
	ck_assert_int_eq(sl_cfw_seal(w, &err), SL_OK);
	ck_assert_int_eq(sl_cfw_idle(w, &err), SL_OK);
	r = open_ok(plain);
	ck_assert_int_eq(sl_cfw_copy_group(w, r, 2, &err), SL_OK);
	sl_cfr_close(r);
	ck_assert_int_eq(sl_cfw_seal(w, &err), SL_OK);
	ck_assert_int_eq(sl_cfw_idle(w, &err), SL_OK);
	check_file(sealed, SL_KIND_STAGE_RUNS, DAY_2024_03_10, groups, 3, NULL);
	walk_file(sealed, &st);
	ck_assert_uint_eq(st.groups, 3);

	/* sealed and not yet written out: the footer leaves the buffer */
	ck_assert_int_eq(sl_cfw_write_batch(w, groups[3], &err), SL_OK);
	ck_assert_int_eq(sl_cfw_seal(w, &err), SL_OK);
	ck_assert_int_eq(sl_cfw_write_batch(w, groups[4], &err), SL_OK);
	ck_assert_uint_eq(sl_cfw_rows(w), 40 + 340 + 640 + 940 + 1240);
	ck_assert_int_eq(sl_cfw_finish(w, &err), SL_OK);
	assert_same_file(plain, sealed);
	free_groups(groups, 5);
}
END_TEST

START_TEST(copy_group_other_kind)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	struct gen gn = {0.0, 5, DAY_2024_03_10};
	struct sl_errctx err = {0};
	struct sl_cfw *w;
	struct sl_cfr *r;

	rng = SEED + 12;
	fill_random(b, 4, &gn);
	write_file(tpath("inc.msgpack"), SL_KIND_INCIDENTS, DAY_2024_03_10, &b, 1);
	r = open_ok(tpath("inc.msgpack"));
	ck_assert_int_eq(sl_cfw_open(&w, tpath("dep.msgpack"), SL_KIND_DEPLOYMENTS,
				     DAY_2024_03_10, &err),
			 SL_OK);
	ck_assert_int_eq(sl_cfw_copy_group(w, r, 0, &err), SL_EINVAL);
	sl_cfw_abort(w);
	sl_cfr_close(r);
	sl_batch_free(b);
}
END_TEST

/* Like sl_cfr_read_group, a row group index past the end is an error, not
 * a read outside the footer's table. */
START_TEST(copy_group_bad_index)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	struct gen gn = {0.0, 5, DAY_2024_03_10};
	struct sl_errctx err = {0};
	struct sl_cfw *w;
	struct sl_cfr *r;

	rng = SEED + 13;
	fill_random(b, 4, &gn);
	write_file(tpath("one.msgpack"), SL_KIND_INCIDENTS, DAY_2024_03_10, &b, 1);
	r = open_ok(tpath("one.msgpack"));
	ck_assert_int_eq(sl_cfw_open(&w, tpath("copy.msgpack"), SL_KIND_INCIDENTS,
				     DAY_2024_03_10, &err),
			 SL_OK);
	ck_assert_int_eq(sl_cfw_copy_group(w, r, 1, &err), SL_EINVAL);
	sl_cfw_abort(w);
	sl_cfr_close(r);
	sl_batch_free(b);
}
END_TEST

/* ---- the byte format, checked with a plain msgpack unpacker ---- */

static const msgpack_object *mget(const msgpack_object *m, const char *key)
{
	ck_assert_int_eq(m->type, MSGPACK_OBJECT_MAP);
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object *k = &m->via.map.ptr[i].key;

		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
		    !memcmp(k->via.str.ptr, key, k->via.str.size))
			return &m->via.map.ptr[i].val;
	}
	ck_abort_msg("no key %s", key);
	return NULL;
}

/* m has exactly these keys (in this order, as the writer puts them). */
static void assert_keys(const msgpack_object *m, const char *const *keys, uint32_t n)
{
	ck_assert_int_eq(m->type, MSGPACK_OBJECT_MAP);
	ck_assert_uint_eq(m->via.map.size, n);
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *k = &m->via.map.ptr[i].key;

		ck_assert_int_eq(k->type, MSGPACK_OBJECT_STR);
		ck_assert_uint_eq(k->via.str.size, strlen(keys[i]));
		ck_assert_mem_eq(k->via.str.ptr, keys[i], k->via.str.size);
	}
}

static int obj_str_is(const msgpack_object *o, const char *s)
{
	return o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(s) &&
	       !memcmp(o->via.str.ptr, s, o->via.str.size);
}

static uint64_t obj_uint(const msgpack_object *o)
{
	ck_assert_int_eq(o->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
	return o->via.u64;
}

static int64_t obj_int(const msgpack_object *o)
{
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		return o->via.i64;
	return (int64_t)obj_uint(o);
}

static uint64_t be_read(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Walks path as a plain concatenation of msgpack objects and checks every
 * rule of docs/FORMAT.md that a reader relies on. */
static void walk_file(const char *path, struct walk_stats *st)
{
	static const char *const hkeys[] = {"magic", "format", "kind", "day", "columns"};
	static const char *const dkeys[] = {"col", "type", "rows", "nulls", "data"};
	static const char *const skeys[] = {"col", "type", "rows", "nulls", "dict", "width",
					    "codes"};
	static const char *const fkeys[] = {"rows", "header_crc", "min_time", "max_time",
					    "groups"};
	static const char *const gkeys[] = {"rows", "min_time", "max_time", "chunks"};
	size_t len, off = 0, prev, header_len, footer_off;
	unsigned char *buf = slurp(path, &len);
	msgpack_unpacked hu, fu, u;
	const msgpack_object *h, *f, *groups, *cols;
	const struct sl_kind_def *kd;
	uint64_t total = 0;

	memset(st, 0, sizeof(*st));
	msgpack_unpacked_init(&hu);
	msgpack_unpacked_init(&fu);
	msgpack_unpacked_init(&u);
	ck_assert_int_eq(msgpack_unpack_next(&hu, (const char *)buf, len, &off),
			 MSGPACK_UNPACK_SUCCESS);
	header_len = off;
	h = &hu.data;
	assert_keys(h, hkeys, 5);
	ck_assert(obj_str_is(mget(h, "magic"), "shiplog-columnar"));
	ck_assert_uint_eq(obj_uint(mget(h, "format")), 1);
	ck_assert_int_eq(mget(h, "kind")->type, MSGPACK_OBJECT_STR);
	{
		char kn[32];
		const msgpack_object *k = mget(h, "kind");

		ck_assert_uint_lt(k->via.str.size, sizeof(kn));
		memcpy(kn, k->via.str.ptr, k->via.str.size);
		kn[k->via.str.size] = '\0';
		kd = sl_kind_def(sl_kind_from_name(kn));
		ck_assert_ptr_nonnull(kd);
	}
	if (mget(h, "day")->type != MSGPACK_OBJECT_NIL) {
		const msgpack_object *d = mget(h, "day");

		ck_assert_int_eq(d->type, MSGPACK_OBJECT_STR);
		ck_assert_uint_eq(d->via.str.size, 10);
		ck_assert(d->via.str.ptr[4] == '-' && d->via.str.ptr[7] == '-');
	}
	cols = mget(h, "columns");
	ck_assert_int_eq(cols->type, MSGPACK_OBJECT_ARRAY);
	ck_assert_uint_eq(cols->via.array.size, (uint32_t)kd->ncols);
	for (int c = 0; c < kd->ncols; c++) {
		static const char *const ckeys[] = {"name", "type"};
		const msgpack_object *co = &cols->via.array.ptr[c];

		assert_keys(co, ckeys, 2);
		ck_assert(obj_str_is(mget(co, "name"), kd->cols[c].name));
		ck_assert(obj_str_is(mget(co, "type"), sl_type_name(kd->cols[c].type)));
	}

	/* the trailer: fixarray of uint64 (0xcf), uint32 (0xce), uint32 (0xce) */
	ck_assert_uint_ge(len, 20);
	{
		const unsigned char *t = buf + len - 20;
		uint32_t footer_crc, file_crc;

		ck_assert_uint_eq(t[0], 0x93);
		ck_assert_uint_eq(t[1], 0xcf);
		ck_assert_uint_eq(t[10], 0xce);
		ck_assert_uint_eq(t[15], 0xce);
		footer_off = (size_t)be_read(t + 2, 8);
		footer_crc = (uint32_t)be_read(t + 11, 4);
		file_crc = (uint32_t)be_read(t + 16, 4);
		ck_assert_uint_lt(footer_off, len - 20);
		ck_assert_uint_eq(crc32_z(0, buf + footer_off, len - 20 - footer_off), footer_crc);
		ck_assert_uint_eq(crc32_z(0, buf, len - 20), file_crc);
		/* and the trailer is an ordinary msgpack object */
		prev = len - 20;
		ck_assert_int_eq(msgpack_unpack_next(&u, (const char *)buf, len, &prev),
				 MSGPACK_UNPACK_SUCCESS);
		ck_assert_uint_eq(prev, len);
		ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_ARRAY);
		ck_assert_uint_eq(u.data.via.array.size, 3);
		ck_assert_uint_eq(obj_uint(&u.data.via.array.ptr[0]), footer_off);
		ck_assert_uint_eq(obj_uint(&u.data.via.array.ptr[1]), footer_crc);
		ck_assert_uint_eq(obj_uint(&u.data.via.array.ptr[2]), file_crc);
	}

	/* the footer ends where the trailer begins */
	prev = footer_off;
	ck_assert_int_eq(msgpack_unpack_next(&fu, (const char *)buf, len, &prev),
			 MSGPACK_UNPACK_SUCCESS);
	ck_assert_uint_eq(prev, len - 20);
	f = &fu.data;
	assert_keys(f, fkeys, 5);
	ck_assert_uint_eq(obj_uint(mget(f, "header_crc")), crc32_z(0, buf, header_len));
	groups = mget(f, "groups");
	ck_assert_int_eq(groups->type, MSGPACK_OBJECT_ARRAY);
	st->groups = groups->via.array.size;

	/* between header and footer: chunk after chunk, group by group, in
	 * column order, exactly where the footer says */
	for (uint32_t g = 0; g < groups->via.array.size; g++) {
		const msgpack_object *go = &groups->via.array.ptr[g];
		const msgpack_object *chunks = mget(go, "chunks");
		uint64_t grows = obj_uint(mget(go, "rows"));
		int dc = kd->day_col, have = 0;
		int64_t lo = 0, hi = 0;

		assert_keys(go, gkeys, 4);
		ck_assert_uint_eq(chunks->via.array.size, (uint32_t)kd->ncols);
		total += grows;
		for (int c = 0; c < kd->ncols; c++) {
			const msgpack_object *e = &chunks->via.array.ptr[c], *ch, *nl;
			uint64_t coff = obj_uint(&e->via.array.ptr[0]);
			uint64_t clen = obj_uint(&e->via.array.ptr[1]);
			const unsigned char *nulls = NULL;
			enum sl_type t = kd->cols[c].type;

			ck_assert_uint_eq(e->via.array.size, 3);
			ck_assert_uint_eq(coff, off); /* contiguous, no gaps */
			ck_assert_int_eq(msgpack_unpack_next(&u, (const char *)buf, len, &off),
					 MSGPACK_UNPACK_SUCCESS);
			ck_assert_uint_eq(off - coff, clen);
			ck_assert_uint_eq(obj_uint(&e->via.array.ptr[2]),
					  crc32_z(0, buf + coff, clen));
			ch = &u.data;
			if (t == SL_STR)
				assert_keys(ch, skeys, 7);
			else
				assert_keys(ch, dkeys, 5);
			ck_assert(obj_str_is(mget(ch, "col"), kd->cols[c].name));
			ck_assert(obj_str_is(mget(ch, "type"), sl_type_name(t)));
			ck_assert_uint_eq(obj_uint(mget(ch, "rows")), grows);
			nl = mget(ch, "nulls");
			if (nl->type != MSGPACK_OBJECT_NIL) {
				int any = 0;

				ck_assert_int_eq(nl->type, MSGPACK_OBJECT_BIN);
				ck_assert_uint_eq(nl->via.bin.size, (grows + 7) / 8);
				nulls = (const unsigned char *)nl->via.bin.ptr;
				for (uint64_t r = grows; r < nl->via.bin.size * 8ull; r++)
					REQUIRE_MSG(!((nulls[r >> 3] >> (r & 7)) & 1),
						    "bit past the last row set");
				for (uint32_t i = 0; i < nl->via.bin.size; i++)
					any |= nulls[i];
				ck_assert_msg(any, "a null bitmap with no null is written as nil");
			}
#define ISNULL(r) (nulls && ((nulls[(r) >> 3] >> ((r) & 7)) & 1))
			if (t == SL_STR) {
				const msgpack_object *dict = mget(ch, "dict");
				const msgpack_object *codes = mget(ch, "codes");
				uint64_t width = obj_uint(mget(ch, "width")), next = 0;
				uint32_t nd;
				const unsigned char *p;

				ck_assert_int_eq(dict->type, MSGPACK_OBJECT_ARRAY);
				nd = dict->via.array.size;
				for (uint32_t i = 0; i < nd; i++)
					REQUIRE(dict->via.array.ptr[i].type ==
						MSGPACK_OBJECT_STR);
				ck_assert_uint_eq(width, nd <= 256 ? 1 : nd <= 65536 ? 2 : 4);
				st->width_seen[width]++;
				ck_assert_int_eq(codes->type, MSGPACK_OBJECT_BIN);
				ck_assert_uint_eq(codes->via.bin.size, grows * width);
				p = (const unsigned char *)codes->via.bin.ptr;
				for (uint64_t r = 0; r < grows; r++) {
					uint64_t code = 0;

					for (uint64_t i = 0; i < width; i++)
						code |= (uint64_t)p[r * width + i] << (8 * i);
					if (ISNULL(r)) {
						REQUIRE(code == 0);
						continue;
					}
					REQUIRE(code < nd);
					/* dictionary in order of first use, nothing unused */
					REQUIRE(code <= next);
					if (code == next)
						next++;
				}
				ck_assert_uint_eq(next, nd);
			} else {
				const msgpack_object *data = mget(ch, "data");
				size_t sz = t == SL_BOOL ? 1 : 8;
				const unsigned char *p;

				ck_assert_int_eq(data->type, MSGPACK_OBJECT_BIN);
				ck_assert_uint_eq(data->via.bin.size, grows * sz);
				p = (const unsigned char *)data->via.bin.ptr;
				for (uint64_t r = 0; r < grows; r++) {
					if (ISNULL(r)) {
						for (size_t i = 0; i < sz; i++)
							REQUIRE(p[r * sz + i] == 0);
						continue;
					}
					if (t == SL_BOOL)
						REQUIRE(p[r] <= 1);
					if (c == dc) {
						int64_t v;

						memcpy(&v, p + r * 8, 8); /* little-endian host */
						if (!have || v < lo)
							lo = v;
						if (!have || v > hi)
							hi = v;
						have = 1;
					}
				}
			}
#undef ISNULL
		}
		if (have) {
			ck_assert_int_eq(obj_int(mget(go, "min_time")), lo);
			ck_assert_int_eq(obj_int(mget(go, "max_time")), hi);
		} else {
			ck_assert_int_eq(mget(go, "min_time")->type, MSGPACK_OBJECT_NIL);
			ck_assert_int_eq(mget(go, "max_time")->type, MSGPACK_OBJECT_NIL);
		}
	}
	ck_assert_uint_eq(off, footer_off);
	ck_assert_uint_eq(obj_uint(mget(f, "rows")), total);
	msgpack_unpacked_destroy(&hu);
	msgpack_unpacked_destroy(&fu);
	msgpack_unpacked_destroy(&u);
	free(buf);
}

START_TEST(format_walk)
{
	struct sl_batch *groups[4];
	struct gen gs[4] = {{0.0, 10, DAY_2024_03_10},
			    {0.3, 1000, DAY_2024_03_10},
			    {0.0, 0, DAY_2024_03_10},
			    {1.0, 10, DAY_2024_03_10}};
	static const size_t sizes[4] = {13, 3000, 70000, 9};
	struct walk_stats st;
	const char *path = tpath("walk.msgpack");

	rng = SEED + 21;
	for (int g = 0; g < 4; g++) {
		groups[g] = sl_batch_new(SL_KIND_INCIDENTS, 0);
		fill_random(groups[g], sizes[g], &gs[g]);
	}
	write_file(path, SL_KIND_INCIDENTS, DAY_2024_03_10, groups, 4);
	walk_file(path, &st);
	ck_assert_uint_eq(st.groups, 4);
	ck_assert_int_gt(st.width_seen[1], 0);
	ck_assert_int_gt(st.width_seen[2], 0);
	ck_assert_int_gt(st.width_seen[4], 0);
	free_groups(groups, 4);

	/* every kind, with a sprinkling of nulls */
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		struct gen gn = {0.2, 20, DAY_2024_03_10};
		int64_t day = sl_kind_def((enum sl_kind)k)->day_col >= 0 ? DAY_2024_03_10
									 : SL_DAY_NONE;

		groups[0] = sl_batch_new((enum sl_kind)k, 0);
		groups[1] = sl_batch_new((enum sl_kind)k, 0);
		fill_random(groups[0], 21, &gn);
		fill_random(groups[1], 8, &gn);
		write_file(path, (enum sl_kind)k, day, groups, 2);
		walk_file(path, &st);
		ck_assert_uint_eq(st.groups, 2);
		free_groups(groups, 2);
	}
}
END_TEST

/* ---- a file made without sl_colfile, from the format description ---- */

static void pack_s(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

struct raw {
	msgpack_sbuffer file;
	uint64_t offs[64];
	uint64_t lens[64];
	uint32_t crcs[64];
	size_t header_len;
};

/* A file of one kind, format version `format`, holding either no row group
 * or one group of 2 rows: row 0 a value in every column, row 1 all null.
 * String chunks use code width 2 (legal, though the writer would pick 1). */
static void raw_file(const char *path, enum sl_kind kind, int format, int with_group,
		     int64_t t0)
{
	const struct sl_kind_def *kd = sl_kind_def(kind);
	struct raw rw;
	msgpack_packer pk;
	msgpack_sbuffer fb;
	unsigned char t[20];
	uint32_t footer_crc, file_crc;
	uint64_t footer_off;

	msgpack_sbuffer_init(&rw.file);
	msgpack_packer_init(&pk, &rw.file, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	pack_s(&pk, "magic");
	pack_s(&pk, "shiplog-columnar");
	pack_s(&pk, "format");
	msgpack_pack_int(&pk, format);
	pack_s(&pk, "kind");
	pack_s(&pk, kd->name);
	pack_s(&pk, "day");
	pack_s(&pk, "2024-03-10");
	pack_s(&pk, "columns");
	msgpack_pack_array(&pk, (size_t)kd->ncols);
	for (int c = 0; c < kd->ncols; c++) {
		msgpack_pack_map(&pk, 2);
		pack_s(&pk, "name");
		pack_s(&pk, kd->cols[c].name);
		pack_s(&pk, "type");
		pack_s(&pk, sl_type_name(kd->cols[c].type));
	}
	rw.header_len = rw.file.size;
	for (int c = 0; with_group && c < kd->ncols; c++) {
		static const unsigned char nulls = 0x02; /* row 1 is null */
		enum sl_type ty = kd->cols[c].type;

		rw.offs[c] = rw.file.size;
		msgpack_pack_map(&pk, ty == SL_STR ? 7 : 5);
		pack_s(&pk, "col");
		pack_s(&pk, kd->cols[c].name);
		pack_s(&pk, "type");
		pack_s(&pk, sl_type_name(ty));
		pack_s(&pk, "rows");
		msgpack_pack_uint64(&pk, 2);
		pack_s(&pk, "nulls");
		msgpack_pack_bin(&pk, 1);
		msgpack_pack_bin_body(&pk, &nulls, 1);
		if (ty == SL_STR) {
			static const unsigned char codes[4] = {0, 0, 0, 0};

			pack_s(&pk, "dict");
			msgpack_pack_array(&pk, 1);
			pack_s(&pk, kd->cols[c].name); /* the value is the column's name */
			pack_s(&pk, "width");
			msgpack_pack_uint8(&pk, 2);
			pack_s(&pk, "codes");
			msgpack_pack_bin(&pk, 4);
			msgpack_pack_bin_body(&pk, codes, 4);
		} else {
			unsigned char d[16] = {0};
			size_t sz = ty == SL_BOOL ? 1 : 8;
			int64_t iv = ty == SL_TIME ? t0 + c : -1000 - c;
			double fv = 0.25 + c;

			if (ty == SL_F64)
				memcpy(d, &fv, 8);
			else if (ty == SL_BOOL)
				d[0] = 1;
			else
				for (int i = 0; i < 8; i++) /* little-endian, spelled out */
					d[i] = (unsigned char)((uint64_t)iv >> (8 * i));
			pack_s(&pk, "data");
			msgpack_pack_bin(&pk, 2 * sz);
			msgpack_pack_bin_body(&pk, d, 2 * sz);
		}
		rw.lens[c] = rw.file.size - rw.offs[c];
		rw.crcs[c] = (uint32_t)crc32_z(0, (const unsigned char *)rw.file.data + rw.offs[c],
					       rw.lens[c]);
	}
	footer_off = rw.file.size;
	msgpack_sbuffer_init(&fb);
	msgpack_packer_init(&pk, &fb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	pack_s(&pk, "rows");
	msgpack_pack_uint64(&pk, with_group ? 2 : 0);
	pack_s(&pk, "header_crc");
	msgpack_pack_uint32(&pk, (uint32_t)crc32_z(0, (const unsigned char *)rw.file.data,
						   rw.header_len));
	pack_s(&pk, "min_time");
	msgpack_pack_nil(&pk);
	pack_s(&pk, "max_time");
	msgpack_pack_nil(&pk);
	pack_s(&pk, "groups");
	msgpack_pack_array(&pk, with_group ? 1 : 0);
	if (with_group) {
		msgpack_pack_map(&pk, 4);
		pack_s(&pk, "rows");
		msgpack_pack_uint64(&pk, 2);
		pack_s(&pk, "min_time");
		msgpack_pack_nil(&pk);
		pack_s(&pk, "max_time");
		msgpack_pack_nil(&pk);
		pack_s(&pk, "chunks");
		msgpack_pack_array(&pk, (size_t)kd->ncols);
		for (int c = 0; c < kd->ncols; c++) {
			msgpack_pack_array(&pk, 3);
			msgpack_pack_uint64(&pk, rw.offs[c]);
			msgpack_pack_uint64(&pk, rw.lens[c]);
			msgpack_pack_uint32(&pk, rw.crcs[c]);
		}
	}
	footer_crc = (uint32_t)crc32_z(0, (const unsigned char *)fb.data, fb.size);
	msgpack_sbuffer_write(&rw.file, fb.data, fb.size);
	msgpack_sbuffer_destroy(&fb);
	file_crc = (uint32_t)crc32_z(0, (const unsigned char *)rw.file.data, rw.file.size);
	t[0] = 0x93;
	t[1] = 0xcf;
	for (int i = 0; i < 8; i++)
		t[2 + i] = (unsigned char)(footer_off >> (56 - 8 * i));
	t[10] = 0xce;
	for (int i = 0; i < 4; i++)
		t[11 + i] = (unsigned char)(footer_crc >> (24 - 8 * i));
	t[15] = 0xce;
	for (int i = 0; i < 4; i++)
		t[16 + i] = (unsigned char)(file_crc >> (24 - 8 * i));
	msgpack_sbuffer_write(&rw.file, (const char *)t, 20);
	spit(path, rw.file.data, rw.file.size);
	msgpack_sbuffer_destroy(&rw.file);
}

START_TEST(foreign_writer)
{
	const struct sl_kind_def *kd = sl_kind_def(SL_KIND_VERSIONS);
	struct sl_batch *b = sl_batch_new(SL_KIND_VERSIONS, 0);
	struct sl_errctx err = {0};
	int64_t t0 = DAY_2024_03_10 * DAY_MS + 5;
	struct sl_cfr *r;
	const char *path = tpath("foreign.msgpack");
	size_t n;

	raw_file(path, SL_KIND_VERSIONS, 1, 1, t0);
	r = open_ok(path);
	ck_assert_uint_eq(sl_cfr_rows(r), 2);
	ck_assert_int_eq(sl_cfr_day(r), DAY_2024_03_10);
	ck_assert_int_eq(sl_cfr_read_group(r, 0, NULL, b, &err), SL_OK);
	ck_assert_uint_eq(b->n, 2);
	for (int c = 0; c < kd->ncols; c++) {
		ck_assert(sl_batch_is_null(b, c, 1));
		ck_assert(!sl_batch_is_null(b, c, 0));
		switch (kd->cols[c].type) {
		case SL_STR: {
			const char *s = sl_batch_get_str(b, c, 0, &n);

			ck_assert_uint_eq(n, strlen(kd->cols[c].name));
			ck_assert_mem_eq(s, kd->cols[c].name, n);
			break;
		}
		case SL_TIME:
			ck_assert_int_eq(b->cols[c].v.i64[0], t0 + c);
			break;
		case SL_I64:
			ck_assert_int_eq(b->cols[c].v.i64[0], -1000 - c);
			break;
		case SL_F64:
			ck_assert(b->cols[c].v.f64[0] == 0.25 + c);
			break;
		case SL_BOOL:
			ck_assert_uint_eq(b->cols[c].v.u8[0], 1);
			break;
		}
	}
	sl_cfr_close(r);
	sl_batch_free(b);

	raw_file(path, SL_KIND_INCIDENTS, 1, 0, 0);
	r = open_ok(path);
	ck_assert_uint_eq(sl_cfr_rows(r), 0);
	ck_assert_uint_eq(sl_cfr_ngroups(r), 0);
	sl_cfr_close(r);
}
END_TEST

/* Readers refuse other format versions. */
START_TEST(format_version)
{
	struct sl_errctx err = {0};
	struct sl_cfr *r = (struct sl_cfr *)1;
	const char *path = tpath("v2.msgpack");

	raw_file(path, SL_KIND_INCIDENTS, 2, 1, 0);
	ck_assert_int_eq(sl_cfr_open(&r, path, &err), SL_EVERSION);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(err.path, path);
	raw_file(path, SL_KIND_INCIDENTS, 0, 0, 0);
	ck_assert_int_eq(sl_cfr_open(&r, path, &err), SL_EVERSION);
	raw_file(path, SL_KIND_INCIDENTS, 1000, 0, 0);
	ck_assert_int_eq(sl_cfr_open(&r, path, &err), SL_EVERSION);
	raw_file(path, SL_KIND_INCIDENTS, -1, 0, 0);
	ck_assert_int_eq(sl_cfr_open(&r, path, &err), SL_EVERSION);
	raw_file(path, SL_KIND_INCIDENTS, 1, 0, 0);
	ck_assert_int_eq(sl_cfr_open(&r, path, &err), SL_OK);
	sl_cfr_close(r);
}
END_TEST

/* ---- corruption ---- */

static struct sl_batch *small_groups[2];

static void make_small(const char *path)
{
	struct gen gn = {0.25, 4, DAY_2024_03_10};

	rng = SEED + 31;
	for (int g = 0; g < 2; g++) {
		small_groups[g] = sl_batch_new(SL_KIND_INCIDENTS, 0);
		fill_random(small_groups[g], g ? 2 : 3, &gn);
	}
	write_file(path, SL_KIND_INCIDENTS, DAY_2024_03_10, small_groups, 2);
}

/* Opens a damaged file: some step must fail, none may crash, and whatever
 * succeeds must give exactly the original data.  Returns 1 when the damage
 * was found by open or read_group, 2 when only by verify. */
static int probe_damaged(const char *path, struct sl_batch *const *orig, size_t ngroups,
			 const char *what, size_t pos)
{
	struct sl_cfr *r = NULL;
	struct sl_errctx err = {0};
	int rc = sl_cfr_open(&r, path, &err), read_ok = 1;

	if (rc) {
		REQUIRE_MSG(rc == SL_EFORMAT || rc == SL_ECHECKSUM || rc == SL_EVERSION,
			    "%s at %zu: open gave %d", what, pos, rc);
		REQUIRE(r == NULL);
		return 1;
	}
	/* what open reports comes from CRC-checked header and footer */
	REQUIRE(sl_cfr_kind(r) == orig[0]->kind);
	REQUIRE(sl_cfr_day(r) == DAY_2024_03_10);
	REQUIRE(sl_cfr_ngroups(r) == ngroups);
	for (size_t g = 0; g < ngroups; g++) {
		struct sl_batch *b = sl_batch_new(orig[0]->kind, 0);

		REQUIRE(sl_cfr_group_rows(r, g) == orig[g]->n);
		rc = sl_cfr_read_group(r, g, NULL, b, &err);
		if (rc) {
			REQUIRE_MSG(rc == SL_EFORMAT || rc == SL_ECHECKSUM,
				    "%s at %zu: read gave %d", what, pos, rc);
			REQUIRE(b->n == 0);
			read_ok = 0;
		} else {
			assert_rows_equal(orig[g], 0, b, 0, b->n, NULL);
		}
		sl_batch_free(b);
	}
	rc = sl_cfr_verify(r, &err);
	sl_cfr_close(r);
	REQUIRE_MSG(!read_ok || rc == SL_ECHECKSUM, "%s at %zu went unnoticed", what, pos);
	return read_ok ? 2 : 1;
}

/* Damage is done in place (pwrite, then restore): rewriting a whole file
 * thousands of times is slow on ext4, which flushes truncated files. */
static int open_copy(const char *path, const unsigned char *p, size_t n)
{
	int fd;

	spit(path, p, n);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static void patch(int fd, size_t pos, const unsigned char *p, size_t n)
{
	REQUIRE(pwrite(fd, p, n, (off_t)pos) == (ssize_t)n);
}

START_TEST(corruption_every_byte)
{
	static const unsigned char masks[] = {0x01, 0x80, 0xff, 0x10};
	const char *path = tpath("small.msgpack"), *bad = tpath("damaged.msgpack");
	unsigned char *orig;
	size_t len, only_verify = 0;
	int fd;

	make_small(path);
	orig = slurp(path, &len);
	fd = open_copy(bad, orig, len);
	for (size_t pos = 0; pos < len; pos++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			unsigned char c = orig[pos] ^ masks[m];

			patch(fd, pos, &c, 1);
			only_verify += probe_damaged(bad, small_groups, 2, "flip", pos) == 2;
		}
		patch(fd, pos, orig + pos, 1);
	}
	/* only the stored whole-file CRC itself is beyond the reach of the others */
	ck_assert_uint_le(only_verify, 4 * sizeof(masks));
	close(fd);
	free(orig);
	free_groups(small_groups, 2);
}
END_TEST

/* Random multi-byte damage to a larger file (positions and values seeded). */
START_TEST(corruption_random)
{
	struct sl_batch *groups[3];
	struct gen gn = {0.2, 100, DAY_2024_03_10};
	const char *path = tpath("big.msgpack"), *bad = tpath("damaged.msgpack");
	unsigned char *orig, junk[8];
	size_t len;
	int fd;

	rng = SEED + 41;
	for (int g = 0; g < 3; g++) {
		groups[g] = sl_batch_new(SL_KIND_DEPLOYMENTS, 0);
		fill_random(groups[g], 40, &gn);
	}
	write_file(path, SL_KIND_DEPLOYMENTS, DAY_2024_03_10, groups, 3);
	orig = slurp(path, &len);
	fd = open_copy(bad, orig, len);
	for (int iter = 0; iter < 3000; iter++) {
		size_t pos = (size_t)rnd_below(len), n = 1 + (size_t)rnd_below(sizeof(junk));

		if (n > len - pos)
			n = len - pos;
		for (size_t i = 0; i < n; i++)
			junk[i] = (unsigned char)rnd();
		if (!memcmp(junk, orig + pos, n))
			continue;
		patch(fd, pos, junk, n);
		probe_damaged(bad, groups, 3, "random damage", pos);
		patch(fd, pos, orig + pos, n);
	}
	close(fd);
	free(orig);
	free_groups(groups, 3);
}
END_TEST

START_TEST(truncation)
{
	const char *path = tpath("small.msgpack"), *bad = tpath("short.msgpack");
	struct sl_errctx err = {0};
	unsigned char *orig, *longer;
	size_t len;
	struct sl_cfr *r;
	int fd;

	make_small(path);
	orig = slurp(path, &len);
	fd = open_copy(bad, orig, len);
	for (size_t n = len; n-- > 0;) {
		int rc;

		REQUIRE(ftruncate(fd, (off_t)n) == 0);
		r = (struct sl_cfr *)1;
		rc = sl_cfr_open(&r, bad, &err);
		REQUIRE_MSG(rc == SL_EFORMAT || rc == SL_ECHECKSUM,
			    "truncated to %zu bytes: open gave %d", n, rc);
		REQUIRE(r == NULL);
		REQUIRE(!strcmp(err.path, bad));
	}
	close(fd);
	/* bytes appended after the trailer: the trailer is no longer last */
	longer = calloc(1, len + 20);
	memcpy(longer, orig, len);
	fd = open_copy(bad, orig, len);
	for (size_t extra = 1; extra <= 20; extra++) {
		patch(fd, len, longer + len, extra);
		ck_assert_int_ne(sl_cfr_open(&r, bad, &err), SL_OK);
	}
	close(fd);
	/* a trailer copied onto another prefix */
	memmove(longer + len - 40, longer + len - 20, 20);
	spit(bad, longer, len - 20);
	ck_assert_int_ne(sl_cfr_open(&r, bad, &err), SL_OK);
	free(longer);
	free(orig);
	free_groups(small_groups, 2);
}
END_TEST

START_TEST(open_errors)
{
	struct sl_errctx err = {0};
	struct sl_cfr *r = (struct sl_cfr *)1;

	ck_assert_int_eq(sl_cfr_open(&r, tpath("missing.msgpack"), &err), SL_EIO);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(err.sys_errno, ENOENT);
	ck_assert_int_ne(sl_cfr_open(&r, tmpdir, &err), SL_OK); /* a directory */
	spit(tpath("text.msgpack"), "hello, this is not a store file at all\n", 39);
	ck_assert_int_eq(sl_cfr_open(&r, tpath("text.msgpack"), &err), SL_EFORMAT);
}
END_TEST

/* ---- abort ---- */

START_TEST(abort_leaves_no_file)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	struct gen gn = {0.1, 5, DAY_2024_03_10};
	struct sl_errctx err = {0};
	struct sl_cfw *w;
	const char *path = tpath("aborted.msgpack");
	int rc, e;

	rng = SEED + 51;
	fill_random(b, 1000, &gn);
	ck_assert_int_eq(sl_cfw_open(&w, path, SL_KIND_INCIDENTS, DAY_2024_03_10, &err), SL_OK);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(sl_cfw_write_batch(w, b, &err), SL_OK);
	ck_assert_int_eq(sl_cfw_write_batch(w, b, &err), SL_OK);
	sl_cfw_abort(w);
	errno = 0;
	rc = access(path, F_OK);
	e = errno;
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(e, ENOENT);
	/* right after open, too */
	ck_assert_int_eq(sl_cfw_open(&w, path, SL_KIND_INCIDENTS, SL_DAY_NONE, &err), SL_OK);
	sl_cfw_abort(w);
	ck_assert_int_ne(access(path, F_OK), 0);
	sl_cfw_abort(NULL);
	sl_batch_free(b);
}
END_TEST

/* The vector state components in use (XGETBV 1), or 0 where the
 * processor cannot say: bit 2 the upper halves of ymm0-15, bit 6 those of
 * zmm0-15. */
static uint64_t xinuse(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	unsigned a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) ||
	    !__get_cpuid_count(0xd, 1, &a, &b, &c, &d) || !(a & 4)) /* XGETBV 1 */
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(1));
	return lo | (uint64_t)hi << 32;
#else
	return 0;
#endif
}

/* sl_crc32 is zlib's CRC, and leaves no vector register's upper half in
 * use: after ISA-L's AVX-512 code they made every later SSE instruction
 * of the thread slow. */
START_TEST(crc_matches_zlib_and_leaves_vectors_clean)
{
	unsigned char *buf = malloc(1 << 16);
	uint64_t x = SEED;

	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < 1 << 16; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (unsigned char)(x >> 56);
	}
	for (size_t n = 0; n <= 1 << 16; n = n ? n * 4 : 1) {
		uint32_t got = sl_crc32(7, buf, n);
		uint64_t use = xinuse();

		ck_assert_uint_eq(got, (uint32_t)crc32_z(7, buf, n));
		ck_assert_msg(!(use & (1u << 2 | 1u << 6)),
			      "after %zu bytes the vector state in use is %#llx", n,
			      (unsigned long long)use);
	}
	free(buf);
}
END_TEST

Suite *suite_colfile(void);

Suite *suite_colfile(void)
{
	Suite *s = suite_create("colfile");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, round_trip_every_kind, 0, SL_KIND_COUNT);
	tcase_add_test(tc, round_trip_wide_codes);
	tcase_add_test(tc, round_trip_undated_and_empty);
	tcase_add_test(tc, time_range_absent);
	tcase_add_test(tc, empty_strings);
	tcase_add_test(tc, read_column_subset);
	tcase_add_test(tc, read_group_bad_requests);
	tcase_add_test(tc, write_batch_of_other_kind);
	tcase_add_test(tc, copy_group_identical);
	tcase_add_test(tc, seal_and_reopen);
	tcase_add_test(tc, copy_group_other_kind);
	tcase_add_test(tc, copy_group_bad_index);
	tcase_add_test(tc, format_walk);
	tcase_add_test(tc, foreign_writer);
	tcase_add_test(tc, format_version);
	tcase_add_test(tc, corruption_every_byte);
	tcase_add_test(tc, corruption_random);
	tcase_add_test(tc, truncation);
	tcase_add_test(tc, open_errors);
	tcase_add_test(tc, abort_leaves_no_file);
	tcase_add_test(tc, crc_matches_zlib_and_leaves_vectors_clean);
	suite_add_tcase(s, tc);
	return s;
}
