#include "sl_dbscan.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_err.h"

#define MAX_D 64
/* Leaves of 16 to 32 rows: the nodes and their boxes (120 bytes a node for
 * 9 columns, two nodes a leaf) cost 8 to 15 bytes a row, half of what
 * leaves of at most 16 rows cost, at about the same speed. */
#define LEAF 32
#define NONE INT32_MAX
#define NOCORE UINT32_MAX
#define MIXED (UINT32_MAX - 1)
#define CHUNK 4096

struct node {
	uint32_t start, end; /* rows [start, end) in tree order */
	int32_t left, right; /* -1 for a leaf */
	int32_t up;          /* parent node; -1 for the root */
	uint32_t unlabelled; /* core points below not in a component yet */
	int32_t mincl;       /* lowest cluster of a core point below */
	int32_t lastsub;     /* the last part at or below this node */
	uint32_t uni;        /* the one part-local component of the core
			      * points below, or NOCORE or MIXED */
	uint8_t done;        /* leaf: expanded as a whole (phase 2) */
	uint8_t dim;         /* split column: rows of the left child have */
	double split;        /* x[dim] <= split, those of the right >= split */
};

struct tree {
	size_t n, d;
	double r2;
	int min_samples;
	double *y;     /* rows in tree order: the caller's x, or a copy */
	uint32_t *perm; /* tree position -> row, while the tree is built */
	struct node *nd;
	float *box;  /* per node: d lows then d highs, together in memory,
		      * rounded outwards (see box_down()) */
	size_t nn;   /* slots of nd and box: max_nodes(n) */
	/* max_nodes() of the sizes of the tree's nodes, found once before
	 * the tree is built: at most two sizes at each depth */
	size_t memo[2][128];
	int nmemo;
	uint8_t *core;  /* tree order */
	uint32_t *stack; /* core points of growing components to expand */
	int32_t *cl;    /* component, then cluster, per tree position */
	_Atomic uint32_t *parent; /* union-find over components */
	/* perm, stack and parent are one array, each in its phase */
	int32_t *part;  /* the parts: subtrees, left to right */
	int32_t nparts;
	atomic_size_t next; /* the next piece of work of a phase */
	int phase;
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

/* A node's box is kept in floats, its lows rounded down and its highs up:
 * it still holds the node's rows, in half the memory of doubles.  The
 * bounds below take the box's values as they are (a float converts to a
 * double exactly), and a wider box only makes a lower bound lower and an
 * upper bound higher, so they are a little looser, never wrong. */
static float box_down(double v)
{
	float f;

	if (v > FLT_MAX)
		return FLT_MAX;
	if (v < -FLT_MAX)
		return -INFINITY;
	f = (float)v;
	return (double)f > v ? nextafterf(f, -INFINITY) : f;
}

static float box_up(double v)
{
	float f;

	if (v > FLT_MAX)
		return INFINITY;
	if (v < -FLT_MAX)
		return -FLT_MAX;
	f = (float)v;
	return (double)f < v ? nextafterf(f, INFINITY) : f;
}

/* One column's term of a squared gap: a and b are the two differences
 * across it, at most one of them > 0. */
#define GAP_TERM(s, a, b)                                  \
	do {                                               \
		if ((a) > 0)                               \
			(s) += (a) * (a);                  \
		else if ((b) > 0)                          \
			(s) += (b) * (b);                  \
	} while (0)

/* The squared gap between the boxes [alo, ahi] and [blo, bhi], summed per
 * column in column order (or some partial sum above r2): a lower bound of
 * rdist between any points of the two, since each gap bounds its term
 * under monotone rounding. */
static inline double gap2(const float *alo, const float *ahi, const float *blo,
			  const float *bhi, size_t d, double r2)
{
	double s = 0;

	for (size_t j = 0; j < d; j++) {
		double a = (double)alo[j] - bhi[j], b = (double)blo[j] - ahi[j];

		GAP_TERM(s, a, b);
		if (s > r2)
			return s; /* the terms are >= 0: it only grows */
	}
	return s;
}

/* Lower and upper bounds of rdist(q, x) over x in node k's box: each term
 * bounds its term of rdist under monotone rounding, summed in the same
 * order. */
static double lower(const struct tree *t, int32_t k, const double *q)
{
	const float *lo = t->box + (size_t)k * 2 * t->d, *hi = lo + t->d;
	double s = 0;

	for (size_t j = 0; j < t->d; j++) {
		double a = lo[j] - q[j], b = q[j] - hi[j];

		GAP_TERM(s, a, b);
		if (s > t->r2)
			return s;
	}
	return s;
}

static double upper(const struct tree *t, int32_t k, const double *q)
{
	const float *lo = t->box + (size_t)k * 2 * t->d, *hi = lo + t->d;
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

/* A node for rows [start, end) with its box; its split column in *bj when
 * it is to be split, else MAX_D (a leaf). */
static void new_node(struct tree *t, int32_t k, uint32_t start, uint32_t end, size_t *bj)
{
	double lo[MAX_D], hi[MAX_D], best = 0;
	float *box;

	box = t->box + (size_t)k * 2 * t->d;
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
	*bj = MAX_D;
	for (size_t j = 0; j < t->d; j++) {
		double w = hi[j] - lo[j];

		box[j] = box_down(lo[j]);
		box[t->d + j] = box_up(hi[j]);

		if (w > best) {
			best = w;
			*bj = j;
		}
	}
	t->nd[k].start = start;
	t->nd[k].end = end;
	t->nd[k].left = t->nd[k].right = -1;
	t->nd[k].up = -1;
	t->nd[k].done = 0;
	if (end - start > LEAF && *bj < MAX_D) {
		uint32_t mid = start + (end - start) / 2;

		select_nth(t, start, end, mid, *bj);
		t->nd[k].dim = (uint8_t)*bj;
		t->nd[k].split = t->y[(size_t)mid * t->d + *bj];
	} else {
		*bj = MAX_D;
	}
}

/* The leaf of tree position i: the leaves hold the positions in order, so
 * a walk down by position finds it, in place of an array of n leaves. */
static int32_t leaf_of(const struct tree *t, uint32_t i)
{
	int32_t k = 0;

	while (t->nd[k].left >= 0)
		k = i < t->nd[t->nd[k].left].end ? t->nd[k].left : t->nd[k].right;
	return k;
}

/* The most nodes a tree of n rows can have: every node of more than LEAF
 * rows split in two halves.  A node whose rows are all one point is not
 * split, and leaves the slots of its subtree unused.  The first call
 * (before any thread starts) remembers every size below; later ones only
 * read. */
static size_t max_nodes(struct tree *t, size_t n, int remember)
{
	size_t c;

	for (int i = 0; i < t->nmemo; i++)
		if (t->memo[0][i] == n)
			return t->memo[1][i];
	c = n > LEAF ? 1 + max_nodes(t, n / 2, remember) + max_nodes(t, n - n / 2, remember) : 1;
	if (remember && t->nmemo < 128) {
		t->memo[0][t->nmemo] = n;
		t->memo[1][t->nmemo++] = c;
	}
	return c;
}

/* The subtree of rows [start, end) at node k, in preorder in the slots
 * from k on: the left child at k + 1, the right one after the slots of
 * the left half, so that every node's place is known before it is built
 * and the arrays are allocated once, for max_nodes(n). */
static void build(struct tree *t, int32_t k, uint32_t start, uint32_t end)
{
	size_t bj;
	uint32_t mid = start + (end - start) / 2;
	int32_t l = k + 1, r = l + (int32_t)max_nodes(t, mid - start, 0);

	new_node(t, k, start, end, &bj);
	if (bj == MAX_D)
		return;
	build(t, l, start, mid);
	build(t, r, mid, end);
	t->nd[k].left = l;
	t->nd[k].right = r;
	t->nd[l].up = t->nd[r].up = k;
}

/* One half of the tree below the root. */
struct half {
	struct tree *t;
	int32_t k;
	uint32_t start, end;
};

static void *build_half(void *arg)
{
	struct half *h = arg;

	build(h->t, h->k, h->start, h->end);
	return NULL;
}

/* The tree of every row.  On more than one thread the halves below the
 * root are built at once: their rows are apart in y and perm, and their
 * nodes in nd and box. */
static int build_tree(struct tree *t, int nt)
{
	struct half h[2];
	pthread_t th;
	size_t bj;
	uint32_t mid = (uint32_t)(t->n / 2);
	int started;

	t->nmemo = 0;
	t->nn = max_nodes(t, t->n, 1);
	if (!(t->nd = malloc(t->nn * sizeof(*t->nd))) ||
	    !(t->box = malloc(t->nn * 2 * t->d * sizeof(*t->box))))
		return -1;
	new_node(t, 0, 0, (uint32_t)t->n, &bj);
	if (bj == MAX_D)
		return 0;
	h[0] = (struct half){t, 1, 0, mid};
	h[1] = (struct half){t, 1 + (int32_t)max_nodes(t, mid, 0), mid, (uint32_t)t->n};
	started = nt > 1 && !pthread_create(&th, NULL, build_half, &h[1]);
	build_half(&h[0]);
	if (started)
		pthread_join(th, NULL);
	else
		build_half(&h[1]);
	t->nd[0].left = h[0].k;
	t->nd[0].right = h[1].k;
	t->nd[h[0].k].up = t->nd[h[1].k].up = 0;
	return 0;
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

/* Whether row i has need neighbours: its own leaf first, then the other
 * child of each node up from it, which covers the tree once; in dense
 * regions the leaf alone is often enough. */
static int count_up(const struct tree *t, uint32_t i, int32_t k, size_t need)
{
	const double *q = t->y + (size_t)i * t->d;
	size_t c = 0;

	for (uint32_t j = t->nd[k].start; j < t->nd[k].end && c < need; j++)
		c += rdist_to(q, t->y + (size_t)j * t->d, t->d, t->r2) <= t->r2;
	for (int32_t up = t->nd[k].up; up >= 0 && c < need; k = up, up = t->nd[k].up)
		count_rec(t, t->nd[up].left == k ? t->nd[up].right : t->nd[up].left, q, need, &c);
	return c >= need;
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

/* Union-find over component ids (tree positions of their first core
 * point).  A root is only ever linked below a lower id, and path halving
 * only moves a pointer to a lower ancestor, so parent[i] <= i always: no
 * cycles, whatever the threads' interleaving.  Sets only merge, so two ids
 * seen with one root are in one set for good; a stale read can only make
 * a find longer or a test say "not yet joined" once too often. */
static uint32_t uf_find(_Atomic uint32_t *par, uint32_t a)
{
	for (;;) {
		uint32_t p = atomic_load_explicit(&par[a], memory_order_relaxed), g;

		if (p == a)
			return a;
		g = atomic_load_explicit(&par[p], memory_order_relaxed);
		if (g != p)
			atomic_compare_exchange_weak_explicit(&par[a], &p, g, memory_order_relaxed,
							      memory_order_relaxed);
		a = g;
	}
}

static void uf_unite(_Atomic uint32_t *par, uint32_t a, uint32_t b)
{
	for (;;) {
		uint32_t lo, hi;

		a = uf_find(par, a);
		b = uf_find(par, b);
		if (a == b)
			return;
		lo = a < b ? a : b;
		hi = a < b ? b : a;
		if (atomic_compare_exchange_strong_explicit(&par[hi], &hi, lo, memory_order_relaxed,
							    memory_order_relaxed))
			return;
	}
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

/* The subtree of one part of the work of component growth: a thread grows
 * the components of the core points of its part on their own, with a
 * stack in the part's slice of t->stack and the unlabelled counts of the
 * nodes from the part's root down, which no other thread touches. */
struct part {
	struct tree *t;
	int32_t root;
	uint32_t *stack;
	size_t top;
};

/* Puts core point i of leaf k in component c and on the stack. */
static void take(struct part *w, uint32_t i, int32_t k, int32_t c)
{
	struct tree *t = w->t;

	t->cl[i] = c;
	w->stack[w->top++] = i;
	for (;; k = t->nd[k].up) {
		t->nd[k].unlabelled--;
		if (k == w->root)
			break;
	}
}

/* The unlabelled core points of the part within reach of q join component
 * c.  A labelled core point of the part next to a core point of c is in c
 * already (else their components would be one), so only unlabelled ones
 * are looked for, and subtrees without any are skipped: a region is
 * searched little more than once, as the component grows through it
 * (depth first, which keeps the search where the last core points were
 * found).  inside: the whole box is within reach. */
static void expand(struct part *w, int32_t k, const double *q, int32_t c, int inside)
{
	struct tree *t = w->t;
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
				take(w, j, k, c);
		return;
	}
	expand(w, NEAR(nd, q), q, c, inside);
	expand(w, FAR(nd, q), q, c, inside);
}

/* A lower bound of rdist(a, b) over a in node k's box and b in node m's:
 * per column the gap between the boxes, which bounds the difference of
 * any two values across them under monotone rounding, summed in column
 * order. */
static double lower2(const struct tree *t, int32_t k, int32_t m)
{
	const float *klo = t->box + (size_t)k * 2 * t->d;
	const float *mlo = t->box + (size_t)m * 2 * t->d;

	return gap2(klo, klo + t->d, mlo, mlo + t->d, t->d, t->r2);
}

/* An upper bound of rdist(a, b) over a in node k's box and b in node
 * m's, the same way. */
static double upper2(const struct tree *t, int32_t k, int32_t m)
{
	const float *klo = t->box + (size_t)k * 2 * t->d, *khi = klo + t->d;
	const float *mlo = t->box + (size_t)m * 2 * t->d, *mhi = mlo + t->d;
	double s = 0;

	for (size_t j = 0; j < t->d; j++) {
		double a = (double)mhi[j] - klo[j], b = (double)khi[j] - mlo[j], w = a > b ? a : b;

		s += w * w;
		if (s > t->r2)
			return s;
	}
	return s;
}

/* expand() for every core point of leaf l at once, when they are all in
 * component c: the unlabelled core points of the part within reach of
 * any of them join c.  In dense regions this is one search for a leaf
 * instead of one for each of its rows. */
static void expand_leaf(struct part *w, int32_t k, int32_t l, int32_t c, int inside)
{
	struct tree *t = w->t;
	const struct node *nd = &t->nd[k], *ld = &t->nd[l];

	if (!nd->unlabelled)
		return;
	if (!inside) {
		if (lower2(t, l, k) > t->r2)
			return;
		inside = upper2(t, l, k) <= t->r2;
	}
	if (nd->left >= 0) {
		expand_leaf(w, nd->left, l, c, inside);
		expand_leaf(w, nd->right, l, c, inside);
		return;
	}
	for (uint32_t j = nd->start; j < nd->end; j++) {
		const double *p = t->y + (size_t)j * t->d;

		if (!t->core[j] || t->cl[j] >= 0)
			continue;
		if (inside) {
			take(w, j, k, c);
			continue;
		}
		if (lower(t, l, p) > t->r2)
			continue;
		for (uint32_t i = ld->start; i < ld->end; i++)
			if (t->core[i] &&
			    rdist_to(t->y + (size_t)i * t->d, p, t->d, t->r2) <= t->r2) {
				take(w, j, k, c);
				break;
			}
	}
}

/* Phase 2: the components of the part's core points under the neighbour
 * relation restricted to the part, each named by its first position. */
static void grow_part(struct tree *t, int32_t root)
{
	const struct node *nd = &t->nd[root];
	struct part w = {t, root, t->stack + nd->start, 0};
	int32_t k = -1;

	for (uint32_t i = nd->start; i < nd->end; i++) {
		if (!t->core[i] || t->cl[i] >= 0)
			continue;
		if (k < 0 || i >= t->nd[k].end)
			k = leaf_of(t, i);
		take(&w, i, k, (int32_t)i);
		while (w.top) {
			uint32_t j = w.stack[--w.top], m;
			int32_t l = leaf_of(t, j);
			const struct node *ld = &t->nd[l];

			if (ld->done)
				continue;
			for (m = ld->start; m < ld->end; m++)
				if (t->core[m] && t->cl[m] != (int32_t)i)
					break;
			if (m < ld->end) {
				expand(&w, root, t->y + (size_t)j * t->d, (int32_t)i, 0);
				continue;
			}
			t->nd[l].done = 1;
			expand_leaf(&w, root, l, (int32_t)i, 0);
		}
	}
}

/* Joins the components of core points in [i0, i1) and [j0, j1) (at most
 * LEAF each) that are neighbours.  Pairs whose components are joined
 * already are skipped: the roots of both sides are kept, and refreshed
 * after a join. */
static void cross_block(struct tree *t, uint32_t i0, uint32_t i1, uint32_t j0, uint32_t j1)
{
	uint32_t ri[LEAF], rj[LEAF];

	for (uint32_t i = i0; i < i1; i++)
		ri[i - i0] = t->core[i] ? uf_find(t->parent, (uint32_t)t->cl[i]) : NOCORE;
	for (uint32_t j = j0; j < j1; j++)
		rj[j - j0] = t->core[j] ? uf_find(t->parent, (uint32_t)t->cl[j]) : MIXED;
	for (uint32_t i = i0; i < i1; i++) {
		const double *q = t->y + (size_t)i * t->d;

		if (ri[i - i0] == NOCORE)
			continue;
		for (uint32_t j = j0; j < j1; j++) {
			if (rj[j - j0] == ri[i - i0] || rj[j - j0] == MIXED ||
			    rdist_to(q, t->y + (size_t)j * t->d, t->d, t->r2) > t->r2)
				continue;
			uf_unite(t->parent, ri[i - i0], rj[j - j0]);
			for (uint32_t u = i0; u < i1; u++)
				if (t->core[u])
					ri[u - i0] = uf_find(t->parent, (uint32_t)t->cl[u]);
			for (uint32_t u = j0; u < j1; u++)
				if (t->core[u])
					rj[u - j0] = uf_find(t->parent, (uint32_t)t->cl[u]);
		}
	}
}

/* Phase 3: the core points of node a (in part s) and their core
 * neighbours in node k, in parts after s, join components: a dual-tree
 * walk from a part and the root.  Every core-core pair across parts is
 * looked at from the earlier part, and a pair of subtrees is skipped when
 * all their core points are of one component already. */
static void cross_rec(struct tree *t, int32_t a, int32_t k, int32_t s)
{
	const struct node *nd = &t->nd[k], *ad = &t->nd[a];

	if (nd->lastsub <= s || nd->uni == NOCORE || ad->uni == NOCORE)
		return;
	if (nd->uni != MIXED && ad->uni != MIXED &&
	    uf_find(t->parent, nd->uni) == uf_find(t->parent, ad->uni))
		return;
	if (lower2(t, a, k) > t->r2)
		return;
	/* the larger node is split */
	if (nd->left >= 0 && (ad->left < 0 || nd->end - nd->start >= ad->end - ad->start)) {
		cross_rec(t, a, nd->left, s);
		cross_rec(t, a, nd->right, s);
		return;
	}
	if (ad->left >= 0) {
		cross_rec(t, ad->left, k, s);
		cross_rec(t, ad->right, k, s);
		return;
	}
	/* a leaf of identical rows can be longer than LEAF */
	for (uint32_t i = ad->start; i < ad->end; i += LEAF)
		for (uint32_t j = nd->start; j < nd->end; j += LEAF)
			cross_block(t, i, i + LEAF < ad->end ? i + LEAF : ad->end, j,
				    j + LEAF < nd->end ? j + LEAF : nd->end);
}

/* Cuts the tree into parts of at most size rows (whole subtrees, numbered
 * left to right) and sets lastsub; returns the last part below k. */
static int32_t set_parts(struct tree *t, int32_t k, size_t size, int32_t part)
{
	struct node *nd = &t->nd[k];

	/* part: the part k is in, or -1 above the cut */
	if (part < 0 && (nd->end - nd->start <= size || nd->left < 0)) {
		part = t->nparts++;
		t->part[part] = k;
	}
	if (part >= 0) {
		if (nd->left >= 0) {
			set_parts(t, nd->left, size, part);
			set_parts(t, nd->right, size, part);
		}
		return nd->lastsub = part;
	}
	set_parts(t, nd->left, size, -1);
	return nd->lastsub = set_parts(t, nd->right, size, -1);
}

static uint32_t set_uni(struct tree *t, int32_t k)
{
	struct node *nd = &t->nd[k];

	if (nd->left >= 0) {
		uint32_t a = set_uni(t, nd->left), b = set_uni(t, nd->right);

		nd->uni = a == NOCORE ? b : b == NOCORE || a == b ? a : MIXED;
	} else {
		nd->uni = NOCORE;
		for (uint32_t i = nd->start; i < nd->end; i++)
			if (t->core[i])
				nd->uni = nd->uni == NOCORE || nd->uni == (uint32_t)t->cl[i] ?
						  (uint32_t)t->cl[i] :
						  MIXED;
	}
	return nd->uni;
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

/* Takes pieces of the current phase's work until none is left: chunks of
 * tree positions, or parts.  Every result written is a function of its
 * piece alone (phases 1, 2, 4) or of the whole set of pieces (the
 * union-find of phase 3), never of which thread did what, or when. */
static void *worker(void *arg)
{
	struct tree *t = arg;
	size_t pieces = t->phase == 2 || t->phase == 3 ? (size_t)t->nparts :
							  (t->n + CHUNK - 1) / CHUNK;

	for (;;) {
		size_t b = atomic_fetch_add(&t->next, 1), from = b * CHUNK, to = from + CHUNK;

		if (b >= pieces)
			break;
		if (t->phase == 2) {
			grow_part(t, t->part[b]);
			continue;
		}
		if (t->phase == 3) {
			cross_rec(t, t->part[b], 0, (int32_t)b);
			continue;
		}
		if (to > t->n)
			to = t->n;
		for (size_t i = from, k = SIZE_MAX; i < to; i++) {
			const double *q = t->y + i * t->d;

			if (t->phase == 1) {
				/* the rows of a leaf are one run of positions */
				if (k == SIZE_MAX || i >= t->nd[k].end)
					k = (size_t)leaf_of(t, (uint32_t)i);
				t->core[i] = count_up(t, (uint32_t)i, (int32_t)k,
						      (size_t)t->min_samples);
			} else if (!t->core[i]) {
				int32_t best = NONE;

				border_rec(t, 0, q, &best);
				t->cl[i] = best == NONE ? -1 : best;
			}
		}
	}
	return NULL;
}

/* Runs a phase on up to nt threads (fewer if some cannot be started: the
 * calling thread works too, and finishes the phase alone if need be). */
static void run_phase(struct tree *t, int phase, int nt)
{
	enum { MAXT = 16 };
	pthread_t th[MAXT];
	int started = 0;

	if (nt > MAXT)
		nt = MAXT;
	t->phase = phase;
	atomic_store(&t->next, 0);
	for (int i = 1; i < nt; i++) {
		if (pthread_create(&th[i], NULL, worker, t))
			break;
		started = i;
	}
	worker(t);
	for (int i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
}

int sl_dbscan(const double *x, size_t n, size_t d, const struct sl_dbscan_params *p,
	      int32_t *label, uint8_t *core, int32_t *nclusters)
{
	struct tree t;
	uint32_t *buf = NULL, *num;
	int32_t next = 0;
	int nt = p->threads > 1 ? p->threads : 1;
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
	/* in place, the caller has given x up (sl_dbscan.h): not const */
	t.y = p->in_place ? (double *)x : malloc(n * d * sizeof(*t.y));
	if (!t.y || !(buf = malloc(n * sizeof(*buf))) || !(t.core = calloc(n, 1)) ||
	    !(t.cl = malloc(n * sizeof(*t.cl))))
		goto out;
	t.perm = buf;
	for (size_t i = 0; i < n; i++)
		t.perm[i] = (uint32_t)i;
	if (!p->in_place)
		memcpy(t.y, x, n * d * sizeof(double));
	if (build_tree(&t, nt) < 0 || !(t.part = malloc(t.nn * sizeof(*t.part))))
		goto out;
	/* label holds each row's tree position until the end: the inverse
	 * of perm, whose array is then the stack's */
	for (size_t i = 0; i < n; i++)
		label[t.perm[i]] = (int32_t)i;
	t.perm = NULL;
	t.stack = buf;
	run_phase(&t, 1, nt);
	/* On one thread the whole tree is one part and nothing is left to
	 * join.  On more, the parts (how many depends on n only) grow their
	 * components at once, and the core-core pairs across parts join
	 * them: the components are the same sets either way. */
	set_parts(&t, 0, nt > 1 ? (n / 16 > 4 * LEAF ? n / 16 : 4 * LEAF) : n, -1);
	count_cores(&t, 0);
	for (size_t i = 0; i < n; i++)
		t.cl[i] = -1;
	run_phase(&t, 2, nt);
	/* the stack is empty: its array becomes the union-find's */
	t.stack = NULL;
	t.parent = (_Atomic uint32_t *)buf;
	for (size_t i = 0; i < n; i++)
		atomic_init(&t.parent[i], (uint32_t)i);
	if (t.nparts > 1) {
		set_uni(&t, 0);
		run_phase(&t, 3, nt);
	}
	/* each core point's component as its root, then the array is the
	 * clusters' numbers by root: in the order of their lowest row index,
	 * as scikit-learn grows them from core points in row order */
	for (size_t k = 0; k < n; k++)
		if (t.core[k])
			t.cl[k] = (int32_t)uf_find(t.parent, (uint32_t)t.cl[k]);
	t.parent = NULL;
	num = buf;
	for (size_t i = 0; i < n; i++)
		num[i] = NOCORE;
	for (size_t r = 0; r < n; r++) {
		uint32_t k = (uint32_t)label[r], root;

		if (!t.core[k])
			continue;
		root = (uint32_t)t.cl[k];
		if (num[root] == NOCORE)
			num[root] = (uint32_t)next++;
		t.cl[k] = (int32_t)num[root];
	}
	set_mincl(&t, 0);
	run_phase(&t, 4, nt);
	for (size_t r = 0; r < n; r++) {
		uint32_t k = (uint32_t)label[r];

		if (core)
			core[r] = t.core[k];
		label[r] = t.cl[k];
	}
	*nclusters = next;
	rc = SL_OK;
out:
	if (!p->in_place)
		free(t.y);
	free(buf);
	free(t.core);
	free(t.cl);
	free(t.part);
	free(t.nd);
	free(t.box);
	return rc;
}
