/* sl_outfile: a regular file is replaced by a rename; a device, a FIFO or a
 * name under /dev/ is written through, and stays what it was. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_outfile.h"

static char dir[] = "/tmp/sl-outfile-XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
}

static void teardown(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

static void put(int fd, const char *s)
{
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	ck_assert_int_eq(close(fd), 0);
}

START_TEST(test_regular)
{
	char path[128], tmp[256], got[16] = {0};
	struct stat sb;
	int fd;

	snprintf(path, sizeof(path), "%s/out", dir);
	put(open(path, O_WRONLY | O_CREAT, 0644), "old");
	ck_assert_int_eq(sl_outfile_special(path), 0);
	ck_assert_int_ge(fd = sl_outfile_temp(path, 0, tmp, sizeof(tmp)), 0);
	ck_assert(!strncmp(tmp, path, strlen(path))); /* beside it: one file system */
	put(fd, "new");
	ck_assert_int_eq(sl_outfile_commit(tmp, path, 0), 0);
	ck_assert_int_eq(stat(tmp, &sb), -1);
	ck_assert_int_ge(fd = open(path, O_RDONLY), 0);
	ck_assert_int_eq(read(fd, got, sizeof(got)), 3);
	close(fd);
	ck_assert_str_eq(got, "new");
	/* no such file: replaced too; a directory is nothing to write through */
	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(sl_outfile_special(path), 0);
	ck_assert_int_eq(sl_outfile_special(dir), 0);
	/* a name that does not fit */
	errno = 0;
	ck_assert_int_eq(sl_outfile_temp(path, 0, tmp, 8), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(test_fifo)
{
	char path[128], tmp[256], got[16] = {0};
	struct stat sb;
	int rd, fd;

	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(sl_outfile_special(path), 1);
	ck_assert_int_ge(fd = sl_outfile_temp(path, 1, tmp, sizeof(tmp)), 0);
	ck_assert(!strncmp(tmp, dir, strlen(dir))); /* in $TMPDIR */
	ck_assert(strncmp(tmp, path, strlen(path)));
	put(fd, "through");
	/* a reader first, so that the writer's open does not wait */
	ck_assert_int_ge(rd = open(path, O_RDONLY | O_NONBLOCK), 0);
	ck_assert_int_eq(sl_outfile_commit(tmp, path, 1), 0);
	ck_assert_int_eq(read(rd, got, sizeof(got)), 7);
	close(rd);
	ck_assert_str_eq(got, "through");
	ck_assert_int_eq(stat(tmp, &sb), -1);
	ck_assert_int_eq(lstat(path, &sb), 0);
	ck_assert(S_ISFIFO(sb.st_mode));
}
END_TEST

START_TEST(test_dev_null)
{
	char link[128], tmp[256];
	struct stat sb;
	int fd;

	ck_assert_int_eq(sl_outfile_special("/dev/null"), 1);
	ck_assert_int_ge(fd = sl_outfile_temp("/dev/null", 1, tmp, sizeof(tmp)), 0);
	put(fd, "gone");
	ck_assert_int_eq(sl_outfile_commit(tmp, "/dev/null", 1), 0);
	ck_assert_int_eq(stat("/dev/null", &sb), 0);
	ck_assert(S_ISCHR(sb.st_mode));
	/* a link to it is written through as well, and stays a link */
	snprintf(link, sizeof(link), "%s/null", dir);
	ck_assert_int_eq(symlink("/dev/null", link), 0);
	ck_assert_int_eq(sl_outfile_special(link), 1);
}
END_TEST

START_TEST(test_dev_stdout)
{
	char path[128], tmp[256], got[32] = {0};
	int fd, saved = dup(1);

	/* /dev/stdout leading to a regular file the "shell" opened for
	 * appending: written through, after what it held */
	snprintf(path, sizeof(path), "%s/redirected", dir);
	put(open(path, O_WRONLY | O_CREAT, 0644), "kept ");
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_APPEND), 0);
	ck_assert_int_eq(dup2(fd, 1), 1);
	close(fd);
	ck_assert_int_eq(sl_outfile_special("/dev/stdout"), 1);
	ck_assert_int_ge(fd = sl_outfile_temp("/dev/stdout", 1, tmp, sizeof(tmp)), 0);
	put(fd, "report");
	ck_assert_int_eq(sl_outfile_commit(tmp, "/dev/stdout", 1), 0);
	ck_assert_int_eq(dup2(saved, 1), 1);
	close(saved);
	ck_assert_int_ge(fd = open(path, O_RDONLY), 0);
	ck_assert_int_eq(read(fd, got, sizeof(got)), 11);
	close(fd);
	ck_assert_str_eq(got, "kept report");
}
END_TEST

Suite *suite_outfile(void);

Suite *suite_outfile(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("outfile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_regular);
	tcase_add_test(tc, test_fifo);
	tcase_add_test(tc, test_dev_null);
	tcase_add_test(tc, test_dev_stdout);
	suite_add_tcase(s, tc);
	return s;
}
