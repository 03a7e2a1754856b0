/* sl_dbscan: labels equal scikit-learn's on committed fixtures
 * (scripts/ref-dbscan.py), and a brute-force DBSCAN written here on a
 * larger lattice; the same labels on one thread or two. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_dbscan.h"
#include "sl_err.h"

struct fixture {
	double eps;
	int ms;
	size_t n, d;
	double *x;
	int32_t *label;
};

static void load(const char *name, struct fixture *f)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "data/dbscan_%s.txt", name);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	ck_assert_int_eq(fscanf(fp, "%lf %d %zu %zu", &f->eps, &f->ms, &f->n, &f->d), 4);
	ck_assert(f->n < 100000 && f->d <= 64);
	f->x = malloc((f->n * f->d + 1) * sizeof(double));
	f->label = malloc((f->n + 1) * sizeof(int32_t));
	for (size_t i = 0; i < f->n; i++) {
		for (size_t j = 0; j < f->d; j++)
			ck_assert_int_eq(fscanf(fp, "%lf", &f->x[i * f->d + j]), 1);
		ck_assert_int_eq(fscanf(fp, "%d", &f->label[i]), 1);
	}
	fclose(fp);
}

static void check_fixture(const char *name)
{
	struct fixture f;
	int32_t *got = NULL, nc, want_nc = 0;

	load(name, &f);
	got = malloc((f.n + 1) * sizeof(*got));
	for (int threads = 1; threads <= 2; threads++) {
		struct sl_dbscan_params p = {f.eps, f.ms, threads, 0};

		ck_assert_int_eq(sl_dbscan(f.x, f.n, f.d, &p, got, NULL, &nc), 0);
		want_nc = 0;
		for (size_t i = 0; i < f.n; i++) {
			ck_assert_msg(got[i] == f.label[i], "%s: row %zu: label %d, sklearn %d", name,
				      i, got[i], f.label[i]);
			if (f.label[i] + 1 > want_nc)
				want_nc = f.label[i] + 1;
		}
		ck_assert_int_eq(nc, want_nc);
	}
	free(got);
	free(f.x);
	free(f.label);
}

START_TEST(test_sklearn_fixtures)
{
	static const char *const names[] = {"blobs",	  "noise",	"border",
					    "border2",	  "lattice",	"lattice_ms3",
					    "duplicates", "single",	"single_ms1",
					    "allnoise",	  "nine"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_fixture(names[i]);
}
END_TEST

/* DBSCAN as scikit-learn's _dbscan_inner runs it, over all pairs. */
static void brute(const double *x, size_t n, size_t d, double eps, int ms, int32_t *label)
{
	uint8_t *core = calloc(n, 1);
	size_t cap = n + 1, *stack = malloc(cap * sizeof(*stack)), top = 0;
	int32_t next = 0;

	for (size_t i = 0; i < n; i++) {
		int c = 0;

		for (size_t j = 0; j < n; j++) {
			double s = 0;

			for (size_t k = 0; k < d; k++)
				s += (x[i * d + k] - x[j * d + k]) * (x[i * d + k] - x[j * d + k]);
			c += s <= eps * eps;
		}
		core[i] = c >= ms;
		label[i] = -1;
	}
	for (size_t i0 = 0; i0 < n; i0++) {
		size_t i = i0;

		if (label[i] != -1 || !core[i])
			continue;
		for (;;) {
			if (label[i] == -1) {
				label[i] = next;
				if (core[i])
					for (size_t j = 0; j < n; j++) {
						double s = 0;

						for (size_t k = 0; k < d; k++)
							s += (x[i * d + k] - x[j * d + k]) *
							     (x[i * d + k] - x[j * d + k]);
						if (s <= eps * eps && label[j] == -1) {
							if (top == cap)
								stack = realloc(stack,
										(cap *= 2) * sizeof(*stack));
							stack[top++] = j;
						}
					}
			}
			if (!top)
				break;
			i = stack[--top];
		}
		next++;
	}
	free(core);
	free(stack);
}

START_TEST(test_brute_lattice)
{
	/* 4-D lattice of step 0.1 with repeats: many pairs at exactly eps */
	size_t n = 1500, d = 4;
	double *x = malloc(n * d * sizeof(double));
	int32_t *a = malloc(n * sizeof(int32_t)), *b = malloc(n * sizeof(int32_t)), nc;
	uint64_t s = 12345;
	struct sl_dbscan_params p = {0.2, 4, 2, 0};

	for (size_t i = 0; i < n * d; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (double)((s >> 33) % 7) * 0.1;
	}
	brute(x, n, d, 0.2, 4, a);
	ck_assert_int_eq(sl_dbscan(x, n, d, &p, b, NULL, &nc), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(a[i] == b[i], "row %zu: %d, brute force %d", i, b[i], a[i]);
	free(x);
	free(a);
	free(b);
}
END_TEST

static double unif(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*s >> 11) / 9007199254740992.0;
}

START_TEST(test_threads_shared_borders)
{
	/* Blobs of 8 core points on a 3-D lattice of step 1, some joined
	 * into longer clusters by lines of core points, with non-core points
	 * between neighbouring blobs that reach core points of both (their
	 * label is the lower cluster's), and noise.  With threads > 1 the
	 * rows are cut into parts of n/16 rows whose components are joined
	 * across: clusters, borders and numbering must not show it. */
	enum { NX = 8, NY = 8, NZ = 4, BLOB = 8, NB = NX * NY * NZ };
	const double eps = 0.45;
	const int ms = 7;
	size_t cap = NB * BLOB + 4000, n = 0, d = 3, shared = 0;
	double *x = malloc(cap * d * sizeof(double));
	int32_t *want = malloc(cap * sizeof(int32_t)), *got = malloc(cap * sizeof(int32_t));
	int32_t *one = malloc(cap * sizeof(int32_t)), nc, nc1 = 0, maxl = -1;
	uint8_t *core = malloc(cap);
	uint64_t s = 2024;

	for (int b = 0; b < NB; b++)
		for (int k = 0; k < BLOB; k++, n++) {
			x[n * d] = b % NX + 0.2 * unif(&s) - 0.1;
			x[n * d + 1] = b / NX % NY + 0.2 * unif(&s) - 0.1;
			x[n * d + 2] = b / (NX * NY) + 0.2 * unif(&s) - 0.1;
		}
	for (int r = 0; r < 1000; r++) {
		/* between blob b and its neighbour along axis a */
		int b = (int)(unif(&s) * NB), a = (int)(unif(&s) * 3), kind = r % 20;
		double c[3] = {b % NX, b / NX % NY, b / (NX * NY)};

		if (c[a] + 1 >= (a == 0 ? NX : a == 1 ? NY : NZ))
			continue;
		if (kind == 0) {
			/* a line of core points: one cluster */
			for (int k = 1; k < 10; k++, n++)
				for (size_t j = 0; j < d; j++)
					x[n * d + j] = c[j] + (j == (size_t)a ? 0.1 * k : 0);
		} else if (kind < 14) {
			/* a border point near the middle */
			for (size_t j = 0; j < d; j++)
				x[n * d + j] = c[j] + (j == (size_t)a ? 0.5 + 0.08 * (unif(&s) - 0.5) :
									0.06 * (unif(&s) - 0.5));
			n++;
		} else {
			/* noise anywhere */
			x[n * d] = unif(&s) * NX - 0.5;
			x[n * d + 1] = unif(&s) * NY - 0.5;
			x[n * d + 2] = unif(&s) * NZ - 0.5;
			n++;
		}
	}
	brute(x, n, d, eps, ms, want);
	/* the fixture is what it claims: border points reaching two clusters */
	for (size_t i = 0; i < n; i++) {
		int32_t lo = INT32_MAX, hi = -1;
		int c = 0;

		for (size_t j = 0; j < n; j++) {
			double q = 0;

			for (size_t k = 0; k < d; k++)
				q += (x[i * d + k] - x[j * d + k]) * (x[i * d + k] - x[j * d + k]);
			c += q <= eps * eps;
		}
		core[i] = c >= ms;
		if (want[i] > maxl)
			maxl = want[i];
		if (core[i])
			continue;
		for (size_t j = 0; j < n; j++) {
			double q = 0;

			for (size_t k = 0; k < d; k++)
				q += (x[i * d + k] - x[j * d + k]) * (x[i * d + k] - x[j * d + k]);
			if (q <= eps * eps && core[j] && want[j] != -1) {
				lo = want[j] < lo ? want[j] : lo;
				hi = want[j] > hi ? want[j] : hi;
			}
		}
		shared += hi > lo;
	}
	ck_assert_uint_gt(n, 2500);
	ck_assert_int_gt(maxl, 100);
	ck_assert_uint_gt(shared, 100);
	for (int threads = 1; threads <= 8; threads++) {
		struct sl_dbscan_params p = {eps, ms, threads, 0};

		ck_assert_int_eq(sl_dbscan(x, n, d, &p, got, NULL, &nc), 0);
		ck_assert_int_eq(nc, maxl + 1);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(got[i] == want[i], "threads %d: row %zu: %d, brute force %d",
				      threads, i, got[i], want[i]);
		if (threads == 1) {
			memcpy(one, got, n * sizeof(*got));
			nc1 = nc;
		}
		ck_assert_int_eq(nc, nc1);
		ck_assert_mem_eq(got, one, n * sizeof(*got));
	}
	free(x);
	free(want);
	free(got);
	free(one);
	free(core);
}
END_TEST

START_TEST(test_threads_and_errors)
{
	/* enough rows for two threads: the labels do not depend on them */
	size_t n = 30000, d = 3;
	double *x = malloc(n * d * sizeof(double));
	int32_t *a = malloc(n * sizeof(int32_t)), *b = malloc(n * sizeof(int32_t)), na, nb;
	uint8_t *core = malloc(n);
	uint64_t s = 99;
	struct sl_dbscan_params p1 = {0.03, 5, 1, 0}, p2 = {0.03, 5, 2, 0};

	for (size_t i = 0; i < n * d; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (double)(s >> 11) / 9007199254740992.0;
	}
	ck_assert_int_eq(sl_dbscan(x, n, d, &p1, a, core, &na), 0);
	ck_assert_int_eq(sl_dbscan(x, n, d, &p2, b, NULL, &nb), 0);
	ck_assert_int_eq(na, nb);
	ck_assert_int_gt(na, 1);
	ck_assert_mem_eq(a, b, n * sizeof(int32_t));
	for (size_t i = 0; i < n; i++)
		ck_assert(!core[i] || a[i] >= 0);
	/* bad arguments */
	p1.eps = 0;
	ck_assert_int_eq(sl_dbscan(x, n, d, &p1, a, NULL, &na), SL_EINVAL);
	p1.eps = 0.1;
	p1.min_samples = 0;
	ck_assert_int_eq(sl_dbscan(x, n, d, &p1, a, NULL, &na), SL_EINVAL);
	p1.min_samples = 5;
	x[7] = 0.0 / 0.0;
	ck_assert_int_eq(sl_dbscan(x, n, d, &p1, a, NULL, &na), SL_EINVAL);
	ck_assert_int_eq(sl_dbscan(x, 0, d, &p1, a, NULL, &na), 0);
	ck_assert_int_eq(na, 0);
	free(x);
	free(a);
	free(b);
	free(core);
}
END_TEST

/* In place (the caller gives x up): scikit-learn's labels on the
 * fixtures, and the same labels and core points as from a copy on
 * 30,000 random rows, on one thread or two. */
START_TEST(test_in_place)
{
	static const char *const names[] = {"blobs", "border", "duplicates", "single", "nine"};
	size_t n = 30000, d = 3;
	double *x = malloc(n * d * sizeof(double)), *y = malloc(n * d * sizeof(double));
	int32_t *a = malloc(n * sizeof(int32_t)), *b = malloc(n * sizeof(int32_t)), na, nb;
	uint8_t *ca = malloc(n), *cb = malloc(n);
	uint64_t s = 7;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct fixture f;

		load(names[i], &f);
		for (int threads = 1; threads <= 2; threads++) {
			struct sl_dbscan_params p = {f.eps, f.ms, threads, 1};
			double *copy = malloc((f.n * f.d + 1) * sizeof(double));
			int32_t *got = malloc((f.n + 1) * sizeof(int32_t)), nc;

			memcpy(copy, f.x, f.n * f.d * sizeof(double));
			ck_assert_int_eq(sl_dbscan(copy, f.n, f.d, &p, got, NULL, &nc), 0);
			for (size_t r = 0; r < f.n; r++)
				ck_assert_msg(got[r] == f.label[r], "%s: row %zu: label %d, sklearn %d",
					      names[i], r, got[r], f.label[r]);
			free(copy);
			free(got);
		}
		free(f.x);
		free(f.label);
	}
	for (size_t i = 0; i < n * d; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (double)(s >> 11) / 9007199254740992.0;
	}
	for (int threads = 1; threads <= 2; threads++) {
		struct sl_dbscan_params pc = {0.03, 5, threads, 0}, pi = {0.03, 5, threads, 1};

		ck_assert_int_eq(sl_dbscan(x, n, d, &pc, a, ca, &na), 0);
		memcpy(y, x, n * d * sizeof(double));
		ck_assert_int_eq(sl_dbscan(y, n, d, &pi, b, cb, &nb), 0);
		ck_assert_int_gt(na, 1);
		ck_assert_int_eq(na, nb);
		ck_assert_mem_eq(a, b, n * sizeof(int32_t));
		ck_assert_mem_eq(ca, cb, n);
	}
	free(x);
	free(y);
	free(a);
	free(b);
	free(ca);
	free(cb);
}
END_TEST

Suite *suite_dbscan(void);

Suite *suite_dbscan(void)
{
	Suite *s = suite_create("dbscan");
	TCase *tc = tcase_create("dbscan");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sklearn_fixtures);
	tcase_add_test(tc, test_brute_lattice);
	tcase_add_test(tc, test_threads_shared_borders);
	tcase_add_test(tc, test_threads_and_errors);
	tcase_add_test(tc, test_in_place);
	suite_add_tcase(s, tc);
	return s;
}
