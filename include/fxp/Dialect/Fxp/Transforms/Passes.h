//===- Passes.h - fxp dialect transforms ------------------------*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_TRANSFORMS_PASSES_H
#define FXP_DIALECT_FXP_TRANSFORMS_PASSES_H

#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Numerics/FormatSelection.h"

#include <map>
#include <memory>
#include <string>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fxp {

#define GEN_PASS_DECL
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"

/// Histograms of observed tensors by observer name: the statistics
/// `fxp-select-formats` reads when the tool provides them.
using HistogramTable = std::map<std::string, ValueHistogram>;

/// fxp-select-formats with statistics from `table` instead of the
/// observers' `stats` attributes.
std::unique_ptr<Pass>
createSelectFormatsPass(const SelectFormatsOptions &options,
                        std::shared_ptr<const HistogramTable> table);

#define GEN_PASS_REGISTRATION
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"

} // namespace mlir::fxp

#endif // FXP_DIALECT_FXP_TRANSFORMS_PASSES_H
