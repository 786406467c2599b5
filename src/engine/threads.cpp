// threads.cpp: thread count for OpenMP loops and Eigen (see threads.h).
#include "threads.h"

#include <Eigen/Core>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace convlens {

void engine_set_threads(int n) {
  if (n < 1) n = 1;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  Eigen::setNbThreads(n);
}

int engine_threads() { return Eigen::nbThreads(); }

}  // namespace convlens
