//===- Passes.h - fxp dialect transforms ------------------------*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_TRANSFORMS_PASSES_H
#define FXP_DIALECT_FXP_TRANSFORMS_PASSES_H

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fxp {

#define GEN_PASS_DECL
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"

} // namespace mlir::fxp

#endif // FXP_DIALECT_FXP_TRANSFORMS_PASSES_H
