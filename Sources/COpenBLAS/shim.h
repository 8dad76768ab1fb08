// Declarations for the OpenBLAS entry points DTR Workbench resolves with dlsym at run time.
// Nothing here is linked: see Sources/DTREngine/BLAS/BLASRuntime.swift for why.
#pragma once
#include <cblas.h>

typedef void (*dtr_sgemm_fn)(const enum CBLAS_ORDER, const enum CBLAS_TRANSPOSE, const enum CBLAS_TRANSPOSE,
                             const int, const int, const int, const float, const float *, const int,
                             const float *, const int, const float, float *, const int);
typedef void (*dtr_dgemm_fn)(const enum CBLAS_ORDER, const enum CBLAS_TRANSPOSE, const enum CBLAS_TRANSPOSE,
                             const int, const int, const int, const double, const double *, const int,
                             const double *, const int, const double, double *, const int);
typedef char *(*dtr_corename_fn)(void);
typedef void (*dtr_set_threads_fn)(int);
typedef int (*dtr_get_threads_fn)(void);
/// LAPACK symmetric eigensolver (Fortran calling convention), exported by libopenblas itself.
typedef void (*dtr_dsyevd_fn)(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                              double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
