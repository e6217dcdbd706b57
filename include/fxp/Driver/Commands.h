//===- Commands.h - subcommands of the `quant` driver -----------*- C++ -*-===//
//
// Part of the fxp project.
//
// Each subcommand is a `main`-like function in lib/Driver. It receives the
// arguments after the subcommand name, with argv[0] set to "quant <name>",
// parses its own options (function-local llvm::cl options) and returns the
// process exit code. Errors are reported on stderr with a location and a
// non-zero exit code, never a crash.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DRIVER_COMMANDS_H
#define FXP_DRIVER_COMMANDS_H

namespace mlir::fxp::driver {

/// `quant import MODEL.onnx -o MODEL.mlir`: ONNX -> float MLIR.
int importMain(int argc, char **argv);

/// `quant run MODEL.mlir --input DATA ...`: JIT-run on CPU over a data set.
int runMain(int argc, char **argv);

/// `quant calibrate MODEL --input DATA -o stats.json`: collect calibration
/// statistics at every observer.
int calibrateMain(int argc, char **argv);

/// `quant quantize MODEL --calibration DATA --validation DATA --labels L
/// -o OUTDIR`: calibrate, choose formats, quantize, validate, report.
int quantizeMain(int argc, char **argv);

/// `quant ranges MODEL [--input-range LO,HI] [--statistics stats.json]`:
/// analysed intervals of every observed tensor; with statistics, a
/// soundness check and the tightness per tensor.
int rangesMain(int argc, char **argv);

/// `quant search MODEL --calibration DATA [--budget-ratio R] -o OUTDIR`:
/// mixed-precision search (per-layer sensitivities, exact frontier,
/// validated points).
int searchMain(int argc, char **argv);

int compileMain(int argc, char **argv);

} // namespace mlir::fxp::driver

#endif // FXP_DRIVER_COMMANDS_H
