//===- NetworkPatterns.cpp - float network patterns -----------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "NetworkPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::patterns;

ObserveOp patterns::findObserver(Value value) {
  while (value) {
    if (auto observer = value.getDefiningOp<ObserveOp>())
      return observer;
    Operation *op = value.getDefiningOp();
    if (!isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
                         tensor::CastOp>(op))
      return nullptr;
    value = op->getOperand(0);
  }
  return nullptr;
}

DenseFPElementsAttr patterns::getObservedConstant(ObserveOp observer) {
  if (!observer)
    return nullptr;
  auto constant = observer.getInput().getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return nullptr;
  return dyn_cast<DenseFPElementsAttr>(constant.getValue());
}

StringRef patterns::stringifyNodeKind(NodeKind kind) {
  switch (kind) {
  case NodeKind::Conv:
    return "conv";
  case NodeKind::Matmul:
    return "matmul";
  case NodeKind::Add:
    return "add";
  case NodeKind::GlobalAvgPool:
    return "pool";
  }
  return "unknown";
}

namespace {

bool isFloatZero(Value value) {
  APFloat zero(0.0);
  return matchPattern(value, m_PosZeroFloat()) ||
         matchPattern(value, m_AnyZeroFloat());
}

/// A generic whose every indexing map is the identity and whose iterators
/// are all parallel.
bool isElementwise(linalg::GenericOp generic) {
  return llvm::all_of(generic.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }) &&
         generic.getNumParallelLoops() == generic.getNumLoops();
}

/// The op that computes the yielded value when it is the body's only
/// non-constant op.
Operation *getSingleBodyOp(linalg::GenericOp generic) {
  Block *body = generic.getBody();
  Operation *single = nullptr;
  for (Operation &op : body->without_terminator()) {
    if (op.hasTrait<OpTrait::ConstantLike>())
      continue;
    if (single)
      return nullptr;
    single = &op;
  }
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (!single || yield.getNumOperands() != 1 ||
      yield.getOperand(0).getDefiningOp() != single)
    return nullptr;
  return single;
}

/// The users of `value` that read its elements: `tensor.dim` only reads the
/// shape, which quantization keeps.
SmallVector<Operation *> getValueUsers(Value value) {
  SmallVector<Operation *> users;
  for (Operation *user : value.getUsers())
    if (!isa<tensor::DimOp>(user))
      users.push_back(user);
  return users;
}

/// max(x, 0): one input, elementwise, `arith.maximumf %in, 0.0`.
bool isRelu(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 || !isElementwise(generic) ||
      generic->getNumResults() != 1)
    return false;
  Block *body = generic.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto max = yield.getOperand(0).getDefiningOp<arith::MaximumFOp>();
  if (!max)
    return false;
  Value in = body->getArgument(0);
  return (max.getLhs() == in && isFloatZero(max.getRhs())) ||
         (max.getRhs() == in && isFloatZero(max.getLhs()));
}

/// The observer that is the single user of `value`.
ObserveOp getSingleObserverUser(Value value) {
  SmallVector<Operation *> users = getValueUsers(value);
  if (users.size() != 1)
    return nullptr;
  return dyn_cast<ObserveOp>(users.front());
}

std::optional<NodeOutput> matchOutput(Value result, bool fuseRelu) {
  NodeOutput output;
  output.output = getSingleObserverUser(result);
  if (!output.output)
    return std::nullopt;
  SmallVector<Operation *> users = getValueUsers(output.output.getResult());
  if (!fuseRelu || users.size() != 1)
    return output;
  Operation *user = users.front();
  if (!isRelu(user))
    return output;
  ObserveOp reluOutput = getSingleObserverUser(user->getResult(0));
  if (!reluOutput)
    return output;
  output.relu = user;
  output.reluOutput = reluOutput;
  return output;
}

/// Adds `value`'s observer as an input of `node`; false if there is none.
bool addInput(Node &node, Value value) {
  ObserveOp observer = findObserver(value);
  if (!observer || observer.getInput().getDefiningOp<arith::ConstantOp>())
    return false;
  node.inputs.push_back(value);
  node.inputObservers.push_back(observer);
  return true;
}

ObserveOp getWeightObserver(Value value) {
  auto observer = value.getDefiningOp<ObserveOp>();
  if (!getObservedConstant(observer))
    return nullptr;
  return observer;
}

std::optional<Node> matchConv(linalg::Conv2DNchwFchwOp conv, bool fuseRelu) {
  Node node;
  node.kind = NodeKind::Conv;
  node.root = conv;
  Value input = conv.getDpsInputs()[0];
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    Value padValue = pad.getConstantPaddingValue();
    if (!padValue || !isFloatZero(padValue) || pad.getNofold())
      return std::nullopt;
    ArrayRef<int64_t> low = pad.getStaticLow();
    ArrayRef<int64_t> high = pad.getStaticHigh();
    if (low.size() != 4 || low[0] != 0 || low[1] != 0 || high[0] != 0 ||
        high[1] != 0 || llvm::any_of(low, ShapedType::isDynamic) ||
        llvm::any_of(high, ShapedType::isDynamic))
      return std::nullopt;
    node.padding = {low[2], low[3], high[2], high[3]};
    input = pad.getSource();
  }
  if (!addInput(node, input))
    return std::nullopt;
  node.weight = getWeightObserver(conv.getDpsInputs()[1]);
  if (!node.weight)
    return std::nullopt;
  Value init = conv.getDpsInits()[0];
  if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
    if (broadcast.getDimensions() != ArrayRef<int64_t>{0, 2, 3})
      return std::nullopt;
    node.bias = getWeightObserver(broadcast.getInput());
    if (!node.bias)
      return std::nullopt;
  } else if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    if (!isFloatZero(fill.getInputs()[0]))
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  node.strides = llvm::to_vector(conv.getStrides().getValues<int64_t>());
  node.dilations = llvm::to_vector(conv.getDilations().getValues<int64_t>());
  std::optional<NodeOutput> output = matchOutput(conv->getResult(0), fuseRelu);
  if (!output)
    return std::nullopt;
  node.output = *output;
  return node;
}

/// out = matmul + bias[d1]: a generic with maps (d0, d1), (d1) -> (d0, d1)
/// and an addf body.
ObserveOp matchGemmBias(Operation *op, Value product) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumLoops() != 2 || generic.getNumParallelLoops() != 2 ||
      generic.getDpsInputs()[0] != product)
    return nullptr;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  MLIRContext *context = op->getContext();
  AffineMap channel = AffineMap::get(2, 0, getAffineDimExpr(1, context));
  if (!maps[0].isIdentity() || maps[1] != channel || !maps[2].isIdentity())
    return nullptr;
  auto add = dyn_cast_or_null<arith::AddFOp>(getSingleBodyOp(generic));
  Block *body = generic.getBody();
  if (!add || !((add.getLhs() == body->getArgument(0) &&
                 add.getRhs() == body->getArgument(1)) ||
                (add.getLhs() == body->getArgument(1) &&
                 add.getRhs() == body->getArgument(0))))
    return nullptr;
  return getWeightObserver(generic.getDpsInputs()[1]);
}

std::optional<Node> matchMatmul(linalg::MatmulOp matmul, bool fuseRelu) {
  Node node;
  node.kind = NodeKind::Matmul;
  node.root = matmul;
  // Only the plain (row-major, no broadcast or transpose) form.
  if (!matmul.getIndexingMaps().empty() &&
      matmul.getIndexingMapsArray() !=
          linalg::MatmulOp::getDefaultIndexingMaps(matmul->getContext()))
    return std::nullopt;
  if (!addInput(node, matmul.getDpsInputs()[0]))
    return std::nullopt;
  node.weight = getWeightObserver(matmul.getDpsInputs()[1]);
  if (!node.weight)
    return std::nullopt;
  auto fill = matmul.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !isFloatZero(fill.getInputs()[0]))
    return std::nullopt;
  Value result = matmul->getResult(0);
  SmallVector<Operation *> users = getValueUsers(result);
  if (users.size() == 1) {
    Operation *user = users.front();
    if (ObserveOp bias = matchGemmBias(user, result)) {
      node.bias = bias;
      result = user->getResult(0);
    }
  }
  std::optional<NodeOutput> output = matchOutput(result, fuseRelu);
  if (!output)
    return std::nullopt;
  node.output = *output;
  return node;
}

std::optional<Node> matchAdd(linalg::GenericOp generic, bool fuseRelu) {
  if (generic.getNumDpsInputs() != 2 || !isElementwise(generic) ||
      generic->getNumResults() != 1)
    return std::nullopt;
  auto add = dyn_cast_or_null<arith::AddFOp>(getSingleBodyOp(generic));
  Block *body = generic.getBody();
  if (!add || add.getLhs() != body->getArgument(0) ||
      add.getRhs() != body->getArgument(1))
    return std::nullopt;
  Node node;
  node.kind = NodeKind::Add;
  node.root = generic;
  if (!addInput(node, generic.getDpsInputs()[0]) ||
      !addInput(node, generic.getDpsInputs()[1]))
    return std::nullopt;
  std::optional<NodeOutput> output =
      matchOutput(generic->getResult(0), fuseRelu);
  if (!output)
    return std::nullopt;
  node.output = *output;
  return node;
}

/// divf(sum over (d2, d3), H * W) on an N x C x H x W input.
std::optional<Node> matchGlobalAvgPool(linalg::GenericOp divide) {
  if (divide.getNumDpsInputs() != 1 || !isElementwise(divide) ||
      divide.getNumLoops() != 4)
    return std::nullopt;
  auto div = dyn_cast_or_null<arith::DivFOp>(getSingleBodyOp(divide));
  FloatAttr divisor;
  if (!div || div.getLhs() != divide.getBody()->getArgument(0) ||
      !matchPattern(div.getRhs(), m_Constant(&divisor)))
    return std::nullopt;
  auto sum = divide.getDpsInputs()[0].getDefiningOp<linalg::GenericOp>();
  if (!sum || sum.getNumDpsInputs() != 1 || sum.getNumLoops() != 4)
    return std::nullopt;
  MLIRContext *context = sum->getContext();
  AffineExpr zero = getAffineConstantExpr(0, context);
  AffineMap reduced = AffineMap::get(
      4, 0,
      {getAffineDimExpr(0, context), getAffineDimExpr(1, context), zero, zero},
      context);
  SmallVector<AffineMap> maps = sum.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iterators = sum.getIteratorTypesArray();
  if (!maps[0].isIdentity() || maps[1] != reduced ||
      iterators[2] != utils::IteratorType::reduction ||
      iterators[3] != utils::IteratorType::reduction)
    return std::nullopt;
  auto add = dyn_cast_or_null<arith::AddFOp>(getSingleBodyOp(sum));
  if (!add)
    return std::nullopt;
  auto fill = sum.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !isFloatZero(fill.getInputs()[0]))
    return std::nullopt;
  auto inputType = dyn_cast<RankedTensorType>(sum.getDpsInputs()[0].getType());
  if (!inputType || inputType.isDynamicDim(2) || inputType.isDynamicDim(3) ||
      divisor.getValueAsDouble() !=
          double(inputType.getDimSize(2) * inputType.getDimSize(3)))
    return std::nullopt;
  Node node;
  node.kind = NodeKind::GlobalAvgPool;
  node.root = divide;
  if (!addInput(node, sum.getDpsInputs()[0]))
    return std::nullopt;
  std::optional<NodeOutput> output =
      matchOutput(divide->getResult(0), /*fuseRelu=*/false);
  if (!output)
    return std::nullopt;
  node.output = *output;
  return node;
}

} // namespace

bool patterns::isReluOp(Operation *op) { return isRelu(op); }

SmallVector<Operation *> patterns::getDataUsers(Value value) {
  return getValueUsers(value);
}

std::optional<Node> patterns::matchNode(Operation *op, bool fuseRelu) {
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
    return matchConv(conv, fuseRelu);
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
    return matchMatmul(matmul, fuseRelu);
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    if (std::optional<Node> add = matchAdd(generic, fuseRelu))
      return add;
    return matchGlobalAvgPool(generic);
  }
  return std::nullopt;
}

std::optional<unsigned> patterns::getWeightChannelAxis(ObserveOp weight) {
  for (Operation *user : weight.getResult().getUsers()) {
    if (isa<linalg::Conv2DNchwFchwOp>(user) && user->getOperand(1) == weight)
      return 0u;
    if (isa<linalg::MatmulOp>(user) && user->getOperand(1) == weight)
      return 1u;
  }
  return std::nullopt;
}

std::optional<Node> patterns::findBiasUser(ObserveOp bias) {
  for (Operation *user : bias.getResult().getUsers()) {
    if (auto broadcast = dyn_cast<linalg::BroadcastOp>(user)) {
      for (Operation *kernel : broadcast->getResult(0).getUsers())
        if (std::optional<Node> node = matchNode(kernel))
          if (node->bias == bias)
            return node;
      continue;
    }
    if (auto generic = dyn_cast<linalg::GenericOp>(user)) {
      if (generic.getNumDpsInputs() != 2)
        continue;
      Operation *kernel = generic.getDpsInputs()[0].getDefiningOp();
      if (kernel)
        if (std::optional<Node> node = matchNode(kernel))
          if (node->bias == bias)
            return node;
    }
  }
  return std::nullopt;
}
