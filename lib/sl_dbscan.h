/* sl_dbscan.h - DBSCAN over a row-major n x d matrix of doubles, with the
 * labels of scikit-learn's DBSCAN(eps, min_samples) on the same rows.
 *
 * q is a neighbour of p when sum_j (p_j - q_j)^2, summed in column order in
 * doubles, is <= eps * eps (what scikit-learn's k-d tree compares; p is its
 * own neighbour).  A core point has at least min_samples neighbours.
 * Clusters are the connected components of core points under the
 * neighbour relation, numbered 0, 1, ... in the order of their lowest row
 * index; a non-core point with core neighbours joins the lowest-numbered
 * of their clusters (scikit-learn grows clusters one after another from
 * core points in row order, and a border point keeps the first label it
 * gets); every other point is noise, -1.
 *
 * A k-d tree over the rows replaces the neighbour lists: core points are
 * counted with an early stop at min_samples, components are joined with a
 * union-find, and whole tree nodes are taken at once when their bounding
 * box decides the comparison (box bounds are computed with the same
 * monotone operations as the distance, so they never disagree with it).
 * On more than one thread, core points are counted in chunks, and the
 * tree is cut into parts of about n/16 rows whose components grow at once;
 * the core-core pairs across parts then join them in a lock-free
 * union-find (a dual-tree walk that skips pairs of subtrees joined
 * already), and clusters are numbered afterwards by their lowest row.
 * Components are sets, whatever order they were joined in, so the labels
 * are the same on any number of threads.  Memory is linear in n: besides
 * x (or its copy) and label (which holds each row's tree position while
 * it runs), 9 bytes a row and the tree's nodes, two for each leaf of 16
 * to 32 rows (48 bytes each, and a box of 2 d floats). */
#ifndef SL_DBSCAN_H
#define SL_DBSCAN_H

#include <stddef.h>
#include <stdint.h>

struct sl_dbscan_params {
	double eps;      /* > 0 */
	int min_samples; /* >= 1, counting the point itself */
	int threads;     /* 0 or 1 = the calling thread only; at most 16 */
	/* Nonzero: the caller gives x up, and its rows are moved into the
	 * tree's order where they are (x's contents are then unspecified;
	 * x must not point to const memory) instead of into a copy: n x d
	 * doubles less.  The labels are the same either way. */
	int in_place;
};

/* Writes label[i] for each of the n rows (1 <= d <= 64, finite values) and
 * sets *nclusters.  core may be NULL, else core[i] is 1 for core points.
 * 0, SL_EINVAL or SL_ENOMEM. */
int sl_dbscan(const double *x, size_t n, size_t d, const struct sl_dbscan_params *p,
	      int32_t *label, uint8_t *core, int32_t *nclusters);

#endif
