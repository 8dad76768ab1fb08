// oneDNN's C API (Debian libdnnl-dev 2.6, OpenMP threading runtime) for DTREngine's convolutions.
#pragma once
#include <oneapi/dnnl/dnnl.h>

// From libgomp, which libdnnl's threading runtime uses: the engine sizes oneDNN's team to its own workers.
void omp_set_num_threads(int num_threads);
