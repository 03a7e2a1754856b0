/* report/out.c and report/svg.c: escaping, numbers, nice ticks, and charts
 * that stay well formed on hostile labels and empty data. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "out.h"
#include "svg.h"

static const char *text(struct out *o)
{
	ck_assert_int_eq(o->err, 0);
	return o->b.data ? o->b.data : "";
}

START_TEST(test_escape)
{
	struct out o = {SL_BUF_INIT, 0};

	out_esc(&o, "<script>&\"'\n", 100);
	ck_assert_str_eq(text(&o), "&lt;script&gt;&amp;&quot;&#39; ");
	out_release(&o);
	/* cut to 3 bytes inside "é" (2 bytes at 2..3): stops before it */
	out_esc(&o, "abécd", 3);
	ck_assert_str_eq(text(&o), "ab\xe2\x80\xa6");
	out_release(&o);
	out_esc(&o, "abc", 3);
	ck_assert_str_eq(text(&o), "abc");
	out_release(&o);
}
END_TEST

/* Every control character is a space, the first printable one is itself. */
START_TEST(test_escape_controls)
{
	struct out o = {SL_BUF_INIT, 0};

	out_esc(&o, "a\x01" "b\x1f" "c\x7f" "d e~", 100);
	ck_assert_str_eq(text(&o), "a b c d e~");
	out_release(&o);
}
END_TEST

/* Each unit of out_duration just below, at and above its bound: a unit
 * holds values below its bound, so the bound itself is the next unit. */
START_TEST(test_duration_bounds)
{
	static const struct {
		double ms;
		const char *want;
	} c[] = {
		{999, "999 ms"}, {1000, "1.0 s"}, {1001, "1.0 s"},
		{119000, "119.0 s"}, {120000, "2.0 min"}, {121000, "2.0 min"},
		{119 * 60000.0, "119.0 min"}, {120 * 60000.0, "2.0 h"},
		{24 * 3600000.0, "24.0 h"}, {47 * 3600000.0, "47.0 h"},
		{48 * 3600000.0, "2.0 d"}, {49 * 3600000.0, "2.0 d"},
		{-999, "-999 ms"}, {-1000, "-1.0 s"},
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct out o = {SL_BUF_INIT, 0};

		out_duration(&o, c[i].ms);
		ck_assert_msg(!strcmp(text(&o), c[i].want), "%.0f ms: '%s', want '%s'", c[i].ms,
			      text(&o), c[i].want);
		out_release(&o);
	}
}
END_TEST

START_TEST(test_numbers)
{
	struct out o = {SL_BUF_INIT, 0};

	out_num(&o, 1234567, 3);
	out_puts(&o, " ");
	out_num(&o, -42, 3);
	out_puts(&o, " ");
	out_num(&o, 0.123456, 3);
	out_puts(&o, " ");
	out_num(&o, NAN, 3);
	out_puts(&o, " ");
	out_num(&o, 123, 3);
	ck_assert_str_eq(text(&o), "1,234,567 \xe2\x88\x92" "42 0.123 \xe2\x80\x93 123");
	out_release(&o);
	out_duration(&o, 850);
	out_puts(&o, ",");
	out_duration(&o, 42000);
	out_puts(&o, ",");
	out_duration(&o, 750000);
	out_puts(&o, ",");
	out_duration(&o, 3 * 86400000.0);
	ck_assert_str_eq(text(&o), "850 ms,42.0 s,12.5 min,3.0 d");
	out_release(&o);
}
END_TEST

START_TEST(test_ticks)
{
	double lo, hi, step;

	svg_nice_ticks(0, 97, 6, &lo, &hi, &step);
	ck_assert(lo == 0 && hi == 100 && step == 20);
	svg_nice_ticks(0, 0.93, 6, &lo, &hi, &step);
	ck_assert(lo == 0 && fabs(hi - 1) < 1e-12 && fabs(step - 0.2) < 1e-12);
	svg_nice_ticks(-3.2, 7.9, 6, &lo, &hi, &step);
	ck_assert(lo == -5 && hi == 10 && step == 5);
	/* one value: an axis from zero to it */
	svg_nice_ticks(5, 5, 6, &lo, &hi, &step);
	ck_assert(lo == 0 && hi >= 5 && step > 0);
	svg_nice_ticks(0, 0, 6, &lo, &hi, &step);
	ck_assert(lo == 0 && hi == 1);
	svg_nice_ticks(NAN, NAN, 6, &lo, &hi, &step);
	ck_assert(lo == 0 && hi == 1);
}
END_TEST

static int count(const char *h, const char *what)
{
	int n = 0;

	for (const char *p = h; (p = strstr(p, what)); p++)
		n++;
	return n;
}

START_TEST(test_charts)
{
	struct out o = {SL_BUF_INIT, 0};
	double v[3] = {1, NAN, 3}, x[3] = {20000, 20001, 20002};
	const char *labels[3] = {"<b>", "a&b", "\"q\""};
	struct svg_series s[1] = {{"<i>n</i>", v, NULL}};
	struct svg_chart c = {"t<", "x&", "y\"", 0, 0, 0, 0};
	const char *h;

	svg_bars(&o, &c, labels, 3, s, 1, 0);
	h = text(&o);
	ck_assert_ptr_null(strstr(h, "<b>"));
	ck_assert_ptr_null(strstr(h, "<i>"));
	ck_assert_ptr_nonnull(strstr(h, "&lt;b&gt;"));
	ck_assert_ptr_nonnull(strstr(h, "<figcaption>t&lt;</figcaption>"));
	ck_assert_ptr_null(strstr(h, "nan"));
	/* two bars (the NaN one is left out) and the legend's swatch */
	ck_assert_int_eq(count(h, "<rect"), 3);
	out_release(&o);
	c.xdays = 1;
	svg_line(&o, &c, x, 3, s, 1);
	h = text(&o);
	ck_assert_ptr_nonnull(strstr(h, ">2024-10-04<")); /* day 20000 */
	ck_assert_int_eq(strstr(h, "<polyline") != NULL, 1);
	out_release(&o);
	/* nothing to draw is said, not drawn */
	v[0] = v[2] = NAN;
	svg_line(&o, &c, x, 3, s, 1);
	ck_assert_ptr_nonnull(strstr(text(&o), "no values"));
	out_release(&o);
	svg_scatter(&o, &c, v, v, 3, 1);
	ck_assert_ptr_nonnull(strstr(text(&o), "no values"));
	out_release(&o);
}
END_TEST

START_TEST(test_heatmap)
{
	struct out o = {SL_BUF_INIT, 0};
	const char *rows[2] = {"Mon", "Tue"}, *cols[2] = {"0", "1"};
	double v[4] = {0, 10, 5, 0};
	struct svg_chart c = {"h", "hour", "deployments", 0, 0, 0, 0};
	const char *h;

	svg_heatmap(&o, &c, rows, 2, cols, 2, v);
	h = text(&o);
	/* the largest cell is the darkest shade, zero is white-ish */
	ck_assert_ptr_nonnull(strstr(h, "fill=\"#08306b\""));
	ck_assert_ptr_nonnull(strstr(h, "fill=\"#f7fbff\""));
	ck_assert_ptr_nonnull(strstr(h, ">10</text>"));
	out_release(&o);
}
END_TEST

START_TEST(test_hbars_ref)
{
	struct out o = {SL_BUF_INIT, 0};
	double v[3] = {2, NAN, 8}, m[3] = {4, 5, NAN}, x[3] = {0, 1, 2};
	double a[3] = {0.2, 0.5, NAN}, b[3] = {0.1, 0.9, 1};
	unsigned char hi[3] = {1, 0, 0};
	const char *labels[3] = {"<script>s</script>", "a&b", "\"q\""};
	const char *ticks[3] = {"1 h", "<6 h>", "24 h"};
	static const char *const names[3] = {"off path", "<b>on</b> path", "p95"};
	struct svg_series s[2] = {{"<i>v1</i>", a, NULL}, {"v2", b, NULL}};
	struct svg_chart c = {"t<", "minutes", NULL, 0, 0, 0, 0};
	const char *h;

	svg_hbars(&o, &c, labels, 3, v, m, hi, names);
	h = text(&o);
	ck_assert_ptr_null(strstr(h, "<script"));
	ck_assert_ptr_null(strstr(h, "<b>"));
	ck_assert_ptr_nonnull(strstr(h, "&lt;script&gt;s&lt;/script&gt;"));
	ck_assert_ptr_null(strstr(h, "nan"));
	/* two bars (one NaN), two p95 ticks (one NaN), three legend swatches;
	 * the highlighted bar blue, the other grey, its label bold */
	ck_assert_int_eq(count(h, "<rect"), 5);
	ck_assert_int_eq(count(h, "stroke-width=\"3\"/>"), 2);
	/* each bar labelled with its value and its mark's */
	ck_assert_ptr_nonnull(strstr(h, ">p50 2, p95 4<"));
	ck_assert_ptr_nonnull(strstr(h, ">8<")); /* no mark: the value alone */
	ck_assert_int_eq(count(h, "fill=\"#4477aa\""), 2);
	ck_assert_int_eq(count(h, "font-weight=\"bold\""), 1);
	/* rows grow the height: 34 + 50 + 3 × 22 */
	ck_assert_ptr_nonnull(strstr(h, "viewBox=\"0 0 600 150\""));
	out_release(&o);
	v[0] = v[2] = m[0] = m[1] = NAN;
	svg_hbars(&o, &c, labels, 3, v, m, hi, names);
	ck_assert_ptr_nonnull(strstr(text(&o), "no values"));
	out_release(&o);
	/* a line with the 80% line and checkpoint ticks, shares as percent */
	c.percent = 1;
	svg_line_ref(&o, &c, x, ticks, 3, s, 2, 0.8, "80% <target>");
	h = text(&o);
	ck_assert_ptr_nonnull(strstr(h, "stroke-dasharray=\"6 4\""));
	ck_assert_ptr_nonnull(strstr(h, ">80% &lt;target&gt;<"));
	ck_assert_ptr_nonnull(strstr(h, ">&lt;6 h&gt;<"));
	ck_assert_ptr_nonnull(strstr(h, ">100%<"));
	ck_assert_ptr_null(strstr(h, "<i>"));
	ck_assert_int_eq(count(h, "<polyline"), 2);
	out_release(&o);
	/* a reference outside the values still shows: the axis reaches it */
	a[0] = a[1] = b[0] = b[1] = b[2] = 0.1;
	svg_line_ref(&o, &c, x, NULL, 3, s, 2, 0.8, "target");
	ck_assert_ptr_nonnull(strstr(text(&o), ">target<"));
	out_release(&o);
}
END_TEST

Suite *suite_svg(void);

Suite *suite_svg(void)
{
	Suite *s = suite_create("svg");
	TCase *tc = tcase_create("svg");

	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_escape_controls);
	tcase_add_test(tc, test_duration_bounds);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_ticks);
	tcase_add_test(tc, test_charts);
	tcase_add_test(tc, test_heatmap);
	tcase_add_test(tc, test_hbars_ref);
	suite_add_tcase(s, tc);
	return s;
}
