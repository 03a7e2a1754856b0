/* sl_iforest.h - isolation forest (Liu, Ting & Zhou 2008) over a row-major
 * n x d matrix of doubles.
 *
 * Each tree is grown on a subsample of psi = min(subsample, n) rows drawn
 * without replacement (Floyd's algorithm) from its own seeded stream
 * (splitmix64 of the seed and the tree index).  A node picks an attribute
 * uniformly among those not constant over its rows (a node where every
 * attribute is constant is external), and a split uniformly in (min, max];
 * rows below the split go left.  Growth stops at one row or at the height
 * limit ceil(log2 psi).  The path length of x in a tree is the depth of the
 * external node it reaches plus c(size) of that node; the score is
 * 2^(-E[h(x)] / c(psi)), E over the trees in tree order, so scores depend
 * only on the data, the parameters and the seed, never on the threads. */
#ifndef SL_IFOREST_H
#define SL_IFOREST_H

#include <stddef.h>
#include <stdint.h>

struct sl_iforest_params {
	int trees;     /* 1..10000; 100 in the paper */
	int subsample; /* psi, 2..65536; 256 in the paper */
	uint64_t seed;
	int threads; /* for scoring; 0 or 1 = the calling thread only */
};

/* One node of a tree, in preorder: the left child is the next node.
 * Hand-built trees (tests) use the same layout. */
struct sl_inode {
	int32_t feature; /* -1: external node */
	int32_t right;   /* index of the right child */
	uint32_t size;   /* rows that reached an external node */
	double split;    /* x[feature] < split goes left */
};

struct sl_iforest;

/* c(n): the average path length of an unsuccessful search in a binary
 * search tree of n keys, 2 H(n-1) - 2 (n-1)/n with H(i) = ln i + Euler's
 * constant; c(n) = 0 for n <= 1 and c(2) = 1 (as scikit-learn). */
double sl_iforest_c(double n);

/* Path length of x through a tree of nodes (root at 0): edges to the
 * external node plus c(size) there. */
double sl_itree_path_length(const struct sl_inode *nodes, const double *x);

/* Grows the forest on x (n >= 1 rows, 1 <= d <= 64 columns, finite values).
 * The caller frees *out with sl_iforest_free().  0, SL_EINVAL or
 * SL_ENOMEM. */
int sl_iforest_fit(struct sl_iforest **out, const double *x, size_t n, size_t d,
		   const struct sl_iforest_params *p);
void sl_iforest_free(struct sl_iforest *f);

/* Writes the anomaly score of each of the n rows of x (d columns, as fit)
 * to score[i], in (0, 1]; higher is more anomalous.  0 (when threads
 * cannot start, the calling thread scores every row). */
int sl_iforest_score(const struct sl_iforest *f, const double *x, size_t n, double *score);

/* Flags the top share: k = floor(contamination * n + 0.5), at least 1 when
 * n > 0 and contamination > 0; the threshold is the k-th highest score and
 * every row scoring at least it is flagged (so tied rows are treated alike
 * and a tie at the threshold can flag more than k).  Returns the number
 * flagged; *threshold is the threshold (+infinity when none).
 * SL_ENOMEM as (size_t)-1. */
size_t sl_iforest_flag(const double *score, size_t n, double contamination, uint8_t *flag,
		       double *threshold);

#endif
