/* fuzz_colfile.c - the store file reader (lib/sl_colfile.c) on arbitrary
 * bytes: open (trailer, footer, header), verify every checksum, and read
 * every row group with every column, touching each value.  A file that
 * opens must never make a reader go out of bounds, checksums or not.
 * The first byte is a switch (odd: read with the checksums off, to reach
 * the structure checks behind them); the rest is the file.  A file that
 * opens agrees with itself: its groups' rows add up to its rows, and a
 * group that reads holds the rows the footer gives it (else abort()). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "sl_batch.h"
#include "sl_colfile.h"

static void touch_batch(const struct sl_batch *b)
{
	for (int c = 0; c < b->ncols; c++)
		for (size_t r = 0; r < b->n; r++) {
			size_t n;
			const char *s;

			if (sl_batch_is_null(b, c, r))
				continue;
			if (b->cols[c].type == SL_STR) {
				if ((s = sl_batch_get_str(b, c, r, &n)))
					fuzz_touch(s, n);
			}
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_cfr *r = NULL;
	struct sl_errctx err;
	char path[64];
	int fd;

	if (size < 1 || (fd = fuzz_file(data + 1, size - 1, path)) < 0)
		return 0;
	sl_err_clear(&err);
	sl_cfr_fuzz_skip_crc(data[0] & 1);
	if (sl_cfr_open(&r, path, &err) == 0) {
		struct sl_batch *b = sl_batch_new(sl_cfr_kind(r), 64);
		int64_t lo, hi;
		uint64_t sum = 0;

		for (size_t g = 0; g < sl_cfr_ngroups(r); g++)
			sum += sl_cfr_group_rows(r, g);
		if (sum != sl_cfr_rows(r)) {
			fprintf(stderr, "fuzz_colfile: groups hold %llu rows, the file %llu\n",
				(unsigned long long)sum, (unsigned long long)sl_cfr_rows(r));
			abort();
		}
		(void)sl_cfr_verify(r, &err);
		(void)sl_cfr_time_range(r, &lo, &hi);
		for (size_t g = 0; b && g < sl_cfr_ngroups(r); g++) {
			(void)sl_cfr_group_time_range(r, g, &lo, &hi);
			sl_batch_clear(b);
			if (sl_cfr_read_group(r, g, NULL, b, &err) == 0) {
				if (b->n != sl_cfr_group_rows(r, g)) {
					fprintf(stderr, "fuzz_colfile: group %zu read %zu rows of %zu\n",
						g, b->n, sl_cfr_group_rows(r, g));
					abort();
				}
				touch_batch(b);
			}
		}
		sl_batch_free(b);
		sl_cfr_close(r);
	}
	close(fd);
	return 0;
}
