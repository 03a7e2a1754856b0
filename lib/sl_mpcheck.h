/* sl_mpcheck.h - a bounds check of msgpack bytes before they are unpacked.
 *
 * msgpack-c's unpacker allocates a container's elements from the count in
 * its header before it reads them, so a file that declares an array of
 * 2^32 elements in a few bytes makes it allocate gigabytes.  Every store
 * and analysis file reader runs this check first: it walks the encoding
 * (no allocation, no recursion) and accepts only when each declared
 * element could still be present in the remaining bytes. */
#ifndef SL_MPCHECK_H
#define SL_MPCHECK_H

#include <stddef.h>

/* Checks the one msgpack object at p (within n bytes).  Returns its
 * encoded length, or 0 when it is cut short, uses the reserved byte 0xc1,
 * or declares more elements than the remaining bytes could hold. */
size_t sl_mp_check(const void *p, size_t n);

#endif
