//===- GpuDeviceBuffers.cpp - fxp-gpu-device-buffers ----------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_GPUDEVICEBUFFERS
#define GEN_PASS_DEF_GPUALIGNSHAREDMEMORY
#include "fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;

namespace {

/// Sizes of the dynamic dimensions of `v`.
SmallVector<Value> dynamicSizes(OpBuilder &b, Location loc, Value v) {
  auto type = cast<MemRefType>(v.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(memref::DimOp::create(b, loc, v, d));
  return sizes;
}

/// A device copy of host buffer `host`, made at the builder's position;
/// every other use of `host` dominated by the copy moves to it.
Value copyToDevice(OpBuilder &b, Location loc, Value host) {
  auto type = cast<MemRefType>(host.getType());
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : host.getUses())
    uses.push_back(&use);
  auto alloc = gpu::AllocOp::create(b, loc, type, /*asyncToken=*/Type(),
                                    ValueRange{}, dynamicSizes(b, loc, host),
                                    ValueRange{});
  auto copy = gpu::MemcpyOp::create(b, loc, TypeRange{}, ValueRange{},
                                    alloc.getMemref(), host);
  (void)copy;
  for (OpOperand *use : uses)
    use->set(alloc.getMemref());
  return alloc.getMemref();
}

/// The kernels that use `v`, directly or through reshaping views made on
/// the host (the 2-D filter views of the GEMM kernels); fails when the host
/// uses it otherwise.
LogicalResult kernelsUsing(Value v, SmallVectorImpl<gpu::LaunchOp> &launches,
                           SmallVectorImpl<Operation *> &views) {
  for (Operation *user : v.getUsers()) {
    if (auto launch = user->getParentOfType<gpu::LaunchOp>()) {
      if (!llvm::is_contained(launches, launch))
        launches.push_back(launch);
      continue;
    }
    if (!isa<memref::CollapseShapeOp, memref::ExpandShapeOp>(user))
      return failure();
    views.push_back(user);
    if (failed(kernelsUsing(user->getResult(0), launches, views)))
      return failure();
  }
  return success();
}

/// Moves a read of an initialized constant global that only kernels use
/// (with its reshaping views) into those kernels: outlining then copies the
/// global into the GPU module, so the data is part of the GPU binary and
/// nothing is copied per call. False (nothing changed) when the host uses
/// it too.
bool embedInKernels(memref::GetGlobalOp get) {
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  if (!global || !global.getConstant() || !global.getInitialValue() ||
      global.isExternal())
    return false;
  SmallVector<gpu::LaunchOp> launches;
  SmallVector<Operation *> views;
  if (failed(kernelsUsing(get.getResult(), launches, views)))
    return false;
  for (gpu::LaunchOp launch : launches) {
    OpBuilder b(&launch.getBody().front(), launch.getBody().front().begin());
    IRMapping mapping;
    auto inLaunch = [&](OpOperand &use) {
      return launch->isProperAncestor(use.getOwner());
    };
    Operation *copy = b.clone(*get, mapping);
    get.getResult().replaceUsesWithIf(copy->getResult(0), inLaunch);
    for (Operation *view : views) {
      Operation *viewCopy = b.clone(*view, mapping);
      view->getResult(0).replaceUsesWithIf(viewCopy->getResult(0), inLaunch);
    }
  }
  for (Operation *view : llvm::reverse(views))
    view->erase();
  get.erase();
  return true;
}

struct GpuDeviceBuffersPass
    : public fxp::impl::GpuDeviceBuffersBase<GpuDeviceBuffersPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() ||
        !func.walk([](gpu::LaunchOp) { return WalkResult::interrupt(); })
             .wasInterrupted())
      return;

    bool bad = false;
    auto fail = [&](Location loc, const Twine &msg) {
      emitError(loc) << "fxp-gpu-device-buffers: " << msg;
      bad = true;
    };
    auto needIdentity = [&](Location loc, Type type, StringRef what) {
      auto memref = dyn_cast<MemRefType>(type);
      if (memref && !memref.getLayout().isIdentity())
        fail(loc, what + " has a non-identity layout (" + Twine(what) +
                      " must be contiguous to be copied)");
    };

    Block &entry = func.getBody().front();
    SmallVector<Value> device;
    OpBuilder b(&entry, entry.begin());
    for (BlockArgument arg : entry.getArguments()) {
      if (!isa<MemRefType>(arg.getType()) || arg.use_empty() ||
          deviceArguments)
        continue;
      needIdentity(func.getLoc(), arg.getType(), "a memref argument");
      device.push_back(copyToDevice(b, func.getLoc(), arg));
    }

    SmallVector<memref::GetGlobalOp> globals;
    SmallVector<memref::AllocOp> allocs;
    SmallVector<memref::DeallocOp> deallocs;
    func.walk([&](Operation *op) {
      if (op->getParentOfType<gpu::LaunchOp>())
        return;
      if (auto g = dyn_cast<memref::GetGlobalOp>(op))
        globals.push_back(g);
      else if (auto a = dyn_cast<memref::AllocOp>(op))
        allocs.push_back(a);
      else if (auto d = dyn_cast<memref::DeallocOp>(op))
        deallocs.push_back(d);
      else if (isa<memref::LoadOp, memref::StoreOp>(op) ||
               (op->getDialect() &&
                op->getDialect()->getNamespace() == "linalg"))
        fail(op->getLoc(), "'" + op->getName().getStringRef() +
                               "' reads or writes a buffer on the host; "
                               "run fxp-linalg-to-gpu first");
    });
    for (memref::GetGlobalOp g : globals) {
      if (embedConstants && embedInKernels(g))
        continue;
      // Copied once at entry, so that the copy dominates the frees before
      // each return.
      if (g->getBlock() != &entry)
        g->moveBefore(&entry, entry.begin());
      b.setInsertionPointAfter(g);
      device.push_back(copyToDevice(b, g.getLoc(), g.getResult()));
    }
    for (memref::AllocOp a : allocs) {
      if (a->getBlock() != &entry) {
        fail(a.getLoc(), "buffers allocated inside regions are not "
                         "supported on the GPU path");
        continue;
      }
      b.setInsertionPoint(a);
      auto alloc = gpu::AllocOp::create(b, a.getLoc(), a.getType(), Type(),
                                        ValueRange{}, a.getDynamicSizes(),
                                        a.getSymbolOperands());
      a.replaceAllUsesWith(alloc.getMemref());
      a.erase();
      device.push_back(alloc.getMemref());
    }
    for (memref::DeallocOp d : deallocs)
      d.erase();
    if (bad)
      return signalPassFailure();

    // Results go back to host buffers the caller owns; then every device
    // buffer is freed.
    func.walk([&](func::ReturnOp ret) {
      b.setInsertionPoint(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        auto type = dyn_cast<MemRefType>(v.getType());
        if (!type)
          continue;
        needIdentity(ret.getLoc(), type, "a returned memref");
        auto host = memref::AllocOp::create(b, ret.getLoc(), type,
                                            dynamicSizes(b, ret.getLoc(), v));
        gpu::MemcpyOp::create(b, ret.getLoc(), TypeRange{}, ValueRange{},
                              host.getResult(), v);
        operand.set(host.getResult());
      }
      for (Value d : device)
        gpu::DeallocOp::create(b, ret.getLoc(), TypeRange{}, ValueRange{}, d);
    });
    if (bad)
      signalPassFailure();
  }
};

struct GpuAlignSharedMemoryPass
    : public fxp::impl::GpuAlignSharedMemoryBase<GpuAlignSharedMemoryPass> {
  using Base::Base;
  void runOnOperation() override {
    if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
      emitError(getOperation().getLoc())
          << "fxp-gpu-align-shared-memory: alignment must be a power of two, "
             "got "
          << static_cast<int64_t>(alignment);
      return signalPassFailure();
    }
    gpu::GPUFuncOp func = getOperation();
    auto name = StringAttr::get(&getContext(),
                                LLVM::LLVMDialect::getAlignAttrName());
    for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i)
      if (!func.getWorkgroupAttributionAttr(i, name))
        func.setWorkgroupAttributionAttr(
            i, name,
            IntegerAttr::get(IntegerType::get(&getContext(), 64), alignment));
  }
};

} // namespace
