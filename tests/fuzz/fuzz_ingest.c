/* fuzz_ingest.c - the format readers and the row mapper on arbitrary
 * input: ingest/csvsrc.c (libcsv in its thread) or ingest/jsonsrc.c
 * (jansson), then ingest/rowmap.c into a partition set of a scratch
 * store.  The first byte picks the reader (bit 7: JSON Lines) and the
 * kind (the rest mod 11: 0 = detect from the header, else kind - 1); the
 * rest is the file, plain or gzip.  Every record, reject and stored value
 * is read back in full, so an overrun shows under the sanitizers; the row
 * mapper's counts must match its answers (glue.c). */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "glue.h"
#include "sl_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_sink sink = {.kind = SL_KIND_NONE, .is_csv = 1};
	struct src_ops ops;
	struct sl_input *in = NULL;
	struct sl_errctx err;
	const char *first;
	char path[64];
	ssize_t n;
	int fd;

	if (size < 1)
		return 0;
	sink.is_csv = !(data[0] & 0x80);
	if ((data[0] & 0x7f) % 11)
		sink.kind = (enum sl_kind)((data[0] & 0x7f) % 11 - 1);
	if ((fd = fuzz_file(data + 1, size - 1, path)) < 0)
		return 0;
	sl_err_clear(&err);
	if (!fuzz_sink_open(&sink, &ops) && !sl_input_open(&in, path, &err) &&
	    (n = sl_input_read(in, &first, &err)) > 0) {
		if (sink.is_csv)
			(void)csvsrc_run(in, "fuzz", first, (size_t)n, &ops, &err);
		else
			(void)jsonsrc_run(in, "fuzz", first, (size_t)n, &ops, &err);
	}
	fuzz_touch(err.msg, strlen(err.msg));
	sl_input_close(in);
	fuzz_sink_close(&sink);
	close(fd);
	return 0;
}
