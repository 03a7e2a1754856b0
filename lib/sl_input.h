/* sl_input.h - a byte stream from a file or standard input, decompressed
 * when it is gzip (detected by its magic bytes, any number of concatenated
 * members), produced by a reader thread so that inflating overlaps with the
 * caller's parsing on another core.
 *
 * The raw (compressed) bytes are hashed (XXH3-128) on the way, so after the
 * end of the stream sl_input_digest() identifies the input for the store's
 * manifest.  sl_input_digest_file() computes the same digest up front for a
 * regular file. */
#ifndef SL_INPUT_H
#define SL_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sl_err.h"

struct sl_input;

#define SL_DIGEST_HEX 33 /* 32 hex digits + NUL */

/* path "-" is standard input.  Does not read yet. */
int sl_input_open(struct sl_input **in, const char *path, struct sl_errctx *err);
/* Next block of decompressed bytes: returns its length (> 0), 0 at the end,
 * or a negative code (truncated or corrupt gzip, read error) with err
 * naming the file.  *data stays valid until the next call. */
ssize_t sl_input_read(struct sl_input *in, const char **data, struct sl_errctx *err);
/* Stops the reader thread and frees everything.  Accepts NULL. */
void sl_input_close(struct sl_input *in);

int sl_input_is_gzip(const struct sl_input *in);
uint64_t sl_input_raw_bytes(const struct sl_input *in);
/* Hex XXH3-128 of the raw bytes; valid once sl_input_read() returned 0. */
void sl_input_digest(const struct sl_input *in, char hex[SL_DIGEST_HEX]);
/* The same digest for a regular file, read once; SL_EINVAL if path is not
 * a regular file (a pipe cannot be read twice). */
int sl_input_digest_file(const char *path, char hex[SL_DIGEST_HEX], uint64_t *size,
			 struct sl_errctx *err);
/* Which inflater gzip input uses: "isa-l" or "zlib" (SHIPLOG_INFLATE=zlib
 * forces zlib). */
const char *sl_input_inflater(void);

#endif
