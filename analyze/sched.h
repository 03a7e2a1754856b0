/* sched.h - which analysis starts next when they run two at a time: the
 * costliest first, within a memory budget.
 *
 * main.c owns the threads, the tasks and their states; this module only
 * decides, from what each waiting analysis reads of the frame and is
 * estimated to hold beside it, and what the frame and the running ones
 * hold now.  The decision changes when the analyses run, never what they
 * write: each writes its own part, merged in the registry's order. */
#ifndef ANALYZE_SCHED_H
#define ANALYZE_SCHED_H

#include <stddef.h>
#include <stdint.h>

/* A waiting analysis that may start. */
struct sched_item {
	unsigned frame; /* the frame's columns it reads (enum frame_col), 0: none */
	int cost;       /* the larger, the sooner */
	uint64_t mem;   /* bytes it is estimated to hold beside the frame */
};

/* The index in it[0..n) of the analysis to start now, or -1 to wait for
 * one running to end.  used: the bytes held now (the frame's columns, and
 * the estimates of the running analyses, running of them); frame_cols:
 * the frame's columns still held.  Those that fit (used + mem <= budget)
 * may start, the costliest first; but while one does not fit, those that
 * read a column held that the largest of those waiting does not come
 * first, as their end may free it.  With nothing running and nothing
 * fitting, the smallest starts (a run never waits for itself). */
int sched_pick(const struct sched_item *it, size_t n, uint64_t used, uint64_t budget,
	       unsigned frame_cols, size_t running);

/* The budget when none is given: the frame's bytes and a third, at least
 * 1 GiB. */
uint64_t sched_default_budget(uint64_t frame_bytes);

#endif
