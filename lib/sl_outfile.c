/* sl_outfile.c - see sl_outfile.h. */
#include "sl_outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sl_outfile_special(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) || S_ISDIR(sb.st_mode))
		return 0;
	/* /dev/stdout or /proc/self/fd/1 may lead to a regular file (a shell's
	 * redirection): renaming over the name would replace the link */
	return !S_ISREG(sb.st_mode) || !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6);
}

int sl_outfile_temp(const char *path, int special, char *tmp, size_t cap)
{
	const char *dir = getenv("TMPDIR");
	int n;

	if (!special) {
		n = snprintf(tmp, cap, "%s.tmp-%ld", path, (long)getpid());
		if (n < 0 || (size_t)n >= cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	n = snprintf(tmp, cap, "%s/shiplog-out-XXXXXX", dir && *dir ? dir : "/tmp");
	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkostemp(tmp, O_CLOEXEC);
}

/* Copies the file tmp into the open descriptor out, whole. */
static int copy_into(const char *tmp, int out)
{
	char buf[1 << 16];
	int in = open(tmp, O_RDONLY | O_CLOEXEC), rc = 0;
	ssize_t n;

	if (in < 0)
		return -1;
	while (!rc && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno != EINTR)
				rc = -1;
			continue;
		}
		for (ssize_t done = 0, w; !rc && done < n;) {
			if ((w = write(out, buf + done, (size_t)(n - done))) > 0) {
				done += w;
			} else if (!w || errno != EINTR) {
				if (!w)
					errno = EIO;
				rc = -1;
			}
		}
	}
	if (rc) {
		int e = errno;

		close(in);
		errno = e;
		return -1;
	}
	return close(in);
}

int sl_outfile_commit(const char *tmp, const char *path, int special)
{
	int out, e;

	if (!special)
		return rename(tmp, path);
	/* no O_CREAT: the name was something when the temporary was made;
	 * appended to, as the shell's ">" or ">>" behind /dev/stdout left it */
	if ((out = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
		return -1;
	if (copy_into(tmp, out)) {
		e = errno;
		close(out);
		errno = e;
		return -1;
	}
	if (close(out))
		return -1;
	return unlink(tmp);
}
