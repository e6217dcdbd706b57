//===- OnnxImporter.h - ONNX model -> float MLIR ----------------*- C++ -*-===//
//
// Part of the fxp project.
//
// Imports an ONNX model (opset 11-17) as float32 MLIR on tensors: one
// `func.func @main` whose arguments are the graph inputs (initializers
// excluded) and whose results are the graph outputs, built from linalg,
// tensor and arith ops, with weights as constants. Every op carries the
// ONNX node name as a NameLoc (`loc("conv1")`), so observers and reports can
// name values after the model.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_IMPORT_ONNXIMPORTER_H
#define FXP_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::fxp {

struct OnnxImportOptions {
  /// Name of the generated function.
  std::string functionName = "main";
  /// Keep a symbolic (dynamic) first dimension of graph inputs dynamic.
  /// When false, symbolic dimensions become `batchSize`.
  bool dynamicBatch = true;
  int64_t batchSize = 1;
};

/// Imports the ONNX model at `path`. On failure, errors with the node name,
/// op type and what is missing have been emitted through the context's
/// diagnostic engine and null is returned.
OwningOpRef<ModuleOp> importOnnxFile(MLIRContext *context, llvm::StringRef path,
                                     const OnnxImportOptions &options = {});

/// Same, from an in-memory serialized ModelProto; `bufferName` names it in
/// diagnostics.
OwningOpRef<ModuleOp> importOnnxBuffer(MLIRContext *context,
                                       llvm::StringRef bytes,
                                       llvm::StringRef bufferName,
                                       const OnnxImportOptions &options = {});

} // namespace mlir::fxp

#endif // FXP_IMPORT_ONNXIMPORTER_H
