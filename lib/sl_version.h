/* sl_version.h - the shiplog version, printed by --version and written in
 * every analysis file. */
#ifndef SL_VERSION_H
#define SL_VERSION_H

#define SHIPLOG_VERSION "0.1.0"

#endif
