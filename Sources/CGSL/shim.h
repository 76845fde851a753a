#ifndef SDSIM_CGSL_SHIM_H
#define SDSIM_CGSL_SHIM_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

/* Swift 6 treats GSL's global generator-type pointers as shared mutable state.
   These accessors hand them to Swift as plain function results. */
static inline const gsl_rng_type *sdsim_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *sdsim_rng_taus2(void) { return gsl_rng_taus2; }

/* GSL aborts the process on a domain error by default; sdsim validates inputs itself. */
static inline void sdsim_gsl_disable_abort(void) { gsl_set_error_handler_off(); }
#endif
