//===- InitAllDialects.h - register fxp and upstream dialects ---*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_INITALLDIALECTS_H
#define FXP_INITALLDIALECTS_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::fxp {

/// Adds the fxp dialect to `registry`.
void registerFxpDialects(DialectRegistry &registry);

/// Adds the fxp dialect plus every upstream dialect and extension a user of
/// fxp needs (func, arith, tensor, linalg, memref, scf, gpu, nvvm, llvm,
/// quant, tosa, bufferization, vector, math, ...).
void registerAllDialects(DialectRegistry &registry);

} // namespace mlir::fxp

#endif // FXP_INITALLDIALECTS_H
