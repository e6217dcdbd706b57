//===- InitAll.cpp - register fxp and upstream dialects and passes --------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/InitAllDialects.h"
#include "fxp/InitAllPasses.h"

#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/Pipelines/Pipelines.h"
#include "fxp/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

void fxp::registerFxpDialects(DialectRegistry &registry) {
  registry.insert<fxp::FxpDialect>();
}

void fxp::registerAllDialects(DialectRegistry &registry) {
  registerFxpDialects(registry);
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates GPU modules to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
}

void fxp::registerAllPasses() {
  mlir::registerAllPasses();
  fxp::registerFxpDialectTransformsPasses();
  fxp::registerFxpTransformsPasses();
  fxp::registerPipelines();
}
