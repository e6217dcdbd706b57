//===- ImportCommand.cpp - `quant import` ---------------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// `quant import MODEL.onnx [-o MODEL.mlir] [--batch N] [--emit-bytecode]`:
// imports an ONNX model as float MLIR (see fxp/Import/OnnxImporter.h) and
// writes it as text (with locations: they carry the ONNX node names) or
// bytecode. Diagnostics go to stderr as `MODEL: error: node 'N' (op 'T'):
// ...`; any error gives exit code 1 and no output file.
//
//===----------------------------------------------------------------------===//

#include "fxp/Driver/Commands.h"
#include "fxp/Import/OnnxImporter.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
llvm::StringRef getSeverityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

/// `MODEL: severity: message`, then the notes.
void printDiagnostic(llvm::raw_ostream &os, llvm::StringRef model,
                     Diagnostic &diag) {
  os << model << ": " << getSeverityName(diag.getSeverity()) << ": " << diag
     << "\n";
  for (Diagnostic &note : diag.getNotes())
    os << model << ": note: " << note << "\n";
}
} // namespace

int mlir::fxp::driver::importMain(int argc, char **argv) {
  static llvm::cl::OptionCategory category("quant import options");
  static llvm::cl::opt<std::string> inputFilename(
      llvm::cl::Positional, llvm::cl::desc("<model.onnx>"), llvm::cl::Required,
      llvm::cl::cat(category));
  static llvm::cl::opt<std::string> outputFilename(
      "o", llvm::cl::desc("Output file ('-' for stdout)"),
      llvm::cl::value_desc("filename"), llvm::cl::init("-"),
      llvm::cl::cat(category));
  static llvm::cl::opt<int64_t> batchSize(
      "batch",
      llvm::cl::desc("Fix a symbolic batch dimension to N instead of keeping "
                     "it dynamic"),
      llvm::cl::value_desc("N"), llvm::cl::init(0), llvm::cl::cat(category));
  static llvm::cl::opt<std::string> functionName(
      "function", llvm::cl::desc("Name of the generated function"),
      llvm::cl::init("main"), llvm::cl::cat(category));
  static llvm::cl::opt<bool> emitBytecode(
      "emit-bytecode", llvm::cl::desc("Write MLIR bytecode instead of text"),
      llvm::cl::init(false), llvm::cl::cat(category));

  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  // LLVM's and MLIR's own options stay usable but are listed only by
  // --help-hidden.
  llvm::cl::HideUnrelatedOptions(category);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "quant import: ONNX model (opset 11-17) -> float MLIR\n");

  if (batchSize.getNumOccurrences() && batchSize <= 0) {
    llvm::errs() << "quant import: --batch must be positive, got " << batchSize
                 << "\n";
    return 1;
  }
  fxp::OnnxImportOptions options;
  options.functionName = functionName;
  options.dynamicBatch = batchSize.getNumOccurrences() == 0;
  if (!options.dynamicBatch)
    options.batchSize = batchSize;

  // Diagnostics name the model file; the message names the ONNX node.
  MLIRContext context;
  ScopedDiagnosticHandler diagnostics(&context, [&](Diagnostic &diag) {
    printDiagnostic(llvm::errs(), inputFilename, diag);
    return success();
  });
  OwningOpRef<ModuleOp> module =
      fxp::importOnnxFile(&context, inputFilename, options);
  if (!module)
    return 1;

  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << "quant import: " << errorMessage << "\n";
    return 1;
  }
  if (emitBytecode) {
    if (failed(writeBytecodeToFile(*module, output->os()))) {
      llvm::errs() << "quant import: cannot write bytecode\n";
      return 1;
    }
  } else {
    // The locations carry the ONNX node names later stages report values
    // by, so the text form always keeps them.
    OpPrintingFlags flags;
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    module->print(output->os(), flags);
  }
  output->keep();
  return 0;
}
