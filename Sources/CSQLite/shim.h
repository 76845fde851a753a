#ifndef SDSIM_CSQLITE_SHIM_H
#define SDSIM_CSQLITE_SHIM_H
#include <sqlite3.h>
/* SQLITE_TRANSIENT is a cast macro that Swift cannot import. */
static inline sqlite3_destructor_type sdsim_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
