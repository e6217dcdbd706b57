//===- ShapeOps.cpp - Reshapes, Concat, Constant, shape computations ------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// Ops that move data without arithmetic. On float tensors they emit
// tensor.collapse_shape / expand_shape (Flatten, Reshape, Squeeze,
// Unsqueeze), linalg.transpose, tensor.concat and tensor.pad (constant
// Pad); Identity and inference
// Dropout forward their input. On int64 tensors known at import time (shape
// computations as exported by PyTorch: Shape, Gather, Unsqueeze, Concat,
// Reshape, Cast) they are evaluated by the importer and emit nothing; a
// dimension only known at run time (the dynamic batch) is an unknown
// element, which Reshape maps to the dynamic batch dimension.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

namespace {

int64_t getProduct(llvm::ArrayRef<int64_t> shape) {
  int64_t product = 1;
  for (int64_t size : shape)
    product *= size;
  return product;
}

/// Shape of a float or int input.
FailureOr<llvm::SmallVector<int64_t>> getAnyInputShape(NodeImporter &node,
                                                       unsigned i) {
  if (node.isIntInput(i)) {
    FailureOr<IntTensor> ints = node.getIntInput(i, "input");
    if (failed(ints))
      return failure();
    return ints->shape;
  }
  FailureOr<RankedTensorType> type = node.getInputType(i);
  if (failed(type))
    return failure();
  return llvm::SmallVector<int64_t>(type->getShape());
}

/// Gives output 0 input 0 reshaped to `shape`, for float and int inputs.
LogicalResult setReshapedOutput(NodeImporter &node,
                                llvm::ArrayRef<int64_t> shape) {
  if (node.isIntInput(0)) {
    FailureOr<IntTensor> ints = node.getIntInput(0, "input");
    if (failed(ints))
      return failure();
    if (llvm::any_of(shape, ShapedType::isDynamic) ||
        getProduct(shape) != static_cast<int64_t>(ints->values.size()))
      return node.emitError() << "invalid reshape of an int64 tensor";
    ints->shape.assign(shape.begin(), shape.end());
    return node.setOutputInts(0, std::move(*ints));
  }
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  FailureOr<Value> result = createReshape(node, *input, shape);
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

/// Axes from the attribute (before opset 13) or the optional input #1.
FailureOr<std::optional<llvm::SmallVector<int64_t>>>
getAxes(NodeImporter &node) {
  if (node.hasAttr("axes")) {
    FailureOr<llvm::SmallVector<int64_t>> axes = node.getIntsAttr("axes", {});
    if (failed(axes))
      return failure();
    return std::optional<llvm::SmallVector<int64_t>>(std::move(*axes));
  }
  if (!node.hasInput(1))
    return std::optional<llvm::SmallVector<int64_t>>();
  FailureOr<IntTensor> axes = node.getIntInput(1, "axes");
  if (failed(axes))
    return failure();
  if (axes->shape.size() > 1 || llvm::is_contained(axes->values, kUnknownInt))
    return node.emitError() << "axes must be a 1-D tensor of known values";
  return std::optional<llvm::SmallVector<int64_t>>(axes->values);
}

/// Normalizes and sorts axes against `rank`; errors on duplicates.
FailureOr<llvm::SmallVector<int64_t>>
normalizeAxes(NodeImporter &node, llvm::ArrayRef<int64_t> axes, int64_t rank) {
  llvm::SmallVector<int64_t> result;
  if (static_cast<int64_t>(axes.size()) > rank)
    return node.emitError() << "more axes than dimensions";
  for (int64_t axis : axes) {
    FailureOr<int64_t> normalized = normalizeAxis(axis, rank);
    if (failed(normalized))
      return node.emitError()
             << "axis " << axis << " is out of range for rank " << rank;
    if (llvm::is_contained(result, *normalized))
      return node.emitError() << "axis " << axis << " is repeated";
    result.push_back(*normalized);
  }
  llvm::sort(result);
  return result;
}

//===----------------------------------------------------------------------===//
// Identity, Dropout, Constant
//===----------------------------------------------------------------------===//

LogicalResult importIdentity(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkKnownAttrs({})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  return node.forwardInput(0, 0);
}

LogicalResult importDropout(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 3)) ||
      failed(node.checkKnownAttrs({"ratio", "seed", "is_test"})))
    return failure();
  if (node.isOutputUsed(1))
    return node.emitError() << "the mask output is not supported (inference "
                               "only)";
  if (failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  if (node.hasInput(2))
    return node.emitError()
           << "the training_mode input is not supported (inference only)";
  return node.forwardInput(0, 0);
}

LogicalResult importConstant(NodeImporter &node) {
  if (failed(node.checkNumInputs(0, 0)) || failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  if (node.getProto().attribute_size() != 1)
    return node.emitError() << "expects exactly one value attribute";
  const ::onnx::AttributeProto &attr = node.getProto().attribute(0);
  llvm::StringRef name = attr.name();
  MLIRContext *context = node.getContext();
  auto checkType = [&](::onnx::AttributeProto::AttributeType type) {
    if (attr.type() == type)
      return success();
    return LogicalResult(node.emitAttrError(name) << "has the wrong type");
  };
  if (name == "value") {
    if (failed(checkType(::onnx::AttributeProto::TENSOR)))
      return failure();
    const ::onnx::TensorProto &tensor = attr.t();
    auto emitTensorError = [&]() -> InFlightDiagnostic {
      return node.emitAttrError(name);
    };
    if (tensor.data_type() == ::onnx::TensorProto::FLOAT) {
      FailureOr<DenseElementsAttr> value =
          decodeFloatTensor(context, tensor, emitTensorError);
      if (failed(value))
        return failure();
      return node.setOutputConstant(0, *value);
    }
    if (isIntDataType(tensor.data_type())) {
      FailureOr<IntTensor> value = decodeIntTensor(tensor, emitTensorError);
      if (failed(value))
        return failure();
      return node.setOutputInts(0, std::move(*value));
    }
    return node.emitAttrError(name)
           << "data type " << getOnnxDataTypeName(tensor.data_type())
           << " is not supported (float32 and int64 only)";
  }
  if (name == "value_float") {
    if (failed(checkType(::onnx::AttributeProto::FLOAT)))
      return failure();
    return node.setOutputConstant(0, getF32Attr(context, {}, {attr.f()}));
  }
  if (name == "value_floats") {
    if (failed(checkType(::onnx::AttributeProto::FLOATS)))
      return failure();
    if (attr.floats_size() == 0)
      return node.emitAttrError(name) << "is empty";
    llvm::SmallVector<float> values(attr.floats().begin(), attr.floats().end());
    return node.setOutputConstant(
        0, getF32Attr(context, {static_cast<int64_t>(values.size())}, values));
  }
  if (name == "value_int") {
    if (failed(checkType(::onnx::AttributeProto::INT)))
      return failure();
    if (attr.i() == kUnknownInt)
      return node.emitAttrError(name) << "value out of range";
    return node.setOutputInts(0, IntTensor{{}, {attr.i()}});
  }
  if (name == "value_ints") {
    if (failed(checkType(::onnx::AttributeProto::INTS)))
      return failure();
    IntTensor ints;
    ints.values.assign(attr.ints().begin(), attr.ints().end());
    if (llvm::is_contained(ints.values, kUnknownInt))
      return node.emitAttrError(name) << "value out of range";
    ints.shape.push_back(ints.values.size());
    return node.setOutputInts(0, std::move(ints));
  }
  return node.emitError() << "unsupported attribute '" << name << "'";
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

LogicalResult importFlatten(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) ||
      failed(node.checkKnownAttrs({"axis"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", 1);
  FailureOr<llvm::SmallVector<int64_t>> shape =
      failed(axisAttr) ? FailureOr<llvm::SmallVector<int64_t>>(failure())
                       : getAnyInputShape(node, 0);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  FailureOr<int64_t> axis = normalizeAxis(*axisAttr, rank, /*allowRank=*/true);
  if (failed(axis))
    return node.emitAttrError("axis")
           << "value " << *axisAttr << " is out of range for rank " << rank;
  auto flatten = [](llvm::ArrayRef<int64_t> dims) {
    if (llvm::any_of(dims, ShapedType::isDynamic))
      return ShapedType::kDynamic;
    return getProduct(dims);
  };
  llvm::ArrayRef<int64_t> dims(*shape);
  return setReshapedOutput(
      node, {flatten(dims.take_front(*axis)), flatten(dims.drop_front(*axis))});
}

/// Resolves the 0 / -1 entries of an ONNX Reshape target against `input`.
FailureOr<llvm::SmallVector<int64_t>>
resolveReshapeTarget(NodeImporter &node, llvm::ArrayRef<int64_t> input,
                     llvm::ArrayRef<int64_t> target, bool allowZero) {
  llvm::SmallVector<int64_t> shape;
  std::optional<size_t> inferred;
  for (auto [index, value] : llvm::enumerate(target)) {
    if (value == kUnknownInt) {
      // Only known at run time: the dynamic batch size.
      shape.push_back(ShapedType::kDynamic);
    } else if (value == 0 && !allowZero) {
      if (index >= input.size())
        return node.emitError() << "shape entry " << index
                                << " copies a dimension the input lacks";
      shape.push_back(input[index]);
    } else if (value == -1) {
      if (inferred)
        return node.emitError() << "shape has more than one -1";
      inferred = index;
      shape.push_back(1);
    } else if (value <= 0 || value > (int64_t(1) << 40)) {
      return node.emitError() << "shape entry " << value << " is not supported";
    } else {
      shape.push_back(value);
    }
  }
  bool inputDynamic = llvm::any_of(input, ShapedType::isDynamic);
  bool targetDynamic = llvm::any_of(shape, ShapedType::isDynamic);
  // 0 when the product overflows.
  auto staticProduct = [](llvm::ArrayRef<int64_t> dims) {
    int64_t product = 1;
    for (int64_t dim : dims)
      if (!ShapedType::isDynamic(dim) &&
          __builtin_mul_overflow(product, dim, &product))
        return int64_t(0);
    return product;
  };
  if (target.size() > 64 || staticProduct(shape) == 0)
    return node.emitError() << "the target shape is too large";
  if (inferred) {
    if (inputDynamic && !targetDynamic) {
      shape[*inferred] = ShapedType::kDynamic;
    } else {
      int64_t known = staticProduct(shape);
      int64_t total = staticProduct(input);
      if (known == 0 || total % known != 0)
        return node.emitError() << "cannot infer the -1 entry of the shape";
      shape[*inferred] = total / known;
    }
  }
  return shape;
}

LogicalResult importReshape(NodeImporter &node) {
  if (failed(node.checkNumInputs(2, 2)) ||
      failed(node.checkKnownAttrs({"allowzero"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<int64_t> allowZero = node.getIntAttr("allowzero", 0);
  FailureOr<IntTensor> target = failed(allowZero)
                                    ? FailureOr<IntTensor>(failure())
                                    : node.getIntInput(1, "shape");
  FailureOr<llvm::SmallVector<int64_t>> input =
      failed(target) ? FailureOr<llvm::SmallVector<int64_t>>(failure())
                     : getAnyInputShape(node, 0);
  if (failed(input))
    return failure();
  if (target->shape.size() != 1)
    return node.emitError() << "shape must be 1-D";
  FailureOr<llvm::SmallVector<int64_t>> shape =
      resolveReshapeTarget(node, *input, target->values, *allowZero != 0);
  if (failed(shape))
    return failure();
  return setReshapedOutput(node, *shape);
}

/// What Squeeze and Unsqueeze share: the checks, the axes (attribute or
/// input #1, maybe absent) and the input's shape.
struct AxesAndShape {
  std::optional<llvm::SmallVector<int64_t>> axes;
  llvm::SmallVector<int64_t> shape;
};

FailureOr<AxesAndShape> getAxesAndShape(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 2)) ||
      failed(node.checkKnownAttrs({"axes"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<std::optional<llvm::SmallVector<int64_t>>> axes = getAxes(node);
  if (failed(axes))
    return failure();
  FailureOr<llvm::SmallVector<int64_t>> shape = getAnyInputShape(node, 0);
  if (failed(shape))
    return failure();
  return AxesAndShape{std::move(*axes), std::move(*shape)};
}

LogicalResult importSqueeze(NodeImporter &node) {
  FailureOr<AxesAndShape> operands = getAxesAndShape(node);
  if (failed(operands))
    return failure();
  std::optional<llvm::SmallVector<int64_t>> *axes = &operands->axes;
  llvm::SmallVector<int64_t> *input = &operands->shape;
  int64_t rank = input->size();
  llvm::SmallVector<int64_t> squeezed;
  if (*axes) {
    FailureOr<llvm::SmallVector<int64_t>> normalized =
        normalizeAxes(node, **axes, rank);
    if (failed(normalized))
      return failure();
    for (int64_t axis : *normalized)
      if ((*input)[axis] != 1)
        return node.emitError()
               << "cannot squeeze dimension " << axis << " (size "
               << (ShapedType::isDynamic((*input)[axis])
                       ? std::string("?")
                       : std::to_string((*input)[axis]))
               << ")";
    squeezed = std::move(*normalized);
  } else {
    for (int64_t dim = 0; dim < rank; ++dim)
      if ((*input)[dim] == 1)
        squeezed.push_back(dim);
  }
  llvm::SmallVector<int64_t> shape;
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!llvm::is_contained(squeezed, dim))
      shape.push_back((*input)[dim]);
  return setReshapedOutput(node, shape);
}

LogicalResult importUnsqueeze(NodeImporter &node) {
  FailureOr<AxesAndShape> operands = getAxesAndShape(node);
  if (failed(operands))
    return failure();
  std::optional<llvm::SmallVector<int64_t>> *axes = &operands->axes;
  llvm::SmallVector<int64_t> *input = &operands->shape;
  if (!*axes)
    return node.emitError() << "axes are required";
  if ((*axes)->size() > 16)
    return node.emitError() << "too many axes";
  int64_t rank = input->size() + (*axes)->size();
  FailureOr<llvm::SmallVector<int64_t>> normalized =
      normalizeAxes(node, **axes, rank);
  if (failed(normalized))
    return failure();
  llvm::SmallVector<int64_t> shape;
  auto next = input->begin();
  for (int64_t dim = 0; dim < rank; ++dim)
    shape.push_back(llvm::is_contained(*normalized, dim) ? 1 : *next++);
  return setReshapedOutput(node, shape);
}

//===----------------------------------------------------------------------===//
// Transpose and Concat
//===----------------------------------------------------------------------===//

LogicalResult importTranspose(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) ||
      failed(node.checkKnownAttrs({"perm"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(type))
    return failure();
  int64_t rank = type->getRank();
  llvm::SmallVector<int64_t> reversed;
  for (int64_t dim = rank - 1; dim >= 0; --dim)
    reversed.push_back(dim);
  FailureOr<llvm::SmallVector<int64_t>> perm =
      node.getIntsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  llvm::SmallVector<int64_t> sorted(*perm);
  llvm::sort(sorted);
  bool valid = static_cast<int64_t>(sorted.size()) == rank;
  for (int64_t dim = 0; valid && dim < rank; ++dim)
    valid = sorted[dim] == dim;
  if (!valid)
    return node.emitAttrError("perm")
           << "is not a permutation of the " << rank << " dimensions";
  if (DenseElementsAttr constant = node.getConstantInput(0))
    return node.setOutputConstant(0, transposeConstant(constant, *perm));
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  return node.setOutput(
      0, createTranspose(node.getBuilder(), node.getLoc(), *input, *perm));
}

LogicalResult importConcat(NodeImporter &node) {
  if (node.getNumInputs() < 1)
    return node.emitError() << "expects at least one input";
  if (failed(node.checkKnownAttrs({"axis"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  if (!node.hasAttr("axis"))
    return node.emitAttrError("axis") << "is required";
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", 0);
  if (failed(axisAttr))
    return failure();

  // int64 shape computations: 1-D concatenation.
  if (node.isIntInput(0)) {
    IntTensor result;
    result.shape.push_back(0);
    for (unsigned i = 0; i < node.getNumInputs(); ++i) {
      FailureOr<IntTensor> ints = node.getIntInput(i, "input");
      if (failed(ints))
        return failure();
      if (ints->shape.size() != 1 || (*axisAttr != 0 && *axisAttr != -1))
        return node.emitError()
               << "only 1-D concatenation of int64 tensors is supported";
      llvm::append_range(result.values, ints->values);
      result.shape[0] += ints->shape[0];
    }
    return node.setOutputInts(0, std::move(result));
  }

  FailureOr<llvm::SmallVector<Value>> maybeInputs = node.getInputs();
  if (failed(maybeInputs))
    return failure();
  llvm::SmallVector<Value> &inputs = *maybeInputs;
  auto firstType = cast<RankedTensorType>(inputs.front().getType());
  int64_t rank = firstType.getRank();
  FailureOr<int64_t> axis = normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return node.emitAttrError("axis")
           << "value " << *axisAttr << " is out of range for rank " << rank;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    bool compatible = type.getRank() == rank;
    for (int64_t dim = 0; compatible && dim < rank; ++dim)
      compatible =
          dim == *axis || type.getDimSize(dim) == firstType.getDimSize(dim);
    if (!compatible)
      return node.emitError() << "input shapes do not match outside the axis";
  }
  if (inputs.size() == 1)
    return node.setOutput(0, inputs.front());
  return node.setOutput(0,
                        tensor::ConcatOp::create(node.getBuilder(),
                                                 node.getLoc(), *axis, inputs));
}

LogicalResult importPad(NodeImporter &node) {
  bool padsAsInput = node.getOpset() >= 11;
  if (failed(node.checkNumInputs(padsAsInput ? 2 : 1, padsAsInput ? 3 : 1)) ||
      failed(node.checkKnownAttrs(
          padsAsInput
              ? llvm::ArrayRef<llvm::StringRef>{"mode"}
              : llvm::ArrayRef<llvm::StringRef>{"mode", "pads", "value"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<std::string> mode = node.getStringAttr("mode", "constant");
  if (failed(mode))
    return failure();
  if (*mode != "constant")
    return node.emitAttrError("mode")
           << "value '" << *mode << "' is not supported (constant only)";
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  int64_t rank = cast<RankedTensorType>(input->getType()).getRank();
  llvm::SmallVector<int64_t> pads;
  float value = 0.0f;
  Value dynamicValue;
  if (padsAsInput) {
    FailureOr<IntTensor> padsInput = node.getIntInput(1, "pads");
    if (failed(padsInput))
      return failure();
    pads = padsInput->values;
    if (node.hasInput(2)) {
      FailureOr<RankedTensorType> valueType = node.getInputType(2);
      if (failed(valueType))
        return failure();
      if (valueType->getNumElements() != 1)
        return node.emitError() << "constant_value must have one element";
      if (DenseElementsAttr constant = node.getConstantInput(2)) {
        value = *constant.getValues<float>().begin();
      } else {
        // A run-time scalar: read its only element.
        FailureOr<Value> tensor = node.getInput(2);
        if (failed(tensor))
          return failure();
        OpBuilder &b = node.getBuilder();
        llvm::SmallVector<Value> indices(
            valueType->getRank(),
            arith::ConstantIndexOp::create(b, node.getLoc(), 0));
        dynamicValue =
            tensor::ExtractOp::create(b, node.getLoc(), *tensor, indices);
      }
    }
  } else {
    FailureOr<llvm::SmallVector<int64_t>> padsAttr =
        node.getIntsAttr("pads", {});
    FailureOr<float> valueAttr = node.getFloatAttr("value", 0.0f);
    if (failed(padsAttr) || failed(valueAttr))
      return failure();
    pads = std::move(*padsAttr);
    value = *valueAttr;
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return node.emitError() << "pads must have " << 2 * rank << " values";
  llvm::ArrayRef<int64_t> low = llvm::ArrayRef(pads).take_front(rank);
  llvm::ArrayRef<int64_t> high = llvm::ArrayRef(pads).drop_front(rank);
  auto type = cast<RankedTensorType>(input->getType());
  for (int64_t dim = 0; dim < rank; ++dim) {
    if (low[dim] < 0 || high[dim] < 0 || low[dim] > (int64_t(1) << 30) ||
        high[dim] > (int64_t(1) << 30))
      return node.emitError() << "pads must be non-negative and small";
    if (type.isDynamicDim(dim) && (low[dim] != 0 || high[dim] != 0))
      return node.emitError() << "cannot pad the dynamic batch dimension";
  }
  if (dynamicValue)
    return node.setOutput(0,
                          createConstantPad(node.getBuilder(), node.getLoc(),
                                            *input, low, high, dynamicValue));
  return node.setOutput(0, createConstantPad(node.getBuilder(), node.getLoc(),
                                             *input, low, high, value));
}

//===----------------------------------------------------------------------===//
// int64 shape computations
//===----------------------------------------------------------------------===//

LogicalResult importShape(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) ||
      failed(node.checkKnownAttrs({"start", "end"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<llvm::SmallVector<int64_t>> shape = getAnyInputShape(node, 0);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  FailureOr<int64_t> start = node.getIntAttr("start", 0);
  FailureOr<int64_t> end = failed(start) ? FailureOr<int64_t>(failure())
                                         : node.getIntAttr("end", rank);
  if (failed(end))
    return failure();
  // Out-of-range start/end are clamped, as the spec says.
  auto clamp = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t first = clamp(*start), last = clamp(*end);
  IntTensor result;
  for (int64_t dim = first; dim < last; ++dim)
    result.values.push_back(
        ShapedType::isDynamic((*shape)[dim]) ? kUnknownInt : (*shape)[dim]);
  result.shape.push_back(result.values.size());
  return node.setOutputInts(0, std::move(result));
}

LogicalResult importGather(NodeImporter &node) {
  if (failed(node.checkNumInputs(2, 2)) ||
      failed(node.checkKnownAttrs({"axis"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  if (!node.isIntInput(0))
    return node.emitError() << "only gathers from int64 tensors known at "
                               "import time (shape computations) are "
                               "supported";
  FailureOr<IntTensor> data = node.getIntInput(0, "data");
  FailureOr<IntTensor> indices = failed(data) ? FailureOr<IntTensor>(failure())
                                              : node.getIntInput(1, "indices");
  FailureOr<int64_t> axis = failed(indices) ? FailureOr<int64_t>(failure())
                                            : node.getIntAttr("axis", 0);
  if (failed(axis))
    return failure();
  if (data->shape.size() != 1 || (*axis != 0 && *axis != -1))
    return node.emitError() << "only gathers from 1-D int64 tensors are "
                               "supported";
  int64_t size = data->values.size();
  IntTensor result;
  result.shape = indices->shape;
  for (int64_t index : indices->values) {
    if (index == kUnknownInt || index < -size || index >= size)
      return node.emitError() << "index " << index << " is out of range";
    result.values.push_back(data->values[index < 0 ? index + size : index]);
  }
  return node.setOutputInts(0, std::move(result));
}

LogicalResult importCast(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) ||
      failed(node.checkKnownAttrs({"to", "saturate"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<int64_t> to = node.getIntAttr("to", 0);
  if (failed(to))
    return failure();
  bool toInt = isIntDataType(*to);
  bool toFloat = *to == ::onnx::TensorProto::FLOAT;
  if (node.isIntInput(0)) {
    if (toInt)
      return node.forwardInput(0, 0);
    if (toFloat) {
      FailureOr<IntTensor> ints = node.getIntInput(0, "input");
      if (failed(ints))
        return failure();
      if (llvm::is_contained(ints->values, kUnknownInt))
        return node.emitError() << "cannot cast a value only known at run "
                                   "time";
      llvm::SmallVector<float> values(ints->values.begin(), ints->values.end());
      if (values.empty())
        return node.emitError() << "cannot cast an empty tensor";
      return node.setOutputConstant(
          0, getF32Attr(node.getContext(), ints->shape, values));
    }
  } else if (toFloat) {
    return node.forwardInput(0, 0);
  }
  return node.emitAttrError("to")
         << "cast to " << getOnnxDataTypeName(*to) << " is not supported";
}

} // namespace

void mlir::fxp::importer::registerShapeOps(OpImportTable &table) {
  table["Identity"] = importIdentity;
  table["Dropout"] = importDropout;
  table["Constant"] = importConstant;
  table["Flatten"] = importFlatten;
  table["Reshape"] = importReshape;
  table["Squeeze"] = importSqueeze;
  table["Unsqueeze"] = importUnsqueeze;
  table["Transpose"] = importTranspose;
  table["Concat"] = importConcat;
  table["Pad"] = importPad;
  table["Shape"] = importShape;
  table["Gather"] = importGather;
  table["Cast"] = importCast;
}
