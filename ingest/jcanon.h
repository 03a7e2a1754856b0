/* jcanon.h - the stored form of a metadata object without building it.
 *
 * The store keeps a metadata object as jansson writes it with JSON_COMPACT
 * | JSON_SORT_KEYS.  For the common flat object - string keys without
 * escapes, values that are strings, integers, true, false or null - that
 * text can be made from the input by dropping whitespace and sorting the
 * members, which costs a fraction of jansson's parse and dump.  Anything
 * else is left to jansson; tests/unit/test_jcanon.c checks that whatever
 * this path takes, it writes exactly what jansson writes. */
#ifndef JCANON_H
#define JCANON_H

#include <stddef.h>

/* At most this many members: a larger object goes to jansson. */
#define JCANON_MAX_MEMBERS 64

/* s[0, n) as the stored form of a non-empty flat object, into out (room
 * for n bytes; its length in *outn): 1.  0 when the text is anything else
 * (valid or not), for jansson to deal with; out is then undefined. */
int jcanon_object(const char *s, size_t n, char *out, size_t *outn);

#endif
