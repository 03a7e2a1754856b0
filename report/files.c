#include "files.h"
#include "sl_outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int afile_open(struct afile *a, const char *path, struct sl_errctx *err)
{
	int fd;

	a->path = path;
	a->f = NULL;
	a->special = sl_outfile_special(path);
	fd = sl_outfile_temp(path, a->special, a->tmp, sizeof(a->tmp));
	if (fd < 0 && errno == ENAMETOOLONG)
		return sl_err_set(err, SL_EINVAL, path, 0, "path too long");
	if (fd < 0 || !(a->f = fdopen(fd, "w"))) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(a->tmp);
		}
		errno = e;
		return sl_err_set(err, SL_EIO, path, 0, "cannot create: %s", strerror(e));
	}
	return SL_OK;
}

int afile_commit(struct afile *a, struct sl_errctx *err)
{
	int fail = ferror(a->f) || fflush(a->f) || fsync(fileno(a->f));
	int e = errno;

	if (fclose(a->f) && !fail) {
		fail = 1;
		e = errno;
	}
	a->f = NULL;
	if (!fail && sl_outfile_commit(a->tmp, a->path, a->special)) {
		fail = 1;
		e = errno;
	}
	if (fail) {
		unlink(a->tmp);
		errno = e;
		return sl_err_set(err, SL_EIO, a->path, 0, "cannot write: %s", strerror(e));
	}
	return SL_OK;
}

void afile_abort(struct afile *a)
{
	if (a->f) {
		fclose(a->f);
		a->f = NULL;
		unlink(a->tmp);
	}
}

int afile_write(const char *path, const char *data, size_t n, struct sl_errctx *err)
{
	struct afile a;
	int rc = afile_open(&a, path, err);

	if (rc)
		return rc;
	if (n && fwrite(data, 1, n, a.f) != n) {
		int e = errno;

		afile_abort(&a);
		return sl_err_set(err, SL_EIO, path, 0, "cannot write: %s", strerror(e));
	}
	return afile_commit(&a, err);
}

int files_mkdir(const char *dir, struct sl_errctx *err)
{
	struct stat sb;

	if (!stat(dir, &sb))
		return S_ISDIR(sb.st_mode) ? SL_OK
					   : sl_err_set(err, SL_EIO, dir, 0, "not a directory");
	if (mkdir(dir, 0755) && errno != EEXIST)
		return sl_err_set(err, SL_EIO, dir, 0, "cannot create directory: %s",
				  strerror(errno));
	return SL_OK;
}
