#include "sl_u64map.h"
#include "sl_err.h"

#include <stdlib.h>
#include <sys/mman.h>

/* Fibonacci hashing: the slot comes from the high bits of key * 2^64/phi,
 * so keys that differ only in their high bits still spread. */
static inline size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - __builtin_ctzll(cap)));
}

uint32_t *sl_u64map_get(const struct sl_u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		struct sl_u64slot *s = &m->slots[i];

		if (!s->used)
			return NULL;
		if (s->key == key)
			return &s->val;
	}
}

/* Tables of 2 MB and more come straight from mmap, zeroed, and ask for
 * huge pages: a lookup in a table of millions of keys then misses the TLB
 * far less often (status updates of 10M deployments spend most of their
 * time there). */
#define BIG_TABLE (2u << 20)

static struct sl_u64slot *slots_alloc(size_t cap)
{
	size_t bytes = cap * sizeof(struct sl_u64slot);
	void *p;

	if (bytes < BIG_TABLE)
		return calloc(cap, sizeof(struct sl_u64slot));
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint; fine without */
	return p;
}

static void slots_free(struct sl_u64slot *slots, size_t cap)
{
	if (!slots)
		return;
	if (cap * sizeof(struct sl_u64slot) < BIG_TABLE)
		free(slots);
	else
		munmap(slots, cap * sizeof(struct sl_u64slot));
}

static int resize(struct sl_u64map *m, size_t cap)
{
	struct sl_u64slot *slots = slots_alloc(cap);

	if (!slots)
		return SL_ENOMEM;
	for (size_t j = 0; j < m->cap; j++) {
		size_t i;

		if (!m->slots[j].used)
			continue;
		for (i = slot_of(m->slots[j].key, cap); slots[i].used; i = (i + 1) & (cap - 1))
			;
		slots[i] = m->slots[j];
	}
	slots_free(m->slots, m->cap);
	m->slots = slots;
	m->cap = cap;
	return SL_OK;
}

static int grow(struct sl_u64map *m)
{
	return resize(m, m->cap ? m->cap * 2 : 1024);
}

int sl_u64map_reserve(struct sl_u64map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 1024;

	while (n * 4 > cap * 3)
		cap *= 2;
	return cap == m->cap ? SL_OK : resize(m, cap);
}

int sl_u64map_put(struct sl_u64map *m, uint64_t key, uint32_t **val, int *added)
{
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3 && grow(m))
		return SL_ENOMEM;
	for (i = slot_of(key, m->cap); m->slots[i].used; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key) {
			*val = &m->slots[i].val;
			*added = 0;
			return SL_OK;
		}
	}
	m->slots[i].used = 1;
	m->slots[i].key = key;
	m->slots[i].val = 0;
	m->n++;
	*val = &m->slots[i].val;
	*added = 1;
	return SL_OK;
}

void sl_u64map_prefetch(const struct sl_u64map *m, uint64_t key)
{
	if (m->cap)
		__builtin_prefetch(&m->slots[slot_of(key, m->cap)], 1);
}

void sl_u64map_release(struct sl_u64map *m)
{
	slots_free(m->slots, m->cap);
	m->slots = NULL;
	m->n = m->cap = 0;
}

size_t sl_u64map_bytes(const struct sl_u64map *m)
{
	return m->cap * sizeof(struct sl_u64slot);
}
