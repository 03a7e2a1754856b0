#include "sl_dbscan.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_err.h"

#define MAX_D 64
#define LEAF 16
#define NONE INT32_MAX

struct node {
	uint32_t start, end; /* rows [start, end) in tree order */
	int32_t left, right; /* -1 for a leaf */
	uint32_t ncore;      /* core points below */
	uint32_t rep;        /* a core point below (when ncore > 0) */
	int32_t mincl;       /* lowest cluster of a core point below */
	uint8_t tight;       /* every two rows below are neighbours */
};

struct tree {
	size_t n, d;
	double r2;
	int min_samples;
	double *y;     /* rows in tree order */
	uint32_t *perm; /* tree position -> row */
	struct node *nd;
	double *lo, *hi; /* per node, d each */
	size_t nn, cap;
	uint8_t *core;  /* tree order */
	uint32_t *parent; /* union-find over tree positions */
	int32_t *cl;    /* cluster per tree position */
};

static double rdist(const double *a, const double *b, size_t d)
{
	double s = 0;

	for (size_t j = 0; j < d; j++) {
		double t = a[j] - b[j];

		s += t * t;
	}
	return s;
}

/* Lower and upper bounds of rdist(q, x) over x in node k's box: each term
 * bounds its term of rdist under monotone rounding, summed in the same
 * order. */
static double lower(const struct tree *t, int32_t k, const double *q)
{
	const double *lo = t->lo + (size_t)k * t->d, *hi = t->hi + (size_t)k * t->d;
	double s = 0;

	for (size_t j = 0; j < t->d; j++) {
		double a = lo[j] - q[j], b = q[j] - hi[j];

		if (a > 0)
			s += a * a;
		else if (b > 0)
			s += b * b;
	}
	return s;
}

static double upper(const struct tree *t, int32_t k, const double *q)
{
	const double *lo = t->lo + (size_t)k * t->d, *hi = t->hi + (size_t)k * t->d;
	double s = 0;

	for (size_t j = 0; j < t->d; j++) {
		double a = fabs(q[j] - lo[j]), b = fabs(q[j] - hi[j]), m = a > b ? a : b;

		s += m * m;
	}
	return s;
}

/* Reorders perm[from..to) so that position m holds the row of rank m by
 * column j (quickselect). */
static void select_nth(const double *x, size_t d, uint32_t *perm, size_t from, size_t to,
		       size_t m, size_t j)
{
	while (to - from > 1) {
		double pv = x[(size_t)perm[from + (to - from) / 2] * d + j];
		size_t i = from, k = to - 1;

		while (i <= k) {
			while (x[(size_t)perm[i] * d + j] < pv)
				i++;
			while (x[(size_t)perm[k] * d + j] > pv)
				k--;
			if (i <= k) {
				uint32_t tmp = perm[i];

				perm[i] = perm[k];
				perm[k] = tmp;
				i++;
				if (k == 0)
					break;
				k--;
			}
		}
		/* [from, k] <= pv <= [i, to) */
		if (m <= k)
			to = k + 1;
		else if (m >= i)
			from = i;
		else
			return;
	}
}

static int32_t build(struct tree *t, const double *x, uint32_t start, uint32_t end)
{
	int32_t k;
	double *lo, *hi, best = 0, diam = 0;
	size_t bj = 0;

	if (sl_grow(&t->nd, &t->cap, t->nn + 1, sizeof(*t->nd)))
		return -1;
	k = (int32_t)t->nn++;
	{
		/* lo and hi grow with the node array */
		double *nl = realloc(t->lo, t->cap * t->d * sizeof(double));

		if (!nl)
			return -1;
		t->lo = nl;
		nl = realloc(t->hi, t->cap * t->d * sizeof(double));
		if (!nl)
			return -1;
		t->hi = nl;
	}
	lo = t->lo + (size_t)k * t->d;
	hi = t->hi + (size_t)k * t->d;
	for (size_t j = 0; j < t->d; j++)
		lo[j] = hi[j] = x[(size_t)t->perm[start] * t->d + j];
	for (uint32_t i = start + 1; i < end; i++) {
		const double *r = x + (size_t)t->perm[i] * t->d;

		for (size_t j = 0; j < t->d; j++) {
			if (r[j] < lo[j])
				lo[j] = r[j];
			if (r[j] > hi[j])
				hi[j] = r[j];
		}
	}
	for (size_t j = 0; j < t->d; j++) {
		double w = hi[j] - lo[j];

		diam += w * w;
		if (w > best) {
			best = w;
			bj = j;
		}
	}
	t->nd[k].start = start;
	t->nd[k].end = end;
	t->nd[k].left = t->nd[k].right = -1;
	t->nd[k].tight = diam <= t->r2;
	if (end - start > LEAF && best > 0) {
		uint32_t mid = start + (end - start) / 2;
		int32_t l, r;

		select_nth(x, t->d, t->perm, start, end, mid, bj);
		if ((l = build(t, x, start, mid)) < 0 || (r = build(t, x, mid, end)) < 0)
			return -1;
		t->nd[k].left = l;
		t->nd[k].right = r;
	}
	return k;
}

/* Phase 1: neighbours of q, counted up to need. */
static void count_rec(const struct tree *t, int32_t k, const double *q, size_t need, size_t *c)
{
	const struct node *nd = &t->nd[k];

	if (*c >= need || lower(t, k, q) > t->r2)
		return;
	if (upper(t, k, q) <= t->r2) {
		*c += nd->end - nd->start;
		return;
	}
	if (nd->left < 0) {
		for (uint32_t i = nd->start; i < nd->end && *c < need; i++)
			*c += rdist(q, t->y + (size_t)i * t->d, t->d) <= t->r2;
		return;
	}
	count_rec(t, nd->left, q, need, c);
	count_rec(t, nd->right, q, need, c);
}

/* Phase 4: the lowest cluster among q's core neighbours, below *best. */
static void border_rec(const struct tree *t, int32_t k, const double *q, int32_t *best)
{
	const struct node *nd = &t->nd[k];

	if (nd->mincl >= *best || lower(t, k, q) > t->r2)
		return;
	if (upper(t, k, q) <= t->r2) {
		*best = nd->mincl;
		return;
	}
	if (nd->left < 0) {
		for (uint32_t i = nd->start; i < nd->end; i++)
			if (t->core[i] && t->cl[i] < *best &&
			    rdist(q, t->y + (size_t)i * t->d, t->d) <= t->r2)
				*best = t->cl[i];
		return;
	}
	border_rec(t, nd->left, q, best);
	border_rec(t, nd->right, q, best);
}

struct job {
	struct tree *t;
	int phase;
	size_t from, to;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	struct tree *t = j->t;

	for (size_t i = j->from; i < j->to; i++) {
		const double *q = t->y + i * t->d;

		if (j->phase == 1) {
			size_t c = 0;

			count_rec(t, 0, q, (size_t)t->min_samples, &c);
			t->core[i] = c >= (size_t)t->min_samples;
		} else if (!t->core[i]) {
			int32_t best = NONE;

			border_rec(t, 0, q, &best);
			t->cl[i] = best == NONE ? -1 : best;
		}
	}
	return NULL;
}

/* Runs a phase over every tree position on up to nt threads; each position
 * is written by one thread only, so the result does not depend on nt. */
static int run_phase(struct tree *t, int phase, int nt)
{
	enum { MAXT = 16 };
	struct job job[MAXT];
	pthread_t th[MAXT];
	int started = 0, rc = SL_OK;

	if (nt < 1 || t->n < 4096)
		nt = 1;
	if (nt > MAXT)
		nt = MAXT;
	/* interleaved blocks balance dense and sparse regions */
	for (int i = 0; i < nt; i++) {
		job[i].t = t;
		job[i].phase = phase;
	}
	for (size_t b = 0; b < t->n && rc == SL_OK; b += 65536 * (size_t)nt) {
		for (int i = 0; i < nt; i++) {
			size_t from = b + 65536 * (size_t)i, to = from + 65536;

			job[i].from = from < t->n ? from : t->n;
			job[i].to = to < t->n ? to : t->n;
		}
		started = 0;
		for (int i = 1; i < nt; i++) {
			if (pthread_create(&th[i], NULL, run_job, &job[i])) {
				rc = SL_ENOMEM;
				break;
			}
			started = i;
		}
		if (rc == SL_OK)
			run_job(&job[0]);
		for (int i = 1; i <= started; i++)
			pthread_join(th[i], NULL);
	}
	return rc;
}

static uint32_t find(uint32_t *p, uint32_t i)
{
	while (p[i] != i) {
		p[i] = p[p[i]];
		i = p[i];
	}
	return i;
}

static void unite(uint32_t *p, uint32_t a, uint32_t b)
{
	a = find(p, a);
	b = find(p, b);
	if (a != b) {
		if (a < b)
			p[b] = a;
		else
			p[a] = b;
	}
}

/* Core counts and representatives bottom-up; the cores of a tight node
 * are all neighbours of each other, so they form one component at once. */
static void prepare(struct tree *t, int32_t k, int parent_tight)
{
	struct node *nd = &t->nd[k];

	if (nd->left >= 0) {
		prepare(t, nd->left, parent_tight || nd->tight);
		prepare(t, nd->right, parent_tight || nd->tight);
		nd->ncore = t->nd[nd->left].ncore + t->nd[nd->right].ncore;
		nd->rep = t->nd[nd->left].ncore ? t->nd[nd->left].rep : t->nd[nd->right].rep;
	} else {
		nd->ncore = 0;
		for (uint32_t i = nd->start; i < nd->end; i++)
			if (t->core[i] && !nd->ncore++)
				nd->rep = i;
	}
	if (nd->tight && !parent_tight && nd->ncore)
		for (uint32_t i = nd->start; i < nd->end; i++)
			if (t->core[i])
				unite(t->parent, nd->rep, i);
}

/* Phase 2: joins core point i with the core points within reach. */
static void join_rec(struct tree *t, int32_t k, uint32_t i, const double *q)
{
	const struct node *nd = &t->nd[k];

	if (!nd->ncore)
		return;
	if (nd->tight && find(t->parent, nd->rep) == find(t->parent, i))
		return;
	if (lower(t, k, q) > t->r2)
		return;
	if (nd->tight && upper(t, k, q) <= t->r2) {
		unite(t->parent, i, nd->rep);
		return;
	}
	if (nd->left < 0) {
		for (uint32_t j = nd->start; j < nd->end; j++)
			if (t->core[j] && rdist(q, t->y + (size_t)j * t->d, t->d) <= t->r2)
				unite(t->parent, i, j);
		return;
	}
	join_rec(t, nd->left, i, q);
	join_rec(t, nd->right, i, q);
}

static int32_t set_mincl(struct tree *t, int32_t k)
{
	struct node *nd = &t->nd[k];

	if (nd->left >= 0) {
		int32_t a = set_mincl(t, nd->left), b = set_mincl(t, nd->right);

		nd->mincl = a < b ? a : b;
	} else {
		nd->mincl = NONE;
		for (uint32_t i = nd->start; i < nd->end; i++)
			if (t->core[i] && t->cl[i] < nd->mincl)
				nd->mincl = t->cl[i];
	}
	return nd->mincl;
}

int sl_dbscan(const double *x, size_t n, size_t d, const struct sl_dbscan_params *p,
	      int32_t *label, uint8_t *core, int32_t *nclusters)
{
	struct tree t;
	uint32_t *inv = NULL;
	int32_t next = 0;
	int rc = SL_ENOMEM;

	*nclusters = 0;
	if (!d || d > MAX_D || n > INT32_MAX - 1 || !(p->eps > 0) || !isfinite(p->eps) ||
	    p->min_samples < 1)
		return SL_EINVAL;
	for (size_t i = 0; i < n * d; i++)
		if (!isfinite(x[i]))
			return SL_EINVAL;
	if (!n)
		return SL_OK;
	memset(&t, 0, sizeof(t));
	t.n = n;
	t.d = d;
	t.r2 = p->eps * p->eps;
	t.min_samples = p->min_samples;
	if (!(t.perm = malloc(n * sizeof(*t.perm))) || !(t.y = malloc(n * d * sizeof(*t.y))) ||
	    !(t.core = calloc(n, 1)) || !(t.parent = malloc(n * sizeof(*t.parent))) ||
	    !(t.cl = malloc(n * sizeof(*t.cl))) || !(inv = malloc(n * sizeof(*inv))))
		goto out;
	for (size_t i = 0; i < n; i++)
		t.perm[i] = (uint32_t)i;
	if (build(&t, x, 0, (uint32_t)n) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		memcpy(t.y + i * d, x + (size_t)t.perm[i] * d, d * sizeof(double));
		inv[t.perm[i]] = (uint32_t)i;
		t.parent[i] = (uint32_t)i;
	}
	if ((rc = run_phase(&t, 1, p->threads)))
		goto out;
	prepare(&t, 0, 0);
	for (size_t i = 0; i < n; i++)
		if (t.core[i])
			join_rec(&t, 0, (uint32_t)i, t.y + i * d);
	/* clusters numbered by their lowest row index */
	for (size_t i = 0; i < n; i++)
		t.cl[i] = -1;
	for (size_t r = 0; r < n; r++) {
		uint32_t k = inv[r], root;

		if (!t.core[k])
			continue;
		root = find(t.parent, k);
		if (t.cl[root] < 0)
			t.cl[root] = next++;
		t.cl[k] = t.cl[root];
	}
	set_mincl(&t, 0);
	if ((rc = run_phase(&t, 4, p->threads)))
		goto out;
	for (size_t r = 0; r < n; r++) {
		label[r] = t.cl[inv[r]];
		if (core)
			core[r] = t.core[inv[r]];
	}
	*nclusters = next;
	rc = SL_OK;
out:
	free(t.perm);
	free(t.y);
	free(t.core);
	free(t.parent);
	free(t.cl);
	free(t.nd);
	free(t.lo);
	free(t.hi);
	free(inv);
	return rc;
}
