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
	int32_t up;          /* parent node; -1 for the root */
	uint32_t unlabelled; /* core points below not in a cluster yet */
	int32_t mincl;       /* lowest cluster of a core point below */
	uint8_t dim;         /* split column: rows of the left child have */
	double split;        /* x[dim] <= split, those of the right >= split */
};

struct tree {
	size_t n, d;
	double r2;
	int min_samples;
	double *y;     /* rows in tree order */
	uint32_t *perm; /* tree position -> row */
	struct node *nd;
	double *box; /* per node: d lows then d highs, together in memory */
	size_t nn, cap, boxcap;
	uint8_t *core;  /* tree order */
	int32_t *leaf;  /* tree position -> its leaf */
	uint32_t *stack; /* core points of the growing cluster to expand */
	size_t top;
	int32_t *cl;    /* cluster per tree position */
};

/* The squared distance, summed in column order as scikit-learn's k-d tree
 * does, or some partial sum above r2 once it is clear it will be (the
 * terms are >= 0, so a partial sum only grows). */
static double rdist_to(const double *a, const double *b, size_t d, double r2)
{
	double s = 0;

	for (size_t j = 0; j < d; j++) {
		double t = a[j] - b[j];

		s += t * t;
		if (s > r2)
			break;
	}
	return s;
}

/* Lower and upper bounds of rdist(q, x) over x in node k's box: each term
 * bounds its term of rdist under monotone rounding, summed in the same
 * order. */
static double lower(const struct tree *t, int32_t k, const double *q)
{
	const double *lo = t->box + (size_t)k * 2 * t->d, *hi = lo + t->d;
	double s = 0;

	for (size_t j = 0; j < t->d; j++) {
		double a = lo[j] - q[j], b = q[j] - hi[j];

		if (a > 0)
			s += a * a;
		else if (b > 0)
			s += b * b;
		else
			continue;
		if (s > t->r2)
			return s; /* the terms are >= 0: it only grows */
	}
	return s;
}

static double upper(const struct tree *t, int32_t k, const double *q)
{
	const double *lo = t->box + (size_t)k * 2 * t->d, *hi = lo + t->d;
	double s = 0;

	for (size_t j = 0; j < t->d; j++) {
		double a = fabs(q[j] - lo[j]), b = fabs(q[j] - hi[j]), m = a > b ? a : b;

		s += m * m;
		if (s > t->r2)
			return s;
	}
	return s;
}

static void swap_rows(struct tree *t, size_t a, size_t b)
{
	double tmp[MAX_D], *ra = t->y + a * t->d, *rb = t->y + b * t->d;
	uint32_t p = t->perm[a];

	memcpy(tmp, ra, t->d * sizeof(double));
	memcpy(ra, rb, t->d * sizeof(double));
	memcpy(rb, tmp, t->d * sizeof(double));
	t->perm[a] = t->perm[b];
	t->perm[b] = p;
}

/* Reorders the rows [from, to) of y (and perm with them) so that position
 * m holds the row of rank m by column j (quickselect).  Moving the rows
 * themselves keeps every later pass over a node sequential in memory. */
static void select_nth(struct tree *t, size_t from, size_t to, size_t m, size_t j)
{
	const double *y = t->y;
	size_t d = t->d;

	while (to - from > 1) {
		double pv = y[(from + (to - from) / 2) * d + j];
		size_t i = from, k = to - 1;

		while (i <= k) {
			while (y[i * d + j] < pv)
				i++;
			while (y[k * d + j] > pv)
				k--;
			if (i <= k) {
				swap_rows(t, i, k);
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

static int32_t build(struct tree *t, uint32_t start, uint32_t end)
{
	int32_t k;
	double *lo, *hi, best = 0;
	size_t bj = 0;

	if (sl_grow(&t->nd, &t->cap, t->nn + 1, sizeof(*t->nd)))
		return -1;
	k = (int32_t)t->nn++;
	if (t->boxcap < t->cap) {
		/* the boxes grow with the node array */
		double *nb = realloc(t->box, t->cap * 2 * t->d * sizeof(double));

		if (!nb)
			return -1;
		t->box = nb;
		t->boxcap = t->cap;
	}
	lo = t->box + (size_t)k * 2 * t->d;
	hi = lo + t->d;
	for (size_t j = 0; j < t->d; j++)
		lo[j] = hi[j] = t->y[(size_t)start * t->d + j];
	for (uint32_t i = start + 1; i < end; i++) {
		const double *r = t->y + (size_t)i * t->d;

		for (size_t j = 0; j < t->d; j++) {
			if (r[j] < lo[j])
				lo[j] = r[j];
			if (r[j] > hi[j])
				hi[j] = r[j];
		}
	}
	for (size_t j = 0; j < t->d; j++) {
		double w = hi[j] - lo[j];

		if (w > best) {
			best = w;
			bj = j;
		}
	}
	t->nd[k].start = start;
	t->nd[k].end = end;
	t->nd[k].left = t->nd[k].right = -1;
	t->nd[k].up = -1;
	if (end - start > LEAF && best > 0) {
		uint32_t mid = start + (end - start) / 2;
		int32_t l, r;

		select_nth(t, start, end, mid, bj);
		t->nd[k].dim = (uint8_t)bj;
		t->nd[k].split = t->y[(size_t)mid * t->d + bj];
		if ((l = build(t, start, mid)) < 0 || (r = build(t, mid, end)) < 0)
			return -1;
		t->nd[k].left = l;
		t->nd[k].right = r;
		t->nd[l].up = t->nd[r].up = k;
	} else {
		for (uint32_t i = start; i < end; i++)
			t->leaf[i] = k;
	}
	return k;
}

/* The child on q's side of the split first: neighbours are found sooner,
 * so the early stops come sooner. */
#define NEAR(nd, q) ((q)[(nd)->dim] < (nd)->split ? (nd)->left : (nd)->right)
#define FAR(nd, q) ((q)[(nd)->dim] < (nd)->split ? (nd)->right : (nd)->left)

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
			*c += rdist_to(q, t->y + (size_t)i * t->d, t->d, t->r2) <= t->r2;
		return;
	}
	count_rec(t, NEAR(nd, q), q, need, c);
	count_rec(t, FAR(nd, q), q, need, c);
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
			    rdist_to(q, t->y + (size_t)i * t->d, t->d, t->r2) <= t->r2)
				*best = t->cl[i];
		return;
	}
	border_rec(t, NEAR(nd, q), q, best);
	border_rec(t, FAR(nd, q), q, best);
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

/* Core counts bottom-up. */
static uint32_t count_cores(struct tree *t, int32_t k)
{
	struct node *nd = &t->nd[k];

	if (nd->left >= 0) {
		nd->unlabelled = count_cores(t, nd->left);
		nd->unlabelled += count_cores(t, nd->right);
	} else {
		nd->unlabelled = 0;
		for (uint32_t i = nd->start; i < nd->end; i++)
			nd->unlabelled += t->core[i];
	}
	return nd->unlabelled;
}

/* Puts core point i in cluster c and on the stack. */
static void take(struct tree *t, uint32_t i, int32_t c)
{
	t->cl[i] = c;
	t->stack[t->top++] = i;
	for (int32_t k = t->leaf[i]; k >= 0; k = t->nd[k].up)
		t->nd[k].unlabelled--;
}

/* Phase 2: the unlabelled core points within reach of q join cluster c.
 * A labelled core point next to a core point of c is in c already (else
 * their clusters would be one), so only unlabelled ones are looked for,
 * and subtrees without any are skipped: a region is searched little more
 * than once, as the cluster grows through it (depth first, which keeps
 * the search where the last core points were found).  inside: the whole
 * box is within reach. */
static void expand(struct tree *t, int32_t k, const double *q, int32_t c, int inside)
{
	const struct node *nd = &t->nd[k];

	if (!nd->unlabelled)
		return;
	if (!inside) {
		if (lower(t, k, q) > t->r2)
			return;
		inside = upper(t, k, q) <= t->r2;
	}
	if (nd->left < 0) {
		for (uint32_t j = nd->start; j < nd->end; j++)
			if (t->core[j] && t->cl[j] < 0 &&
			    (inside || rdist_to(q, t->y + (size_t)j * t->d, t->d, t->r2) <= t->r2))
				take(t, j, c);
		return;
	}
	expand(t, NEAR(nd, q), q, c, inside);
	expand(t, FAR(nd, q), q, c, inside);
}

/* Grows cluster c from the core points on the stack. */
static void grow(struct tree *t, int32_t c)
{
	while (t->top) {
		uint32_t i = t->stack[--t->top];

		expand(t, 0, t->y + (size_t)i * t->d, c, 0);
	}
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
	    !(t.core = calloc(n, 1)) || !(t.leaf = malloc(n * sizeof(*t.leaf))) ||
	    !(t.stack = malloc(n * sizeof(*t.stack))) ||
	    !(t.cl = malloc(n * sizeof(*t.cl))) || !(inv = malloc(n * sizeof(*inv))))
		goto out;
	for (size_t i = 0; i < n; i++)
		t.perm[i] = (uint32_t)i;
	memcpy(t.y, x, n * d * sizeof(double));
	if (build(&t, 0, (uint32_t)n) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		inv[t.perm[i]] = (uint32_t)i;
	if ((rc = run_phase(&t, 1, p->threads)))
		goto out;
	/* clusters grown one after another from the unlabelled core point
	 * of lowest row index, as scikit-learn does */
	count_cores(&t, 0);
	for (size_t i = 0; i < n; i++)
		t.cl[i] = -1;
	for (size_t r = 0; r < n; r++) {
		uint32_t k = inv[r];

		if (!t.core[k] || t.cl[k] >= 0)
			continue;
		take(&t, k, next);
		grow(&t, next);
		next++;
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
	free(t.leaf);
	free(t.stack);
	free(t.cl);
	free(t.nd);
	free(t.box);
	free(inv);
	return rc;
}
