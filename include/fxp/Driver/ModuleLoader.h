//===- ModuleLoader.h - load a module for the `quant` tools -----*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DRIVER_MODULELOADER_H
#define FXP_DRIVER_MODULELOADER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::fxp {

/// Loads `path` into `context` (registering every dialect fxp knows): MLIR
/// text or bytecode, or an ONNX model (by the `.onnx` extension), imported
/// on the fly. Located errors are printed on stderr; returns null on failure.
OwningOpRef<ModuleOp> loadModule(MLIRContext &context, llvm::StringRef path);

} // namespace mlir::fxp

#endif // FXP_DRIVER_MODULELOADER_H
