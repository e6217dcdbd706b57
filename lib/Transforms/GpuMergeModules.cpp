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
    // The merged module takes a name no other symbol has (the sources
    // disappear).
    auto mergedName = StringAttr::get(&getContext(), name);
    if (Operation *clash = SymbolTable::lookupSymbolIn(module, mergedName);
        clash && !llvm::is_contained(sources, clash)) {
      emitError(module.getLoc())
          << "fxp-gpu-merge-modules: a symbol named '" << name
          << "' already exists";
      return signalPassFailure();
    }

    OpBuilder b(sources.front());
    auto merged = gpu::GPUModuleOp::create(b, sources.front().getLoc(),
                                           "fxp_merged_tmp");
    SymbolTable table(merged);
    // (old module, old symbol) -> symbol in the merged module.
    DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp source : sources) {
      // Decide every name first and rewrite the references inside the
      // source module, then move its definitions.
      SmallVector<Operation *> moving;
      for (Operation &op : source.getBody()->without_terminator()) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol) {
          moving.push_back(&op);
          continue;
        }
        StringAttr oldName = symbol.getNameAttr();
        Operation *existing = table.lookup(oldName);
        // An identical definition (same operands wiring, attributes and
        // bodies: a constant global two kernels read) is shared.
        if (existing && OperationEquivalence::isEquivalentTo(
                            existing, &op, OperationEquivalence::IgnoreLocations)) {
          renamed[{source.getNameAttr(), oldName}] = oldName;
          continue;
        }
        StringAttr newName = oldName;
        if (existing) {
          newName = StringAttr::get(
              &getContext(), source.getName() + "_" + oldName.getValue());
          for (unsigned n = 0; table.lookup(newName) ||
                               source.lookupSymbol(newName);
               ++n)
            newName = StringAttr::get(&getContext(), source.getName() + "_" +
                                                         oldName.getValue() +
                                                         "_" + Twine(n));
          if (failed(SymbolTable::replaceAllSymbolUses(oldName, newName,
                                                       source))) {
            op.emitError("fxp-gpu-merge-modules: cannot rename to ")
                << newName;
            return signalPassFailure();
          }
          SymbolTable::setSymbolName(&op, newName);
        }
        renamed[{source.getNameAttr(), oldName}] = newName;
        moving.push_back(&op);
      }
      for (Operation *op : moving) {
        op->moveBefore(merged.getBody(), merged.getBody()->end());
        if (isa<SymbolOpInterface>(op))
          table.insert(op);
      }
    }
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
    merged.setName(name);
  }
};

} // namespace
