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

/// The runtime entry points, through the C interface:
/// `_mlir_ciface_fxp_observe_f32(int64_t id, UnrankedMemRefType<float> *)`
/// and `_mlir_ciface_fxp_simulate_f32(int64_t id, UnrankedMemRefType<float>
/// *input, UnrankedMemRefType<float> *output)`.
constexpr StringLiteral kObserveF32 = "fxp_observe_f32";
constexpr StringLiteral kSimulateF32 = "fxp_simulate_f32";
/// Module attribute listing the observer names, indexed by id.
constexpr StringLiteral kObserversAttr = "fxp.observers";

/// Declares the runtime function `name` taking an i64 id and `numBuffers`
/// unranked f32 memrefs, unless the module has it already; fails when an
/// existing symbol of that name has another type.
FailureOr<func::FuncOp> declareRuntimeFunction(ModuleOp module, StringRef name,
                                               unsigned numBuffers) {
  Builder builder(module.getContext());
  SmallVector<Type> inputs = {builder.getI64Type()};
  inputs.append(numBuffers, UnrankedMemRefType::get(builder.getF32Type(),
                                                    /*memorySpace=*/0));
  FunctionType type = builder.getFunctionType(inputs, {});
  if (Operation *symbol = module.lookupSymbol(name)) {
    auto callee = dyn_cast<func::FuncOp>(symbol);
    if (!callee || callee.getFunctionType() != type) {
      symbol->emitError() << "'" << name
                          << "' is reserved for the observer runtime, "
                             "expected a function of type "
                          << type;
      return failure();
    }
    return callee;
  }
  OpBuilder moduleBuilder = OpBuilder::atBlockBegin(module.getBody());
  auto callee =
      func::FuncOp::create(moduleBuilder, module.getLoc(), name, type);
  callee.setPrivate();
  callee->setAttr("llvm.emit_c_interface", moduleBuilder.getUnitAttr());
  return callee;
}

struct LowerObserversPass
    : public fxp::impl::LowerObserversBase<LowerObserversPass> {
  using LowerObserversBase::LowerObserversBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool simulate = mode == "simulate";
    if (!simulate && mode != "statistics") {
      mlir::emitError(module.getLoc())
          << "fxp-lower-observers: mode must be statistics or simulate, got '"
          << mode << "'";
      return signalPassFailure();
    }
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

    FailureOr<func::FuncOp> callee =
        simulate ? declareRuntimeFunction(module, kSimulateF32, 2)
                 : declareRuntimeFunction(module, kObserveF32, 1);
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
      if (simulate) {
        // A fresh buffer of the input's shape that the runtime fills.
        SmallVector<Value> dynamicSizes;
        for (int64_t d = 0; d < tensorType.getRank(); ++d)
          if (tensorType.isDynamicDim(d))
            dynamicSizes.push_back(
                memref::DimOp::create(builder, loc, buffer, d));
        Value output = memref::AllocOp::create(
            builder, loc, cast<MemRefType>(buffer.getType()), dynamicSizes);
        Value erasedOutput =
            memref::CastOp::create(builder, loc, unranked, output);
        func::CallOp::create(builder, loc, *callee,
                             ValueRange{idValue, erased, erasedOutput});
        Value result = bufferization::ToTensorOp::create(
            builder, loc, tensorType, output, /*restrict=*/true,
            /*writable=*/true);
        op.replaceAllUsesWith(result);
      } else {
        func::CallOp::create(builder, loc, *callee,
                             ValueRange{idValue, erased});
        op.replaceAllUsesWith(input);
      }
      LLVM_DEBUG(llvm::dbgs()
                 << "observer " << id << ": '" << op.getName() << "'\n");
      op.erase();
      ++numLowered;
    }
    module->setAttr(kObserversAttr, builder.getArrayAttr(names));
  }
};

} // namespace
