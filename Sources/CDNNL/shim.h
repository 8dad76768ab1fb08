// oneDNN's C API (Debian libdnnl-dev 2.6, OpenMP threading runtime) for DTREngine's convolutions.
#pragma once
#include <oneapi/dnnl/dnnl.h>

// From libgomp, libdnnl's threading runtime: the engine runs oneDNN single-threaded on each of its workers.
void omp_set_num_threads(int num_threads);
