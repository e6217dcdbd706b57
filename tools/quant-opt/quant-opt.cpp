//===- quant-opt.cpp - fxp optimizer driver -------------------------------===//
//
// Part of the fxp project.
//
// mlir-opt with the fxp dialect, all fxp passes and the upstream dialects and
// passes a user of fxp needs.
//
//===----------------------------------------------------------------------===//

#include "fxp/InitAllDialects.h"
#include "fxp/InitAllPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::fxp::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::fxp::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "fxp optimizer driver (quant-opt)\n", registry));
}
