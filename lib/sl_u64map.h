/* sl_u64map.h - open-addressing hash map from a uint64 key (usually a
 * sl_hash() of a string key) to a uint32 value.  Keys are spread by
 * Fibonacci hashing, so structured keys are fine too.  Grows at 75% load. */
#ifndef SL_U64MAP_H
#define SL_U64MAP_H

#include <stddef.h>
#include <stdint.h>

/* A slot holds its key and value together: one cache line visited per
 * probe on a map much larger than the cache. */
struct sl_u64slot {
	uint64_t key;
	uint32_t val;
	uint32_t used;
};

struct sl_u64map {
	struct sl_u64slot *slots;
	size_t n, cap; /* cap: power of two or 0 */
};

#define SL_U64MAP_INIT {NULL, 0, 0}

/* Pointer to the value of key, or NULL. Valid until the next insert. */
uint32_t *sl_u64map_get(const struct sl_u64map *m, uint64_t key);
/* Inserts key (value untouched if present) and returns a pointer to its
 * value in *val; *added tells whether it is new.  0 or SL_ENOMEM. */
int sl_u64map_put(struct sl_u64map *m, uint64_t key, uint32_t **val, int *added);
/* Makes room for n keys in all without growing.  Call it before inserting
 * many keys in the order of another map's slots: into a small table that
 * grows, such keys all start from the same few slots. */
int sl_u64map_reserve(struct sl_u64map *m, size_t n);
/* Starts loading the slot where key would be (a hint for a map much
 * larger than the cache, given well before the get or put). */
void sl_u64map_prefetch(const struct sl_u64map *m, uint64_t key);
void sl_u64map_release(struct sl_u64map *m);
size_t sl_u64map_bytes(const struct sl_u64map *m);

#endif
