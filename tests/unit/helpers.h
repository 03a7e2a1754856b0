/* helpers.h - what several unit suites need of an analysis file: an
 * analysis written to a temporary file and read back as the report reads
 * it, or its bytes.  The temporary file is gone when these return; a
 * failure fails the calling test (Check's assertions). */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <stddef.h>

#include "sl_anread.h"
#include "sl_result.h"

/* a written, then opened (the open file reads through its descriptor);
 * the caller frees the result with sl_anfile_close(). */
struct sl_anfile *as_file(struct sl_analysis *a);
/* The file's bytes of a (*n of them, NUL-terminated); the caller frees. */
char *analysis_bytes(struct sl_analysis *a, size_t *n);

#endif
