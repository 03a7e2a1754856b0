/* sl_outfile.h - where an output file is written before it is in place.
 *
 * Outputs (analysis files, reports, CSV files) are written to a temporary
 * file and renamed over their name when whole, so that a crash leaves the
 * old file or the new one, never half of one.  Renaming over a name that
 * is not a regular file would replace it: `-o /dev/null` run as root used
 * to turn /dev/null into a regular file for every program on the machine,
 * and `--html /dev/stdout` replaced the link.  Such a name (a device, a
 * FIFO, a terminal, whatever a link leads to that is neither a regular
 * file nor a directory) is written through instead: the temporary goes to
 * $TMPDIR (else /tmp), and when whole its bytes are copied into the name,
 * which is opened for writing as it is. */
#ifndef SL_OUTFILE_H
#define SL_OUTFILE_H

#include <stddef.h>

/* 1 when path exists and is neither a regular file nor a directory (after
 * links), or is a name under /dev/ or /proc/ (/dev/stdout may lead to a
 * regular file): written through, not replaced.  0 otherwise. */
int sl_outfile_special(const char *path);

/* Creates and opens for reading and writing the temporary file of the
 * output path, with its name in tmp (cap bytes): "PATH.tmp-PID" beside
 * it, or for a special path (sl_outfile_special) a unique name in $TMPDIR
 * or /tmp.  The descriptor (close-on-exec), or -1 with errno set
 * (ENAMETOOLONG when the name does not fit). */
int sl_outfile_temp(const char *path, int special, char *tmp, size_t cap);

/* Puts the written and closed temporary tmp in place of path: renamed over
 * it, or for a special path appended to it (a device or a FIFO has no end;
 * a regular file behind /dev/stdout keeps what the shell left) and
 * removed.  0, or -1 with errno set (tmp is left for the caller to
 * remove). */
int sl_outfile_commit(const char *tmp, const char *path, int special);

#endif
