//===- LowerObservers.cpp - fxp.observe to statistics runtime calls -------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "fxp-lower-observers"

namespace mlir::fxp {
#define GEN_PASS_DEF_LOWEROBSERVERS
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;

namespace {

/// The runtime entry point: `_mlir_ciface_fxp_observe_f32(int64_t id,
/// UnrankedMemRefType<float> *)` through the C interface.
constexpr StringLiteral kObserveF32 = "fxp_observe_f32";
/// Module attribute listing the observer names, indexed by id.
constexpr StringLiteral kObserversAttr = "fxp.observers";

/// Declares `@fxp_observe_f32` unless the module has it already; fails when
/// an existing symbol of that name has another type.
FailureOr<func::FuncOp> declareObserveF32(ModuleOp module) {
  Builder builder(module.getContext());
  FunctionType type = builder.getFunctionType(
      {builder.getI64Type(),
       UnrankedMemRefType::get(builder.getF32Type(), /*memorySpace=*/0)},
      {});
  if (Operation *symbol = module.lookupSymbol(kObserveF32)) {
    auto callee = dyn_cast<func::FuncOp>(symbol);
    if (!callee || callee.getFunctionType() != type) {
      symbol->emitError() << "'" << kObserveF32
                          << "' is reserved for the observer runtime, "
                             "expected a function of type "
                          << type;
      return failure();
    }
    return callee;
  }
  OpBuilder moduleBuilder = OpBuilder::atBlockBegin(module.getBody());
  auto callee =
      func::FuncOp::create(moduleBuilder, module.getLoc(), kObserveF32, type);
  callee.setPrivate();
  callee->setAttr("llvm.emit_c_interface", moduleBuilder.getUnitAttr());
  return callee;
}

struct LowerObserversPass
    : public fxp::impl::LowerObserversBase<LowerObserversPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<fxp::ObserveOp> observers;
    bool unsupported = false;
    module.walk([&](fxp::ObserveOp op) {
      auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
      if (!type || !type.getElementType().isF32()) {
        op.emitError() << "fxp-lower-observers supports observers on f32 "
                          "tensors only, got "
                       << op.getInput().getType();
        unsupported = true;
        return;
      }
      observers.push_back(op);
    });
    if (unsupported)
      return signalPassFailure();
    if (observers.empty())
      return;

    FailureOr<func::FuncOp> callee = declareObserveF32(module);
    if (failed(callee))
      return signalPassFailure();

    // Ids continue after the names of an earlier run.
    SmallVector<Attribute> names;
    if (auto earlier = module->getAttrOfType<ArrayAttr>(kObserversAttr))
      names.append(earlier.begin(), earlier.end());

    OpBuilder builder(&getContext());
    auto unranked = UnrankedMemRefType::get(builder.getF32Type(), 0);
    for (fxp::ObserveOp op : observers) {
      int64_t id = names.size();
      names.push_back(op.getNameAttr());
      Location loc = op.getLoc();
      Value input = op.getInput();
      auto tensorType = cast<RankedTensorType>(input.getType());
      builder.setInsertionPoint(op);
      Value buffer = bufferization::ToBufferOp::create(
          builder, loc,
          MemRefType::get(tensorType.getShape(), tensorType.getElementType()),
          input, /*read_only=*/true);
      Value erased = memref::CastOp::create(builder, loc, unranked, buffer);
      Value idValue =
          arith::ConstantIntOp::create(builder, loc, builder.getI64Type(), id);
      func::CallOp::create(builder, loc, *callee, ValueRange{idValue, erased});
      LLVM_DEBUG(llvm::dbgs()
                 << "observer " << id << ": '" << op.getName() << "'\n");
      op.replaceAllUsesWith(input);
      op.erase();
      ++numLowered;
    }
    module->setAttr(kObserversAttr, builder.getArrayAttr(names));
  }
};

} // namespace
