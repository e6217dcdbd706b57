//===- InsertObservers.cpp - calibration points in float programs ---------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "fxp-insert-observers"

namespace mlir::fxp {
#define GEN_PASS_DEF_INSERTOBSERVERS
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;

namespace {

/// The ONNX node name carried by `loc`: a `NameLoc`, or the first one inside a
/// `FusedLoc`.
std::optional<StringRef> getNodeName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().getValue();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::optional<StringRef> name = getNodeName(inner))
        return name;
  return std::nullopt;
}

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// Whether `value` is produced by or already feeds an observer.
bool isObserved(Value value) {
  if (value.getDefiningOp<fxp::ObserveOp>())
    return true;
  return llvm::any_of(value.getUsers(), [](Operation *user) {
    return isa<fxp::ObserveOp>(user);
  });
}

/// Linalg ops on tensors that compute, as opposed to moving or filling data.
bool isComputeOp(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      op->getNumResults() == 0)
    return false;
  if (isa<linalg::FillOp, linalg::BroadcastOp, linalg::TransposeOp,
          linalg::CopyOp>(op))
    return false;
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
    return !llvm::all_of(yield.getOperands(),
                         [](Value v) { return isa<BlockArgument>(v); });
  }
  return true;
}

/// Ops whose constant second input is a weight: convolutions and matmuls.
bool hasWeights(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInputs() != 2)
    return false;
  return linalg::isaConvolutionOpInterface(linalgOp) ||
         linalg::isaContractionOpInterface(linalgOp);
}

/// The float tensor constant `value` comes from, looking through reshapes
/// and transposes.
arith::ConstantOp traceToConstant(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(def))
      return isFloatTensor(constant.getType()) ? constant : nullptr;
    if (auto transpose = dyn_cast<linalg::TransposeOp>(def))
      value = transpose.getInput();
    else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def))
      value = expand.getSrc();
    else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def))
      value = collapse.getSrc();
    else
      return nullptr;
  }
  return nullptr;
}

/// The constant bias of a convolution or matmul `op`: the input of the
/// `linalg.broadcast` that initializes its output (Conv), or a constant
/// added to its result by the next op of the same node (Gemm).
arith::ConstantOp findBias(linalg::LinalgOp op, StringRef node) {
  if (op.getNumDpsInits() != 1)
    return nullptr;
  if (auto broadcast =
          op.getDpsInitOperand(0)->get().getDefiningOp<linalg::BroadcastOp>())
    return traceToConstant(broadcast.getInput());
  // The epilogue is the one user that is not a shape query (a dynamic batch
  // adds tensor.dim users).
  Value result = op->getResult(0);
  Operation *user = nullptr;
  for (Operation *candidate : result.getUsers()) {
    if (isa<tensor::DimOp>(candidate))
      continue;
    if (user && user != candidate)
      return nullptr;
    user = candidate;
  }
  auto epilogue = dyn_cast_or_null<linalg::LinalgOp>(user);
  if (!epilogue || !isComputeOp(user) || getNodeName(user->getLoc()) != node)
    return nullptr;
  for (OpOperand *input : epilogue.getDpsInputOperands())
    if (input->get() != result)
      if (arith::ConstantOp constant = traceToConstant(input->get()))
        return constant;
  return nullptr;
}

struct InsertObserversPass
    : public fxp::impl::InsertObserversBase<InsertObserversPass> {
  using InsertObserversBase::InsertObserversBase;

  void runOnOperation() override;

private:
  /// `base`, or `base#2`, `base#3`, ... if taken; reserves the result.
  std::string reserveName(StringRef base);
  /// Observes `value` under `name` at the builder's insertion point and
  /// reroutes its other uses through the observer.
  void observe(OpBuilder &builder, Location loc, Value value, StringRef name);

  llvm::StringSet<> usedNames;
};

std::string InsertObserversPass::reserveName(StringRef base) {
  if (usedNames.insert(base).second)
    return base.str();
  for (unsigned suffix = 2;; ++suffix) {
    std::string candidate = (base + "#" + Twine(suffix)).str();
    if (usedNames.insert(candidate).second)
      return candidate;
  }
}

void InsertObserversPass::observe(OpBuilder &builder, Location loc, Value value,
                                  StringRef name) {
  std::string unique = reserveName(name);
  auto observer = fxp::ObserveOp::create(builder, loc, value.getType(),
                                         builder.getStringAttr(unique), value);
  value.replaceAllUsesExcept(observer.getResult(), observer);
  LLVM_DEBUG(llvm::dbgs() << "observing '" << unique << "'\n");
  ++numObservers;
}

void InsertObserversPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  usedNames.clear();

  // Observers already in the input keep their names, which must be distinct.
  llvm::StringMap<fxp::ObserveOp> existing;
  bool duplicates = false;
  func.walk([&](fxp::ObserveOp op) {
    auto [it, inserted] = existing.try_emplace(op.getName(), op);
    if (inserted)
      return;
    op.emitError() << "duplicate observer name '" << op.getName() << "'";
    duplicates = true;
  });
  if (duplicates)
    return signalPassFailure();
  for (const auto &entry : existing)
    usedNames.insert(entry.getKey());

  OpBuilder builder(&getContext());
  Block &entry = func.getBody().front();
  if (activations) {
    builder.setInsertionPointToStart(&entry);
    for (BlockArgument arg : entry.getArguments()) {
      if (!isFloatTensor(arg.getType()) || isObserved(arg))
        continue;
      std::string name;
      if (auto attr =
              func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "fxp.name"))
        name = attr.getValue().str();
      else if (std::optional<StringRef> locName = getNodeName(arg.getLoc()))
        name = locName->str();
      else
        name = ("arg" + Twine(arg.getArgNumber())).str();
      observe(builder, arg.getLoc(), arg, name);
    }
  }

  // The ops of the program, not those inside linalg bodies.
  SmallVector<Operation *> ops;
  func.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == func)
      return WalkResult::advance();
    ops.push_back(op);
    return isa<linalg::LinalgOp>(op) ? WalkResult::skip()
                                     : WalkResult::advance();
  });

  // Nodes (ops sharing a NameLoc) that contain a compute op; compute ops
  // without a NameLoc are nodes of their own.
  llvm::StringSet<> computeNodes;
  DenseMap<Operation *, std::string> unnamedNodes;
  for (Operation *op : ops) {
    if (!isComputeOp(op))
      continue;
    if (std::optional<StringRef> name = getNodeName(op->getLoc()))
      computeNodes.insert(*name);
    else
      unnamedNodes[op] =
          (op->getName().getStringRef() + "_" + Twine(unnamedNodes.size()))
              .str();
  }
  DenseSet<Operation *> warned;
  auto getComputeNode = [&](Operation *op) -> std::optional<std::string> {
    if (std::optional<StringRef> name = getNodeName(op->getLoc()))
      return computeNodes.contains(*name) ? std::optional(name->str())
                                          : std::nullopt;
    auto it = unnamedNodes.find(op);
    if (it == unnamedNodes.end())
      return std::nullopt;
    if (warned.insert(op).second)
      op->emitWarning() << "compute op has no NameLoc; observing it as '"
                        << it->second << "'";
    return it->second;
  };

  for (Operation *op : ops) {
    if (weights && hasWeights(op)) {
      auto linalgOp = cast<linalg::LinalgOp>(op);
      std::optional<StringRef> locName = getNodeName(op->getLoc());
      arith::ConstantOp weight =
          traceToConstant(linalgOp.getDpsInputOperand(1)->get());
      arith::ConstantOp bias = findBias(linalgOp, locName.value_or(""));
      bool needed =
          (weight && !isObserved(weight)) || (bias && !isObserved(bias));
      std::optional<std::string> node =
          needed ? getComputeNode(op) : std::nullopt;
      if (node && weight && !isObserved(weight)) {
        builder.setInsertionPointAfter(weight);
        observe(builder, weight.getLoc(), weight, *node + "/weight");
      }
      if (node && bias && !isObserved(bias)) {
        builder.setInsertionPointAfter(bias);
        observe(builder, bias.getLoc(), bias, *node + "/bias");
      }
    }

    if (!activations)
      continue;
    // The node's outputs: float results used outside the node or returned.
    std::optional<StringRef> locName = getNodeName(op->getLoc());
    SmallVector<Value> outputs;
    for (Value result : op->getResults()) {
      if (!isFloatTensor(result.getType()) || result.use_empty() ||
          isObserved(result))
        continue;
      bool leavesNode =
          !locName || llvm::any_of(result.getUsers(), [&](Operation *user) {
            return user->hasTrait<OpTrait::IsTerminator>() ||
                   getNodeName(user->getLoc()) != locName;
          });
      if (leavesNode)
        outputs.push_back(result);
    }
    if (outputs.empty())
      continue;
    std::optional<std::string> node = getComputeNode(op);
    if (!node)
      continue;
    builder.setInsertionPointAfter(op);
    for (Value output : outputs)
      observe(builder, op->getLoc(), output, *node);
  }
}

} // namespace
