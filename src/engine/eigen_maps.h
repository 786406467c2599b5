// eigen_maps.h: the engine's only view of Eigen — row-major maps over buffers the engine owns.
// Eigen never owns engine memory here: every matrix is a Map onto a flat float buffer.
#pragma once
#include <Eigen/Core>

namespace convlens {

using MatrixR = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapR = Eigen::Map<MatrixR>;
using ConstMapR = Eigen::Map<const MatrixR>;
using MapRow = Eigen::Map<Eigen::RowVectorXf>;
using ConstMapRow = Eigen::Map<const Eigen::RowVectorXf>;

}  // namespace convlens
