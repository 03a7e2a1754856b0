/* analyze/sched: which analysis starts next, by cost within a memory
 * budget; a schedule simulated on two workers never holds more than the
 * budget while two run; and the frame's bytes the budget counts. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "sched.h"

#define MB (1ull << 20)

START_TEST(test_costliest_that_fits)
{
	struct sched_item it[] = {
		{FC_DUR, 3, 100 * MB},
		{FC_DUR, 9, 600 * MB},
		{FC_DUR, 5, 200 * MB},
	};

	/* all fit: the costliest */
	ck_assert_int_eq(sched_pick(it, 3, 0, 1000 * MB, FC_ALL, 0), 1);
	/* the costliest does not fit beside what runs: the next one that does */
	ck_assert_int_eq(sched_pick(it, 3, 500 * MB, 1000 * MB, FC_ALL, 1), 2);
	ck_assert_int_eq(sched_pick(it, 3, 850 * MB, 1000 * MB, FC_ALL, 1), 0);
	/* exactly at the budget fits */
	ck_assert_int_eq(sched_pick(it, 3, 900 * MB, 1000 * MB, FC_ALL, 1), 0);
	/* none fits while one runs: wait */
	ck_assert_int_eq(sched_pick(it, 3, 901 * MB, 1000 * MB, FC_ALL, 1), -1);
	/* none fits and none runs: the smallest, so the run goes on */
	ck_assert_int_eq(sched_pick(it, 3, 2000 * MB, 1000 * MB, FC_ALL, 0), 0);
	ck_assert_int_eq(sched_pick(it, 0, 0, 1000 * MB, FC_ALL, 0), -1);
}
END_TEST

START_TEST(test_frees_room_first)
{
	/* the large one waits for room; of the two that fit, the one reading
	 * a column it does not (the incidents) comes first although cheaper,
	 * as long as that column is still held */
	struct sched_item it[] = {
		{FC_LATENCY | FC_DUR, 30, 900 * MB},
		{FC_LATENCY, 10, 100 * MB},
		{FC_DUR | FC_INCIDENT, 2, 100 * MB},
	};

	ck_assert_int_eq(sched_pick(it, 3, 500 * MB, 1000 * MB, FC_ALL, 0), 2);
	ck_assert_int_eq(sched_pick(it, 3, 500 * MB, 1000 * MB, FC_ALL & ~FC_INCIDENT, 0), 1);
	/* nothing waits for room: the costliest */
	ck_assert_int_eq(sched_pick(it, 3, 0, 1000 * MB, FC_ALL, 0), 0);
}
END_TEST

START_TEST(test_default_budget)
{
	ck_assert_uint_eq(sched_default_budget(0), 1ull << 30);
	ck_assert_uint_eq(sched_default_budget(600 * MB), 1ull << 30);
	ck_assert_uint_eq(sched_default_budget(1536 * MB), 2048 * MB);
	ck_assert_uint_eq(sched_default_budget(3072 * MB), 4096 * MB);
}
END_TEST

/* Two workers over tasks of given length, columns and memory: the frame's
 * columns go when no task not yet done reads them (as main.c drops them).
 * Every start is checked against the budget; returns the tasks started
 * beside another, and fails when a task is never started. */
struct simtask {
	unsigned frame;
	int cost, len;
	uint64_t mem;
	int state; /* 0 waiting, 1 running, 2 done */
	int end;
};

static uint64_t col_bytes(unsigned cols)
{
	uint64_t b = 50 * MB; /* the base */

	for (int c = 0; c < 20; c++)
		if (cols >> c & 1)
			b += 40 * MB;
	return b;
}

static int simulate(struct simtask *t, size_t n, uint64_t budget, int jobs)
{
	int now = 0, paired = 0;
	size_t done = 0;

	while (done < n) {
		unsigned cols = 0;
		uint64_t running_mem = 0;
		size_t running = 0;

		for (size_t i = 0; i < n; i++) {
			if (t[i].state < 2)
				cols |= t[i].frame;
			if (t[i].state == 1) {
				running++;
				running_mem += t[i].mem;
			}
		}
		for (;;) {
			struct sched_item it[16];
			size_t of[16], m = 0;
			uint64_t used = col_bytes(cols) + running_mem;
			int k;

			if ((int)running == jobs)
				break;
			for (size_t i = 0; i < n; i++)
				if (!t[i].state) {
					it[m] = (struct sched_item){t[i].frame, t[i].cost, t[i].mem};
					of[m++] = i;
				}
			if ((k = sched_pick(it, m, used, budget, cols, running)) < 0)
				break;
			/* within the budget, or alone */
			ck_assert(!running || used + it[k].mem <= budget);
			paired += running > 0;
			t[of[k]].state = 1;
			t[of[k]].end = now + t[of[k]].len;
			running++;
			running_mem += it[k].mem;
		}
		ck_assert_uint_gt(running, 0);
		/* the first to end */
		{
			size_t first = n;

			for (size_t i = 0; i < n; i++)
				if (t[i].state == 1 && (first == n || t[i].end < t[first].end))
					first = i;
			now = t[first].end;
			t[first].state = 2;
			done++;
		}
	}
	return paired;
}

START_TEST(test_simulated_schedule)
{
	/* the shape of the registry: a large one reading ten columns, others
	 * reading some of them and columns of their own */
	const unsigned big = (1u << 10) - 1;
	struct simtask base[] = {
		{big, 31, 60, 500 * MB, 0, 0},
		{FC_DUR | (1u << 12) | (1u << 13), 12, 14, 250 * MB, 0, 0},
		{FC_DUR | (1u << 12) | (1u << 13), 13, 11, 200 * MB, 0, 0},
		{(1u << 14) | FC_LATENCY, 9, 14, 40 * MB, 0, 0},
		{(1u << 15) | FC_DUR, 7, 6, 100 * MB, 0, 0},
		{FC_LATENCY, 15, 15, 280 * MB, 0, 0},
		{0, 14, 16, 400 * MB, 0, 0},
		{1u << 16, 1, 2, 20 * MB, 0, 0},
	};
	struct simtask t[8];
	uint64_t budgets[] = {1000 * MB, 1200 * MB, 1500 * MB, 5000 * MB, 1};

	for (size_t b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++)
		for (int jobs = 1; jobs <= 2; jobs++) {
			int paired;

			memcpy(t, base, sizeof(t));
			paired = simulate(t, 8, budgets[b], jobs);
			if (jobs == 1 || budgets[b] == 1)
				ck_assert_int_eq(paired, 0);
			if (jobs == 2 && budgets[b] == 5000 * MB)
				ck_assert_int_gt(paired, 0);
		}
}
END_TEST

START_TEST(test_frame_bytes)
{
	struct frame f;
	size_t cap = 0, row;

	ck_assert_int_eq(frame_begin(&f), 0);
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(frame_append(&f, &cap, &row), 0);
		ck_assert_int_eq(frame_set_id(&f, row, "dep", 3), 0);
	}
	/* a latency is a double a row, the durations too; the validations'
	 * statuses three 32-bit counts */
	ck_assert_uint_eq(frame_bytes(&f, FC_LATENCY), 10 * sizeof(double));
	ck_assert_uint_eq(frame_bytes(&f, FC_LATENCY | FC_DUR), 10 * 16);
	ck_assert_uint_eq(frame_bytes(&f, FC_VAL_STATUS), 10 * 12);
	ck_assert_uint_gt(frame_bytes(&f, FRAME_BASE), 10 * 20);
	ck_assert_uint_eq(frame_bytes(&f, ~0u),
			  frame_bytes(&f, FRAME_BASE) + frame_bytes(&f, FC_ALL));
	frame_drop(&f, FC_LATENCY);
	ck_assert_uint_eq(frame_bytes(&f, FC_LATENCY), 0);
	frame_release(&f);
	ck_assert_uint_eq(frame_bytes(&f, ~0u), 0);
}
END_TEST

Suite *suite_sched(void);

Suite *suite_sched(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_costliest_that_fits);
	tcase_add_test(tc, test_frees_room_first);
	tcase_add_test(tc, test_default_budget);
	tcase_add_test(tc, test_simulated_schedule);
	tcase_add_test(tc, test_frame_bytes);
	suite_add_tcase(s, tc);
	return s;
}
