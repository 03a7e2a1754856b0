/* fuzz.h - what every harness shares.  A harness is one file
 * tests/fuzz/fuzz_NAME.c defining LLVMFuzzerTestOneInput(); it is linked
 * with libFuzzer by `make fuzz` (clang) and with replay.c by `make check`,
 * which runs it over the regression corpus tests/fuzz/corpus/NAME/. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file: a memfd holding the bytes, named by a
 * /proc/self/fd path written to path (64 bytes).  Returns the descriptor
 * (close it when done) or -1. */
int fuzz_file(const uint8_t *data, size_t size, char path[64]);

/* Reads every byte of [p, p + n) so the sanitizers see an overrun. */
void fuzz_touch(const void *p, size_t n);

#endif
