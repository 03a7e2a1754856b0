/* helpers.h - what several unit suites share: an analysis written to a
 * temporary file and read back as the report reads it, or its bytes (the
 * temporary file is gone when these return), and the analyses' default
 * parameters.  A failure fails the calling test (Check's assertions). */
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

struct analyze_params;
/* Every row (no window bounds), the default configuration, UTC. */
void default_params(struct analyze_params *p);

#endif
