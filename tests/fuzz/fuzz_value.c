/* fuzz_value.c - the value parsers (lib/sl_value.c) on
 * arbitrary text: times, numbers, booleans, days, nulls and UTF-8 repair.
 * Besides not crashing, what is parsed must format and parse back. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sl_buf.h"
#include "sl_value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int64_t ms, i, day;
	double d;
	bool b;
	struct sl_buf out = {0};
	char buf[64];

	/* years 0002-9998, whatever the zone: formats as it reads */
	if (sl_parse_time(s, size, &ms) == 0 && ms > -62104060800000LL &&
	    ms < 253370678400000LL) {
		int64_t back;

		sl_format_time(ms, buf);
		if (sl_parse_time(buf, strlen(buf), &back) || back != ms)
			abort(); /* a stored time must read back as itself */
	}
	(void)sl_parse_i64(s, size, &i);
	(void)sl_parse_f64(s, size, &d);
	(void)sl_parse_bool(s, size, &b);
	(void)sl_value_is_null(s, size);
	if (sl_parse_day(s, size, &day) == 0) {
		int64_t back;

		sl_format_day(day, buf);
		if (sl_parse_day(buf, strlen(buf), &back) || back != day)
			abort();
	}
	if (sl_utf8_sanitize(s, size, &out) >= 0 && !sl_utf8_valid(out.data, out.len))
		abort(); /* repaired text is valid UTF-8 */
	sl_buf_release(&out);
	return 0;
}
