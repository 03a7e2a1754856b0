#include "sl_iforest.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sl_err.h"
#include "sl_stats.h"

#define MAX_D 64
#define EULER_GAMMA 0.5772156649015329

struct sl_iforest {
	size_t d;
	int trees;
	int psi, threads;
	double cpsi;
	size_t stride;        /* nodes per tree (2 psi - 1 at most) */
	struct sl_inode *node; /* trees * stride; external nodes carry value */
	double *value;         /* per node: depth + c(size) for external nodes */
	struct step *step;     /* trees * stride: the nodes as scoring walks them */
	int *height;           /* per tree: the depth of its deepest node */
};

/* A node for scoring: an external node sends every row back to itself
 * (nothing is below -infinity), so a walk of the tree's height ends on
 * the row's external node without a test for it, and rows in a block walk
 * level by level, each step without a branch to mispredict. */
struct step {
	double split;
	int32_t feature, next; /* x[feature] < split: the next node, else next */
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* uniform in [0, 1) with 53 random bits */
static double unit(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* uniform in [0, m), m >= 1; the modulo bias is below 2^-40 for m < 2^24 */
static size_t below(uint64_t *s, size_t m)
{
	return (size_t)(splitmix64(s) % (uint64_t)m);
}

double sl_iforest_c(double n)
{
	if (n <= 1)
		return 0;
	if (n <= 2)
		return 1;
	return 2 * (log(n - 1) + EULER_GAMMA) - 2 * (n - 1) / n;
}

double sl_itree_path_length(const struct sl_inode *nodes, const double *x)
{
	size_t i = 0;
	int depth = 0;

	while (nodes[i].feature >= 0) {
		i = x[nodes[i].feature] < nodes[i].split ? i + 1 : (size_t)nodes[i].right;
		depth++;
	}
	return depth + sl_iforest_c(nodes[i].size);
}

struct grow {
	const double *x;
	size_t d;
	uint64_t rng;
	int limit, height;
	struct sl_inode *node;
	double *value;
	size_t nn, cap;
};

/* Grows the subtree over rows idx[0..m) at depth; returns its root. */
static size_t grow(struct grow *g, size_t *idx, size_t m, int depth)
{
	size_t at = g->nn++, nvar = 0, lo;
	double mn[MAX_D], mx[MAX_D];
	int var[MAX_D], q;
	double split;

	if (depth < g->limit && m > 1) {
		for (size_t j = 0; j < g->d; j++)
			mn[j] = mx[j] = g->x[idx[0] * g->d + j];
		for (size_t k = 1; k < m; k++) {
			const double *r = g->x + idx[k] * g->d;

			for (size_t j = 0; j < g->d; j++) {
				if (r[j] < mn[j])
					mn[j] = r[j];
				if (r[j] > mx[j])
					mx[j] = r[j];
			}
		}
		for (size_t j = 0; j < g->d; j++)
			if (mn[j] < mx[j])
				var[nvar++] = (int)j;
	}
	if (depth > g->height)
		g->height = depth;
	if (nvar == 0) {
		g->node[at].feature = -1;
		g->node[at].right = 0;
		g->node[at].size = (uint32_t)m;
		g->node[at].split = 0;
		g->value[at] = depth + sl_iforest_c((double)m);
		return at;
	}
	q = var[below(&g->rng, nvar)];
	/* in (min, max]: the minimum always goes left, the maximum right */
	split = mx[q] - unit(&g->rng) * (mx[q] - mn[q]);
	if (!(split > mn[q]))
		split = mx[q];
	lo = 0;
	for (size_t k = 0; k < m; k++)
		if (g->x[idx[k] * g->d + q] < split) {
			size_t t = idx[lo];

			idx[lo++] = idx[k];
			idx[k] = t;
		}
	g->node[at].feature = q;
	g->node[at].size = (uint32_t)m;
	g->node[at].split = split;
	g->value[at] = 0;
	grow(g, idx, lo, depth + 1);
	g->node[at].right = (int32_t)grow(g, idx + lo, m - lo, depth + 1);
	return at;
}

int sl_iforest_fit(struct sl_iforest **out, const double *x, size_t n, size_t d,
		   const struct sl_iforest_params *p)
{
	struct sl_iforest *f;
	size_t *idx;
	uint64_t base;

	*out = NULL;
	if (!n || !d || d > MAX_D || p->trees < 1 || p->trees > 10000 || p->subsample < 2 ||
	    p->subsample > 65536)
		return SL_EINVAL;
	for (size_t i = 0; i < n * d; i++)
		if (!isfinite(x[i]))
			return SL_EINVAL;
	if (!(f = calloc(1, sizeof(*f))))
		return SL_ENOMEM;
	f->d = d;
	f->trees = p->trees;
	f->psi = (size_t)p->subsample < n ? p->subsample : (int)n;
	f->cpsi = sl_iforest_c(f->psi);
	f->threads = p->threads < 1 ? 1 : p->threads > 16 ? 16 : p->threads;
	f->stride = 2 * (size_t)f->psi - 1;
	f->node = calloc((size_t)f->trees * f->stride, sizeof(*f->node));
	f->value = calloc((size_t)f->trees * f->stride, sizeof(*f->value));
	f->step = calloc((size_t)f->trees * f->stride, sizeof(*f->step));
	f->height = calloc((size_t)f->trees, sizeof(*f->height));
	idx = malloc((size_t)f->psi * sizeof(*idx));
	if (!f->node || !f->value || !f->step || !f->height || !idx) {
		free(idx);
		sl_iforest_free(f);
		return SL_ENOMEM;
	}
	base = p->seed;
	base = splitmix64(&base);
	for (int t = 0; t < f->trees; t++) {
		struct grow g;
		size_t m = 0;

		g.x = x;
		g.d = d;
		g.rng = base ^ (0xD1B54A32D192ED03ULL * (uint64_t)(t + 1));
		g.limit = (int)ceil(log2((double)f->psi));
		g.node = f->node + (size_t)t * f->stride;
		g.value = f->value + (size_t)t * f->stride;
		g.nn = 0;
		g.height = 0;
		/* Floyd: psi distinct rows of n; kept sorted so the draw does
		 * not depend on the order membership is tested in */
		for (size_t j = n - (size_t)f->psi; j < n; j++) {
			size_t r = below(&g.rng, j + 1), k, pos;
			int seen = 0;

			for (k = 0; k < m && idx[k] <= r; k++)
				if (idx[k] == r)
					seen = 1;
			if (seen)
				r = j; /* j is larger than every member */
			for (pos = 0; pos < m && idx[pos] < r; pos++)
				;
			memmove(idx + pos + 1, idx + pos, (m - pos) * sizeof(*idx));
			idx[pos] = r;
			m++;
		}
		grow(&g, idx, m, 0);
		f->height[t] = g.height;
		for (size_t k = 0; k < g.nn; k++) {
			struct step *st = f->step + (size_t)t * f->stride + k;

			if (g.node[k].feature < 0) {
				st->split = -INFINITY;
				st->feature = 0;
				st->next = (int32_t)k;
			} else {
				st->split = g.node[k].split;
				st->feature = g.node[k].feature;
				st->next = g.node[k].right;
			}
		}
	}
	free(idx);
	*out = f;
	return SL_OK;
}

void sl_iforest_free(struct sl_iforest *f)
{
	if (!f)
		return;
	free(f->node);
	free(f->value);
	free(f->step);
	free(f->height);
	free(f);
}

struct job {
	const struct sl_iforest *f;
	const double *x;
	double *score;
	size_t n;
	atomic_size_t next; /* the next block of rows to score */
};

enum { BLOCK = 512 };

/* Rows in blocks, trees outer: each tree stays in cache for a block, and
 * each row still sums its trees in tree order. */
static void *score_range(void *arg)
{
	struct job *j = arg;
	const struct sl_iforest *f = j->f;
	double sum[BLOCK];
	int32_t at[BLOCK];

	/* blocks are taken as threads come free, which balances them
	 * when one is slowed down */
	for (;;) {
		size_t b = atomic_fetch_add(&j->next, 1) * BLOCK, m;
		const double *x;

		if (b >= j->n)
			break;
		m = j->n - b < BLOCK ? j->n - b : BLOCK;
		x = j->x + b * f->d;
		memset(sum, 0, sizeof(sum));
		for (int t = 0; t < f->trees; t++) {
			const struct step *st = f->step + (size_t)t * f->stride;
			const double *val = f->value + (size_t)t * f->stride;

			memset(at, 0, sizeof(at));
			for (int h = 0; h < f->height[t]; h++)
				for (size_t k = 0; k < m; k++) {
					const struct step *s = st + at[k];
					/* all ones to go left: a mask, not a branch */
					int32_t left = -(int32_t)(x[k * f->d + (size_t)s->feature] < s->split);

					at[k] = ((at[k] + 1) & left) | (s->next & ~left);
				}
			for (size_t k = 0; k < m; k++)
				sum[k] += val[at[k]];
		}
		for (size_t k = 0; k < m; k++)
			j->score[b + k] = f->cpsi > 0 ? pow(2, -(sum[k] / f->trees) / f->cpsi) : 1;
	}
	return NULL;
}

int sl_iforest_score(const struct sl_iforest *f, const double *x, size_t n, double *score)
{
	enum { MAXT = 16 };
	struct job job;
	pthread_t th[MAXT];
	int nt = f->threads, started = 0;

	if (n < 4096)
		nt = 1;
	job.f = f;
	job.x = x;
	job.score = score;
	job.n = n;
	atomic_init(&job.next, 0);
	/* the calling thread scores too, and alone if no thread starts */
	for (int t = 1; t < nt; t++) {
		if (pthread_create(&th[t], NULL, score_range, &job))
			break;
		started = t;
	}
	score_range(&job);
	for (int t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
	return SL_OK;
}

size_t sl_iforest_flag(const double *score, size_t n, double contamination, uint8_t *flag,
		       double *threshold)
{
	double *s;
	size_t k, nf = 0;

	*threshold = INFINITY;
	memset(flag, 0, n);
	if (!n || !(contamination > 0))
		return 0;
	k = (size_t)floor(contamination * (double)n + 0.5);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	if (!(s = malloc(n * sizeof(*s))))
		return (size_t)-1;
	memcpy(s, score, n * sizeof(*s));
	*threshold = sl_select_kth(s, n, n - k); /* rank k - 1 from the top */
	free(s);
	for (size_t i = 0; i < n; i++)
		if (score[i] >= *threshold) {
			flag[i] = 1;
			nf++;
		}
	return nf;
}
