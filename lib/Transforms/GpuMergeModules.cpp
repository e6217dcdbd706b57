//===- GpuMergeModules.cpp - fxp-gpu-merge-modules ------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_GPUMERGEMODULES
#include "fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;

namespace {

struct GpuMergeModulesPass
    : public fxp::impl::GpuMergeModulesBase<GpuMergeModulesPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> sources;
    for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
      if (!gpuModule.getTargetsAttr() || gpuModule.getTargetsAttr().empty())
        sources.push_back(gpuModule);
    if (sources.size() < 2)
      return;

    SymbolTable top(module);
    OpBuilder b(sources.front());
    auto merged = gpu::GPUModuleOp::create(b, sources.front().getLoc(),
                                           "fxp_merged_tmp");
    SymbolTable table(merged);
    // (old module, old kernel) -> new kernel name.
    DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp source : sources) {
      for (Operation &op :
           llvm::make_early_inc_range(source.getBody()->without_terminator())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        StringAttr oldName = symbol ? symbol.getNameAttr() : StringAttr();
        op.moveBefore(merged.getBody(), merged.getBody()->end());
        if (!symbol)
          continue;
        StringAttr newName = oldName;
        Operation *existing = table.lookup(oldName);
        // Identical definitions (a constant global two kernels read) merge.
        if (existing && existing != &op &&
            OperationEquivalence::isEquivalentTo(
                existing, &op, OperationEquivalence::ignoreValueEquivalence,
                /*markEquivalent=*/nullptr,
                OperationEquivalence::IgnoreLocations)) {
          renamed[{source.getNameAttr(), oldName}] = oldName;
          op.erase();
          continue;
        }
        if (existing && existing != &op)
          newName = StringAttr::get(
              &getContext(), source.getName() + "_" + oldName.getValue());
        if (newName != oldName && failed(table.rename(&op, newName))) {
          op.emitError("fxp-gpu-merge-modules: cannot rename to ")
              << newName;
          return signalPassFailure();
        }
        table.insert(&op);
        renamed[{source.getNameAttr(), oldName}] = table.getSymbolName(&op);
      }
    }
    auto mergedName = StringAttr::get(&getContext(), name);
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      auto it = renamed.find(
          {kernel.getRootReference(), kernel.getLeafReference()});
      if (it == renamed.end())
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          mergedName, {FlatSymbolRefAttr::get(it->second)}));
    });
    for (gpu::GPUModuleOp source : sources)
      source.erase();
    if (top.lookup(mergedName)) {
      emitError(module.getLoc())
          << "fxp-gpu-merge-modules: a symbol named '" << name
          << "' already exists";
      return signalPassFailure();
    }
    merged.setName(name);
  }
};

} // namespace
