/* sl_dict.h - string interning: maps byte strings to dense uint32 codes.
 *
 * Codes are assigned in first-insertion order (0, 1, 2, ...), so the same
 * sequence of insertions always gives the same codes.  The dictionary owns
 * copies of its strings in one block that moves as it grows: a pointer
 * from sl_dict_get() stays valid until the next sl_dict_intern() (or
 * clear, or free); a code until sl_dict_clear() or sl_dict_free(). */
#ifndef SL_DICT_H
#define SL_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "sl_hash.h"

struct sl_dict;

struct sl_dict *sl_dict_new(void);
void sl_dict_free(struct sl_dict *d);
void sl_dict_clear(struct sl_dict *d);

/* Interns s[0..n); stores its code in *code.  0 or SL_ENOMEM. */
int sl_dict_intern(struct sl_dict *d, const char *s, size_t n, uint32_t *code);
/* The same, with h = sl_hash(s, n) already known (another thread's work). */
int sl_dict_intern_hashed(struct sl_dict *d, const char *s, size_t n, uint64_t h,
			  uint32_t *code);
/* Returns the string for code (not NUL-terminated; length in *n). */
const char *sl_dict_get(const struct sl_dict *d, uint32_t code, size_t *n);
/* sl_hash() of the string for code (0 for an unknown code). */
uint64_t sl_dict_hash(const struct sl_dict *d, uint32_t code);
uint32_t sl_dict_count(const struct sl_dict *d);
/* Bytes held (strings + table), for memory budgets. */
size_t sl_dict_bytes(const struct sl_dict *d);


#endif
