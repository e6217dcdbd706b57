//===- Passes.h - fxp target-independent transforms -------------*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_TRANSFORMS_PASSES_H
#define FXP_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fxp {

#define GEN_PASS_DECL
#include "fxp/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "fxp/Transforms/Passes.h.inc"

} // namespace mlir::fxp

#endif // FXP_TRANSFORMS_PASSES_H
