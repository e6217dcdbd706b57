//===- quant.cpp - the fxp user-facing driver -----------------------------===//
//
// Part of the fxp project.
//
// `quant <command> [options]`, like git or cargo: dispatches to the
// subcommands in lib/Driver.
//
//===----------------------------------------------------------------------===//

#include "fxp/Driver/Commands.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace {
struct Command {
  const char *name;
  const char *summary;
  int (*main)(int, char **);
};

const Command kCommands[] = {
    {"import", "import an ONNX model as float MLIR",
     mlir::fxp::driver::importMain},
    {"run", "JIT-compile a float or quantized module and run it on data",
     mlir::fxp::driver::runMain},
    {"calibrate", "collect calibration statistics (min, max, histograms)",
     mlir::fxp::driver::calibrateMain},
    {"quantize", "calibrate, choose formats, quantize and validate a model",
     mlir::fxp::driver::quantizeMain},
    {"ranges", "analysed value intervals of every tensor (range analysis)",
     mlir::fxp::driver::rangesMain},
    {"search", "mixed-precision search: per-layer word lengths under a budget",
     mlir::fxp::driver::searchMain},
    {"compile", "ahead-of-time shared library (+ C header) for CPU or CUDA",
     mlir::fxp::driver::compileMain},
};

void printUsage(llvm::raw_ostream &os) {
  os << "usage: quant <command> [options]\n\ncommands:\n";
  for (const Command &command : kCommands)
    os << "  " << llvm::left_justify(command.name, 12) << command.summary
       << "\n";
  os << "\n'quant <command> --help' lists a command's options.\n";
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  if (argc < 2) {
    printUsage(llvm::errs());
    return 1;
  }
  llvm::StringRef name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    printUsage(llvm::outs());
    return 0;
  }
  for (const Command &command : kCommands) {
    if (name != command.name)
      continue;
    std::string program = std::string("quant ") + command.name;
    std::vector<char *> args;
    args.push_back(program.data());
    for (int i = 2; i < argc; ++i)
      args.push_back(argv[i]);
    args.push_back(nullptr);
    return command.main(static_cast<int>(args.size() - 1), args.data());
  }
  llvm::errs() << "quant: unknown command '" << name << "'\n\n";
  printUsage(llvm::errs());
  return 1;
}
