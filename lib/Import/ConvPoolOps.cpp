//===- ConvPoolOps.cpp - Conv, MaxPool, AveragePool, global pools ---------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// 2-D NCHW convolution and pooling. Padding (explicit `pads` in ONNX order
// [h_begin, w_begin, h_end, w_end], or auto_pad SAME_UPPER / SAME_LOWER /
// VALID) becomes a `tensor.pad` in front of the named linalg op:
//   Conv                    linalg.conv_2d_nchw_fchw, init = bias broadcast
//   Conv, group == C == M   linalg.depthwise_conv_2d_nchw_chw, weights
//   [C,kh,kw] Conv, other groups      linalg.conv_2d_ngchw_gfchw between
//   expand/collapse MaxPool                 -inf padding,
//   linalg.pooling_nchw_max AveragePool             0 padding,
//   linalg.pooling_nchw_sum, then a divide
//                           by the number of counted window elements per
//                           output position (count_include_pad, ceil_mode)
//   GlobalAverage/MaxPool   reduction over the spatial dims, kept as size 1
// A BatchNormalization reading only the Conv result, with constant
// parameters and constant Conv weights, is folded into weights and bias.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "Normalization.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

namespace {

//===----------------------------------------------------------------------===//
// Window geometry
//===----------------------------------------------------------------------===//

/// Strides, dilations, padding and output size of a 2-D window op.
struct WindowGeometry {
  llvm::SmallVector<int64_t, 2> strides;
  llvm::SmallVector<int64_t, 2> dilations;
  /// ONNX pads: [h_begin, w_begin, h_end, w_end].
  llvm::SmallVector<int64_t, 4> pads;
  /// Extra padding at the end that ceil_mode needs; never counted.
  llvm::SmallVector<int64_t, 2> ceilPadding;
  llvm::SmallVector<int64_t, 2> output;
};

FailureOr<llvm::SmallVector<int64_t>> getSpatialInts(NodeImporter &node,
                                                     llvm::StringRef attrName,
                                                     size_t size, int64_t dflt,
                                                     int64_t min) {
  FailureOr<llvm::SmallVector<int64_t>> values =
      node.getIntsAttr(attrName, llvm::SmallVector<int64_t>(size, dflt));
  if (failed(values))
    return failure();
  if (values->size() != size)
    return node.emitAttrError(attrName)
           << "expected " << size << " values, got " << values->size();
  for (int64_t value : *values)
    if (value < min || value > (int64_t(1) << 30))
      return node.emitAttrError(attrName)
             << "value " << value << " is not supported";
  return values;
}

FailureOr<WindowGeometry> getWindowGeometry(NodeImporter &node,
                                            llvm::ArrayRef<int64_t> input,
                                            llvm::ArrayRef<int64_t> kernel,
                                            bool ceilMode,
                                            bool hasDilations = true) {
  WindowGeometry geometry;
  FailureOr<llvm::SmallVector<int64_t>> strides =
      getSpatialInts(node, "strides", 2, 1, 1);
  FailureOr<llvm::SmallVector<int64_t>> dilations =
      hasDilations ? getSpatialInts(node, "dilations", 2, 1, 1)
                   : FailureOr<llvm::SmallVector<int64_t>>(
                         llvm::SmallVector<int64_t>{1, 1});
  FailureOr<llvm::SmallVector<int64_t>> pads =
      getSpatialInts(node, "pads", 4, 0, 0);
  FailureOr<std::string> autoPad = node.getStringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad))
    return failure();
  geometry.strides.assign(strides->begin(), strides->end());
  geometry.dilations.assign(dilations->begin(), dilations->end());
  geometry.pads.assign(pads->begin(), pads->end());
  geometry.ceilPadding.assign(2, 0);
  bool same = *autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER";
  if (!same && *autoPad != "VALID" && *autoPad != "NOTSET")
    return node.emitAttrError("auto_pad")
           << "value '" << *autoPad << "' is not supported";
  if (*autoPad != "NOTSET" &&
      llvm::any_of(geometry.pads, [](int64_t p) { return p != 0; }))
    return node.emitAttrError("pads")
           << "cannot be combined with auto_pad " << *autoPad;

  for (int i = 0; i < 2; ++i) {
    int64_t stride = geometry.strides[i];
    int64_t extent = (kernel[i] - 1) * geometry.dilations[i] + 1;
    int64_t out;
    if (same) {
      out = (input[i] + stride - 1) / stride;
      int64_t total =
          std::max<int64_t>((out - 1) * stride + extent - input[i], 0);
      int64_t small = total / 2;
      geometry.pads[i] = *autoPad == "SAME_UPPER" ? small : total - small;
      geometry.pads[i + 2] = total - geometry.pads[i];
    } else {
      int64_t padded = input[i] + geometry.pads[i] + geometry.pads[i + 2];
      if (padded < extent)
        return node.emitError()
               << "the window (" << extent
               << ") is larger than the padded input (" << padded << ")";
      out = (padded - extent) / stride + 1;
      if (ceilMode) {
        out = (padded - extent + stride - 1) / stride + 1;
        // The last window must start inside the input or the begin padding.
        if ((out - 1) * stride >= input[i] + geometry.pads[i])
          --out;
        geometry.ceilPadding[i] =
            std::max<int64_t>((out - 1) * stride + extent - padded, 0);
      }
    }
    if (out <= 0)
      return node.emitError() << "the output would be empty";
    geometry.output.push_back(out);
  }
  return geometry;
}

/// tensor.pad of the two spatial dims of an NCHW tensor with `value`.
Value createSpatialPad(OpBuilder &b, Location loc, Value input,
                       llvm::ArrayRef<int64_t> low,
                       llvm::ArrayRef<int64_t> high, float value) {
  return createConstantPad(b, loc, input, {0, 0, low[0], low[1]},
                           {0, 0, high[0], high[1]}, value);
}

DenseIntElementsAttr getPairAttr(OpBuilder &b, llvm::ArrayRef<int64_t> pair) {
  return b.getI64TensorAttr(pair);
}

FailureOr<Value> getNchwInput(NodeImporter &node, llvm::StringRef what) {
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (type.getRank() != 4)
    return node.emitError()
           << "only 2-D " << what << " (4-D NCHW input) is supported, got rank "
           << type.getRank();
  if (llvm::any_of(type.getShape().drop_front(), ShapedType::isDynamic))
    return node.emitError() << "only the batch dimension may be dynamic";
  return input;
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

LogicalResult importConv(NodeImporter &node) {
  if (failed(node.checkNumInputs(2, 3)) ||
      failed(node.checkKnownAttrs({"auto_pad", "dilations", "group",
                                   "kernel_shape", "pads", "strides"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  FailureOr<Value> input = getNchwInput(node, "Conv");
  FailureOr<RankedTensorType> weightType =
      failed(input) ? FailureOr<RankedTensorType>(failure())
                    : node.getInputType(1);
  FailureOr<int64_t> group = failed(weightType) ? FailureOr<int64_t>(failure())
                                                : node.getIntAttr("group", 1);
  if (failed(group))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  if (weightType->getRank() != 4)
    return node.emitError()
           << "weights must be 4-D, got rank " << weightType->getRank();
  int64_t channels = inputType.getDimSize(1);
  int64_t outChannels = weightType->getDimSize(0);
  int64_t groupChannels = weightType->getDimSize(1);
  llvm::SmallVector<int64_t> kernel{weightType->getDimSize(2),
                                    weightType->getDimSize(3)};
  if (*group < 1 || *group > channels || channels != groupChannels * *group ||
      outChannels % *group != 0)
    return node.emitAttrError("group")
           << "value " << *group << " does not divide input channels "
           << channels << " (weights " << outChannels << "x" << groupChannels
           << ")";
  FailureOr<llvm::SmallVector<int64_t>> kernelShape =
      node.getIntsAttr("kernel_shape", kernel);
  if (failed(kernelShape))
    return failure();
  if (llvm::ArrayRef<int64_t>(*kernelShape) != llvm::ArrayRef<int64_t>(kernel))
    return node.emitAttrError("kernel_shape") << "does not match the weights";
  FailureOr<WindowGeometry> geometry = getWindowGeometry(
      node, inputType.getShape().drop_front(2), kernel, /*ceilMode=*/false);
  if (failed(geometry))
    return failure();

  // Weights and bias, with a following BatchNormalization folded in.
  DenseElementsAttr weightConst = node.getConstantInput(1);
  DenseElementsAttr biasConst =
      node.hasInput(2) ? node.getConstantInput(2) : DenseElementsAttr();
  if (node.hasInput(2)) {
    FailureOr<RankedTensorType> biasType = node.getInputType(2);
    if (failed(biasType))
      return failure();
    if (biasType->getShape() != llvm::ArrayRef<int64_t>{outChannels})
      return node.emitError()
             << "bias must have " << outChannels << " elements";
  }
  const ::onnx::NodeProto *foldedBatchNorm = nullptr;
  if (weightConst && (!node.hasInput(2) || biasConst)) {
    if (auto folded = matchFoldableBatchNorm(node, outChannels)) {
      foldedBatchNorm = folded->first;
      const ChannelAffine &affine = folded->second;
      llvm::SmallVector<float> weights = getF32Values(weightConst);
      int64_t perChannel = weights.size() / outChannels;
      for (int64_t o = 0; o < outChannels; ++o)
        for (int64_t k = 0; k < perChannel; ++k)
          weights[o * perChannel + k] *= affine.scale[o];
      llvm::SmallVector<float> bias(outChannels, 0.0f);
      if (biasConst)
        bias = getF32Values(biasConst);
      for (int64_t o = 0; o < outChannels; ++o)
        bias[o] = bias[o] * affine.scale[o] + affine.shift[o];
      weightConst =
          getF32Attr(node.getContext(), weightType->getShape(), weights);
      biasConst = getF32Attr(node.getContext(), {outChannels}, bias);
    }
  }
  // Weights and bias in the shape a conv form needs: constants are
  // reshaped at import, other values through collapse/expand_shape.
  auto getOperand = [&](unsigned index, DenseElementsAttr constant,
                        llvm::ArrayRef<int64_t> shape) -> FailureOr<Value> {
    RankedTensorType type = getF32TensorType(shape, b.getContext());
    if (constant && (foldedBatchNorm || constant.getType() != type))
      return createTensorConstant(b, loc, constant.reshape(type));
    FailureOr<Value> value = node.getInput(index);
    if (failed(value))
      return failure();
    return createReshape(node, *value, shape);
  };
  Value padded = createSpatialPad(
      b, loc, *input, llvm::ArrayRef(geometry->pads).take_front(2),
      llvm::ArrayRef(geometry->pads).drop_front(2), 0.0f);
  OpFoldResult batch = getDimSize(b, loc, *input, 0);
  DenseIntElementsAttr strides = getPairAttr(b, geometry->strides);
  DenseIntElementsAttr dilations = getPairAttr(b, geometry->dilations);
  int64_t oh = geometry->output[0], ow = geometry->output[1];
  auto outType = getF32TensorType(
      {inputType.getDimSize(0), outChannels, oh, ow}, b.getContext());
  Value result;

  if (*group == 1 || (*group == channels && outChannels == channels)) {
    llvm::SmallVector<OpFoldResult> sizes{batch, b.getIndexAttr(outChannels),
                                          b.getIndexAttr(oh),
                                          b.getIndexAttr(ow)};
    Value init;
    if (node.hasInput(2) || foldedBatchNorm) {
      FailureOr<Value> bias = getOperand(2, biasConst, {outChannels});
      if (failed(bias))
        return failure();
      init = linalg::BroadcastOp::create(b, loc, *bias,
                                         createEmptyTensor(b, loc, sizes),
                                         llvm::ArrayRef<int64_t>{0, 2, 3})
                 .getResult()[0];
    } else {
      init = createFilledTensor(b, loc, sizes, 0.0f);
    }
    // Depthwise (multiplier 1) weights: [C, 1, kh, kw] -> [C, kh, kw].
    llvm::SmallVector<int64_t> weightShape =
        *group == 1
            ? llvm::SmallVector<int64_t>(weightType->getShape())
            : llvm::SmallVector<int64_t>{channels, kernel[0], kernel[1]};
    FailureOr<Value> weight = getOperand(1, weightConst, weightShape);
    if (failed(weight))
      return failure();
    if (*group == 1) {
      result = linalg::Conv2DNchwFchwOp::create(
                   b, loc, TypeRange{outType}, ValueRange{padded, *weight},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
    } else {
      result = linalg::DepthwiseConv2DNchwChwOp::create(
                   b, loc, TypeRange{outType}, ValueRange{padded, *weight},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
    }
  } else {
    // Grouped: NCHW -> NGCHW, [M, C/g, kh, kw] -> [G, M/g, C/g, kh, kw].
    int64_t g = *group;
    int64_t groupOut = outChannels / g;
    auto paddedType = cast<RankedTensorType>(padded.getType());
    llvm::SmallVector<int64_t> groupedInputShape{
        paddedType.getDimSize(0), g, groupChannels, paddedType.getDimSize(2),
        paddedType.getDimSize(3)};
    llvm::SmallVector<OpFoldResult> groupedInputSizes{
        getDimSize(b, loc, padded, 0), b.getIndexAttr(g),
        b.getIndexAttr(groupChannels), b.getIndexAttr(groupedInputShape[3]),
        b.getIndexAttr(groupedInputShape[4])};
    Value groupedInput = tensor::ExpandShapeOp::create(
        b, loc, getF32TensorType(groupedInputShape, b.getContext()), padded,
        llvm::ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}},
        groupedInputSizes);
    FailureOr<Value> groupedWeight = getOperand(
        1, weightConst, {g, groupOut, groupChannels, kernel[0], kernel[1]});
    if (failed(groupedWeight))
      return failure();
    llvm::SmallVector<OpFoldResult> sizes{
        batch, b.getIndexAttr(g), b.getIndexAttr(groupOut), b.getIndexAttr(oh),
        b.getIndexAttr(ow)};
    Value init;
    if (node.hasInput(2) || foldedBatchNorm) {
      FailureOr<Value> groupedBias = getOperand(2, biasConst, {g, groupOut});
      if (failed(groupedBias))
        return failure();
      init = linalg::BroadcastOp::create(b, loc, *groupedBias,
                                         createEmptyTensor(b, loc, sizes),
                                         llvm::ArrayRef<int64_t>{0, 3, 4})
                 .getResult()[0];
    } else {
      init = createFilledTensor(b, loc, sizes, 0.0f);
    }
    auto groupedOutType = getF32TensorType(
        {inputType.getDimSize(0), g, groupOut, oh, ow}, b.getContext());
    Value grouped = linalg::Conv2DNgchwGfchwOp::create(
                        b, loc, TypeRange{groupedOutType},
                        ValueRange{groupedInput, *groupedWeight},
                        ValueRange{init}, strides, dilations)
                        .getResult(0);
    result = tensor::CollapseShapeOp::create(
        b, loc, outType, grouped,
        llvm::ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  }

  if (foldedBatchNorm) {
    node.getGraph().absorb(foldedBatchNorm);
    Binding binding;
    binding.value = result;
    if (failed(node.getGraph().define(foldedBatchNorm->output(0),
                                      std::move(binding),
                                      [&] { return node.emitError(); })))
      return failure();
  }
  return node.setOutput(0, result);
}

//===----------------------------------------------------------------------===//
// MaxPool and AveragePool
//===----------------------------------------------------------------------===//

FailureOr<llvm::SmallVector<int64_t>> getKernelShape(NodeImporter &node) {
  if (!node.hasAttr("kernel_shape"))
    return node.emitAttrError("kernel_shape") << "is required";
  return getSpatialInts(node, "kernel_shape", 2, 1, 1);
}

/// What MaxPool and AveragePool share: the NCHW input padded with
/// `padValue` (explicit pads plus ceil_mode's extra end padding), the output
/// init filled with `padValue`, the window shape tensor and the geometry.
struct PoolSetup {
  Value input;
  llvm::SmallVector<int64_t> kernel;
  WindowGeometry geometry;
  Value padded;
  Value init;
  Value window;
};

FailureOr<PoolSetup> preparePool(NodeImporter &node, llvm::StringRef opName,
                                 bool hasDilations, float padValue) {
  FailureOr<Value> input = getNchwInput(node, opName);
  if (failed(input))
    return failure();
  FailureOr<llvm::SmallVector<int64_t>> kernel = getKernelShape(node);
  if (failed(kernel))
    return failure();
  FailureOr<int64_t> ceilMode = node.getIntAttr("ceil_mode", 0);
  if (failed(ceilMode))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  FailureOr<WindowGeometry> geometry =
      getWindowGeometry(node, inputType.getShape().drop_front(2), *kernel,
                        *ceilMode != 0, hasDilations);
  if (failed(geometry))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  PoolSetup setup{*input, *kernel, *geometry, {}, {}, {}};
  llvm::SmallVector<int64_t> high{geometry->pads[2] + geometry->ceilPadding[0],
                                  geometry->pads[3] + geometry->ceilPadding[1]};
  setup.padded = createSpatialPad(b, loc, *input,
                                  llvm::ArrayRef(geometry->pads).take_front(2),
                                  high, padValue);
  llvm::SmallVector<OpFoldResult> sizes{
      getDimSize(b, loc, *input, 0), getDimSize(b, loc, *input, 1),
      b.getIndexAttr(geometry->output[0]), b.getIndexAttr(geometry->output[1])};
  setup.init = createFilledTensor(b, loc, sizes, padValue);
  setup.window = createEmptyTensor(
      b, loc, {b.getIndexAttr((*kernel)[0]), b.getIndexAttr((*kernel)[1])});
  return setup;
}

LogicalResult importMaxPool(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) ||
      failed(node.checkKnownAttrs({"auto_pad", "ceil_mode", "dilations",
                                   "kernel_shape", "pads", "storage_order",
                                   "strides"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<PoolSetup> pool = preparePool(node, "MaxPool",
                                          /*hasDilations=*/true, -INFINITY);
  if (failed(pool))
    return failure();
  OpBuilder &b = node.getBuilder();
  Value result =
      linalg::PoolingNchwMaxOp::create(
          b, node.getLoc(), TypeRange{pool->init.getType()},
          ValueRange{pool->padded, pool->window}, ValueRange{pool->init},
          getPairAttr(b, pool->geometry.strides),
          getPairAttr(b, pool->geometry.dilations))
          .getResult(0);
  return node.setOutput(0, result);
}

/// Number of window taps of output position `out` that fall in [lo, hi).
int64_t countTaps(int64_t out, int64_t stride, int64_t padBegin, int64_t kernel,
                  int64_t lo, int64_t hi) {
  // Taps k in [0, kernel) with lo <= start + k < hi.
  int64_t start = out * stride - padBegin;
  int64_t first = std::max<int64_t>(0, lo - start);
  int64_t last = std::min<int64_t>(kernel, hi - start);
  return std::max<int64_t>(0, last - first);
}

LogicalResult importAveragePool(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) ||
      failed(node.checkKnownAttrs({"auto_pad", "ceil_mode", "count_include_pad",
                                   "kernel_shape", "pads", "strides"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<int64_t> includePad = node.getIntAttr("count_include_pad", 0);
  if (failed(includePad))
    return failure();
  FailureOr<PoolSetup> pool = preparePool(node, "AveragePool",
                                          /*hasDilations=*/false, 0.0f);
  if (failed(pool))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = pool->input;
  llvm::ArrayRef<int64_t> kernel = pool->kernel;
  const WindowGeometry *geometry = &pool->geometry;
  llvm::ArrayRef<int64_t> spatial =
      cast<RankedTensorType>(input.getType()).getShape().drop_front(2);
  Value sum = linalg::PoolingNchwSumOp::create(
                  b, loc, TypeRange{pool->init.getType()},
                  ValueRange{pool->padded, pool->window},
                  ValueRange{pool->init}, getPairAttr(b, geometry->strides),
                  getPairAttr(b, geometry->dilations))
                  .getResult(0);

  // Divisors: taps inside the input, or inside input + explicit pads with
  // count_include_pad; ceil_mode's extra padding never counts.
  int64_t oh = geometry->output[0], ow = geometry->output[1];
  if (oh * ow > (int64_t(1) << 24) ||
      kernel[0] * kernel[1] > (int64_t(1) << 24))
    return node.emitError() << "the output or window is too large";
  llvm::SmallVector<float> divisors;
  for (int64_t y = 0; y < oh; ++y) {
    for (int64_t x = 0; x < ow; ++x) {
      int64_t rows, cols;
      if (*includePad) {
        rows = countTaps(y, geometry->strides[0], geometry->pads[0], kernel[0],
                         -geometry->pads[0], spatial[0] + geometry->pads[2]);
        cols = countTaps(x, geometry->strides[1], geometry->pads[1], kernel[1],
                         -geometry->pads[1], spatial[1] + geometry->pads[3]);
      } else {
        rows = countTaps(y, geometry->strides[0], geometry->pads[0], kernel[0],
                         0, spatial[0]);
        cols = countTaps(x, geometry->strides[1], geometry->pads[1], kernel[1],
                         0, spatial[1]);
      }
      divisors.push_back(static_cast<float>(std::max<int64_t>(rows * cols, 1)));
    }
  }
  bool uniform = llvm::all_equal(divisors);
  FailureOr<Value> result;
  if (uniform) {
    float divisor = divisors.front();
    result = createBroadcastElementwise(
        node, {sum}, [&](OpBuilder &nb, Location nl, ValueRange args) {
          return arith::DivFOp::create(nb, nl, args[0],
                                       createF32Constant(nb, nl, divisor))
              .getResult();
        });
  } else {
    Value divisorTensor = createTensorConstant(
        b, loc, getF32Attr(b.getContext(), {oh, ow}, divisors));
    result = createBroadcastElementwise(
        node, {sum, divisorTensor},
        [](OpBuilder &nb, Location nl, ValueRange args) {
          return arith::DivFOp::create(nb, nl, args[0], args[1]).getResult();
        });
  }
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

//===----------------------------------------------------------------------===//
// Global pools
//===----------------------------------------------------------------------===//

template <bool IsMax> LogicalResult importGlobalPool(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkKnownAttrs({})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (type.getRank() < 3)
    return node.emitError()
           << "expects an input of rank 3 or more, got " << type.getRank();
  if (llvm::any_of(type.getShape().drop_front(2), ShapedType::isDynamic))
    return node.emitError() << "the spatial dimensions must be static";
  llvm::SmallVector<int64_t> spatialDims;
  int64_t count = 1;
  for (int64_t dim = 2; dim < type.getRank(); ++dim) {
    spatialDims.push_back(dim);
    count *= type.getDimSize(dim);
  }
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value reduced = createReduction(
      b, loc, *input, spatialDims, /*keepDims=*/true, IsMax ? -INFINITY : 0.0f,
      [](OpBuilder &nb, Location nl, Value x, Value acc) -> Value {
        if (IsMax)
          return arith::MaximumFOp::create(nb, nl, x, acc);
        return arith::AddFOp::create(nb, nl, x, acc);
      });
  if (IsMax)
    return node.setOutput(0, reduced);
  FailureOr<Value> result = createBroadcastElementwise(
      node, {reduced}, [&](OpBuilder &nb, Location nl, ValueRange args) {
        return arith::DivFOp::create(
                   nb, nl, args[0],
                   createF32Constant(nb, nl, static_cast<float>(count)))
            .getResult();
      });
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

} // namespace

void mlir::fxp::importer::registerConvPoolOps(OpImportTable &table) {
  table["Conv"] = importConv;
  table["MaxPool"] = importMaxPool;
  table["AveragePool"] = importAveragePool;
  table["GlobalAveragePool"] = importGlobalPool</*IsMax=*/false>;
  table["GlobalMaxPool"] = importGlobalPool</*IsMax=*/true>;
}
