#include "sched.h"

int sched_pick(const struct sched_item *it, size_t n, uint64_t used, uint64_t budget,
	       unsigned frame_cols, size_t running)
{
	long best = -1, big = -1, small = -1;
	int best_frees = 0;

	for (size_t i = 0; i < n; i++) {
		if (small < 0 || it[i].mem < it[small].mem)
			small = (long)i;
		if (used + it[i].mem > budget && (big < 0 || it[i].mem > it[big].mem))
			big = (long)i;
	}
	for (size_t i = 0; i < n; i++) {
		int frees;

		if (used + it[i].mem > budget)
			continue;
		/* a column only it (of these two) reads goes when the others
		 * reading it are done too: freeing the largest's room */
		frees = big >= 0 && (it[i].frame & ~it[big].frame & frame_cols) != 0;
		if (best < 0 || frees > best_frees ||
		    (frees == best_frees && it[i].cost > it[best].cost)) {
			best = (long)i;
			best_frees = frees;
		}
	}
	if (best < 0 && !running)
		best = small;
	return (int)best;
}

uint64_t sched_default_budget(uint64_t frame_bytes)
{
	/* the features, the largest, hold about a third of the frame beside
	 * the two thirds of it they read: with this, the others wait rather
	 * than run beside them; the floor keeps small windows (up to about
	 * three million deployments) two at a time as before */
	uint64_t b = frame_bytes / 3 * 4;

	return b > (1ull << 30) ? b : 1ull << 30;
}
