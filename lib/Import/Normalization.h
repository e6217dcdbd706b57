//===- Normalization.h - BatchNormalization folding (internal) --*- C++ -*-===//
//
// Part of the fxp project.
//
// Internal to lib/Import: the per-channel affine form of an inference
// BatchNormalization, shared by the BatchNormalization handler and the Conv
// handler that folds a following BatchNormalization into its weights.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_IMPORT_NORMALIZATION_H
#define FXP_LIB_IMPORT_NORMALIZATION_H

#include "GraphImporter.h"

namespace mlir::fxp::importer {

/// y[c] = x[c] * scale[c] + shift[c], with scale = gamma / sqrt(var + eps)
/// and shift = beta - mean * scale.
struct ChannelAffine {
  llvm::SmallVector<float> scale;
  llvm::SmallVector<float> shift;
};

/// When the only reader of `producer`'s output 0 is an inference
/// BatchNormalization (default attributes apart from epsilon and momentum,
/// only its output Y used) whose four parameters are float constants of
/// `channels` elements, returns that node and its affine form. Emits no
/// diagnostics: anything unusual leaves the BatchNormalization to its own
/// handler.
std::optional<std::pair<const ::onnx::NodeProto *, ChannelAffine>>
matchFoldableBatchNorm(NodeImporter &producer, int64_t channels);

} // namespace mlir::fxp::importer

#endif // FXP_LIB_IMPORT_NORMALIZATION_H
