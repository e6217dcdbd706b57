//===- OnnxImporter.cpp - ONNX model -> float MLIR ------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// Entry points of the importer and the graph walk: reads the ModelProto,
// checks the opset, turns graph inputs into function arguments, binds
// initializers and Constant nodes (materialized lazily), lowers every node
// through the handler of its op type and returns the graph outputs.
//
// Opset policy: opsets 11-17 of the default ONNX domain are supported;
// others import with a warning. The handlers apply the semantics of the
// model's opset where ops changed (Softmax axis, Squeeze / Unsqueeze axes,
// Clip bounds, Gemm's optional C, ...), and they reject every attribute they
// do not know, so an old-opset attribute with other semantics (Add's
// `broadcast`, BatchNormalization's `spatial` = 0, ...) is an error rather
// than a silent misreading.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"

#include <climits>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

namespace {
constexpr int64_t kMinOpset = 1;
constexpr int64_t kMinSupportedOpset = 11;
constexpr int64_t kMaxSupportedOpset = 17;
/// Limits on graph input shapes, so shape arithmetic cannot overflow.
constexpr int kMaxRank = 16;
constexpr int64_t kMaxDimSize = (int64_t(1) << 31) - 1;
constexpr int64_t kMaxElements = int64_t(1) << 40;
} // namespace

//===----------------------------------------------------------------------===//
// GraphImporter: setup and analysis
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext *context,
                             const ::onnx::ModelProto &model,
                             llvm::StringRef sourceName,
                             const OnnxImportOptions &options)
    : context(context), model(model), graph(model.graph()),
      sourceName(sourceName.str()), options(options), builder(context) {
  registerConvPoolOps(handlers);
  registerMatMulOps(handlers);
  registerElementwiseOps(handlers);
  registerNormalizationOps(handlers);
  registerShapeOps(handlers);
}

Binding *GraphImporter::lookup(llvm::StringRef name) {
  auto it = bindings.find(name);
  return it == bindings.end() ? nullptr : &it->second;
}

unsigned GraphImporter::getUseCount(llvm::StringRef name) const {
  auto it = useCounts.find(name);
  return it == useCounts.end() ? 0 : it->second;
}

const ::onnx::NodeProto *
GraphImporter::getProducer(llvm::StringRef name) const {
  auto it = producers.find(name);
  return it == producers.end() ? nullptr : it->second;
}

llvm::ArrayRef<const ::onnx::NodeProto *>
GraphImporter::getUsers(llvm::StringRef name) {
  auto it = users.find(name);
  if (it == users.end())
    return {};
  return it->second;
}

Location GraphImporter::getNodeLoc(const ::onnx::NodeProto &node) {
  std::string name = node.name();
  if (name.empty())
    name = node.op_type() + "_" + std::to_string(nodeIndex.lookup(&node));
  return NameLoc::get(StringAttr::get(context, name));
}

LogicalResult GraphImporter::analyzeGraph() {
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    nodeIndex[&node] = index;
    for (const std::string &input : node.input()) {
      if (input.empty())
        continue;
      ++useCounts[input];
      auto &list = users[input];
      if (list.empty() || list.back() != &node)
        list.push_back(&node);
    }
    for (const std::string &output : node.output())
      if (!output.empty())
        producers.try_emplace(output, &node);
  }
  for (const ::onnx::ValueInfoProto &output : graph.output())
    ++useCounts[output.name()];
  return success();
}

LogicalResult
GraphImporter::define(llvm::StringRef name, Binding binding,
                      llvm::function_ref<InFlightDiagnostic()> emitError) {
  if (name.empty())
    return success();
  auto [it, inserted] = bindings.try_emplace(name, std::move(binding));
  if (!inserted)
    return emitError() << "value '" << name << "' is defined more than once";
  return success();
}

//===----------------------------------------------------------------------===//
// GraphImporter: constants
//===----------------------------------------------------------------------===//

LogicalResult
GraphImporter::decode(Binding &binding, llvm::StringRef name,
                      llvm::function_ref<InFlightDiagnostic()> emitError) {
  if (binding.invalid)
    return failure();
  if (!binding.initializer)
    return success();
  const ::onnx::TensorProto &tensor = *binding.initializer;
  auto emitTensorError = [&]() -> InFlightDiagnostic {
    return emitError() << "initializer '" << name << "': ";
  };
  if (tensor.data_type() == ::onnx::TensorProto::FLOAT) {
    FailureOr<DenseElementsAttr> attr =
        decodeFloatTensor(context, tensor, emitTensorError);
    if (failed(attr)) {
      binding.invalid = true;
      return failure();
    }
    binding.constant = *attr;
  } else if (isIntDataType(tensor.data_type())) {
    FailureOr<IntTensor> ints = decodeIntTensor(tensor, emitTensorError);
    if (failed(ints)) {
      binding.invalid = true;
      return failure();
    }
    binding.ints = std::move(*ints);
  } else {
    binding.invalid = true;
    return emitTensorError()
           << "data type " << getOnnxDataTypeName(tensor.data_type())
           << " is not supported (float32 and int64 only)";
  }
  binding.initializer = nullptr;
  return success();
}

FailureOr<Value>
GraphImporter::materialize(Binding &binding, llvm::StringRef name,
                           llvm::function_ref<InFlightDiagnostic()> emitError) {
  if (binding.value)
    return binding.value;
  if (failed(decode(binding, name, emitError)))
    return failure();
  if (binding.ints)
    return emitError() << "'" << name
                       << "' is an int64 tensor where a float32 tensor is "
                          "expected";
  if (!binding.constant)
    return emitError() << "'" << name << "' has no value";
  Location loc = binding.loc ? Location(binding.loc) : builder.getUnknownLoc();
  binding.value = createTensorConstant(builder, loc, binding.constant);
  return binding.value;
}

LogicalResult GraphImporter::importInitializers() {
  Location fileLoc = FileLineColLoc::get(context, sourceName, 0, 0);
  for (const ::onnx::TensorProto &tensor : graph.initializer()) {
    if (tensor.name().empty())
      return emitError(fileLoc) << "an initializer has no name";
    Binding binding;
    binding.initializer = &tensor;
    binding.loc = NameLoc::get(StringAttr::get(context, tensor.name()));
    if (failed(define(tensor.name(), std::move(binding),
                      [&] { return emitError(fileLoc); })))
      return failure();
  }
  if (graph.sparse_initializer_size() != 0)
    return emitError(fileLoc) << "sparse initializers are not supported";
  return success();
}

LogicalResult GraphImporter::importConstantNodes() {
  // Constant nodes have no inputs, so they are bound before the walk: a
  // value computed from them (e.g. BatchNormalization parameters folded into
  // a Conv) is then known wherever the Constant node sits in the graph.
  // Unused ones are skipped (exporters leave some of types fxp does not
  // read).
  for (const ::onnx::NodeProto &node : graph.node()) {
    if (node.op_type() != "Constant" ||
        (!node.domain().empty() && node.domain() != "ai.onnx"))
      continue;
    if (llvm::none_of(node.output(), [&](const std::string &output) {
          return getUseCount(output) != 0;
        }))
      continue;
    if (failed(importNode(node)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// GraphImporter: the walk
//===----------------------------------------------------------------------===//

FailureOr<Type>
GraphImporter::importInputType(const ::onnx::ValueInfoProto &input) {
  Location loc = NameLoc::get(StringAttr::get(context, input.name()));
  auto fail = [&]() {
    return emitError(loc) << "graph input '" << input.name() << "' ";
  };
  if (!input.has_type() || !input.type().has_tensor_type())
    return fail() << "is not a tensor";
  const auto &tensorType = input.type().tensor_type();
  if (tensorType.elem_type() != ::onnx::TensorProto::FLOAT)
    return fail() << "has element type "
                  << getOnnxDataTypeName(tensorType.elem_type())
                  << "; only float32 inputs are supported";
  if (!tensorType.has_shape())
    return fail() << "has no shape";
  if (tensorType.shape().dim_size() > kMaxRank)
    return fail() << "has rank " << tensorType.shape().dim_size()
                  << "; at most " << kMaxRank << " is supported";
  llvm::SmallVector<int64_t> shape;
  int64_t elements = 1;
  for (auto [index, dim] : llvm::enumerate(tensorType.shape().dim())) {
    if (dim.has_dim_value()) {
      if (dim.dim_value() <= 0)
        return fail() << "has a dimension of size " << dim.dim_value()
                      << " (empty tensors are not supported)";
      if (dim.dim_value() > kMaxDimSize ||
          (elements *= dim.dim_value()) > kMaxElements)
        return fail() << "is too large";
      shape.push_back(dim.dim_value());
      continue;
    }
    if (index != 0)
      return fail() << "has a symbolic dimension "
                    << (dim.has_dim_param() ? "'" + dim.dim_param() + "' "
                                            : std::string())
                    << "at index " << index
                    << "; only the batch dimension (0) may be symbolic";
    if (options.dynamicBatch) {
      shape.push_back(ShapedType::kDynamic);
    } else {
      if (options.batchSize <= 0 || options.batchSize > kMaxDimSize)
        return fail() << "cannot take batch size " << options.batchSize;
      shape.push_back(options.batchSize);
      elements *= options.batchSize;
    }
  }
  return Type(getF32TensorType(shape, context));
}

LogicalResult GraphImporter::importNode(const ::onnx::NodeProto &node) {
  NodeImporter nodeImporter(*this, node);
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return nodeImporter.emitError()
           << "unsupported ONNX op (domain '" << node.domain() << "')";
  auto it = handlers.find(node.op_type());
  if (it == handlers.end())
    return nodeImporter.emitError() << "unsupported ONNX op";
  if (failed(it->second(nodeImporter)))
    return failure();
  // Every output something reads must have been produced.
  for (auto [index, output] : llvm::enumerate(node.output())) {
    if (output.empty() || getUseCount(output) == 0 || lookup(output))
      continue;
    return nodeImporter.emitError() << "output #" << index << " ('" << output
                                    << "') is used but not supported";
  }
  return success();
}

void GraphImporter::propagateLocationsIntoRegions(Operation *root) {
  // Named linalg ops build their bodies with unknown locations, and
  // linalg.generic gives its block arguments the locations of its operands;
  // give bodies the location of their op, so everything names its node.
  root->walk<WalkOrder::PreOrder>([](Operation *op) {
    Operation *parent = op->getParentOp();
    if (isa<UnknownLoc>(op->getLoc()) && parent &&
        !isa<UnknownLoc>(parent->getLoc()))
      op->setLoc(parent->getLoc());
    if (isa<ModuleOp, func::FuncOp>(op))
      return;
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument argument : block.getArguments())
          argument.setLoc(op->getLoc());
  });
}

OwningOpRef<ModuleOp> GraphImporter::importModel() {
  Location fileLoc = FileLineColLoc::get(context, sourceName, 0, 0);

  // Opset of the default domain.
  bool hasDefaultDomain = false;
  for (const ::onnx::OperatorSetIdProto &opsetId : model.opset_import()) {
    if (opsetId.domain().empty() || opsetId.domain() == "ai.onnx") {
      opset = opsetId.version();
      hasDefaultDomain = true;
    }
  }
  if (!hasDefaultDomain)
    return emitError(fileLoc)
               << "the model imports no opset of the default ONNX domain",
           nullptr;
  if (opset < kMinOpset)
    return emitError(fileLoc) << "invalid opset version " << opset, nullptr;
  if (opset < kMinSupportedOpset || opset > kMaxSupportedOpset)
    emitWarning(fileLoc) << "opset " << opset
                         << " is outside the supported range "
                         << kMinSupportedOpset << "-" << kMaxSupportedOpset
                         << "; importing with the semantics known for it";

  if (failed(analyzeGraph()) || failed(importInitializers()))
    return nullptr;

  // Function signature: graph inputs that are not initializers.
  llvm::SmallVector<Type> argTypes;
  llvm::SmallVector<const ::onnx::ValueInfoProto *> args;
  for (const ::onnx::ValueInfoProto &input : graph.input()) {
    if (input.name().empty())
      return emitError(fileLoc) << "a graph input has no name", nullptr;
    if (Binding *binding = lookup(input.name());
        binding && binding->initializer)
      continue;
    FailureOr<Type> type = importInputType(input);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    args.push_back(&input);
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  Location funcLoc =
      graph.name().empty()
          ? fileLoc
          : Location(NameLoc::get(StringAttr::get(context, graph.name())));
  auto func = func::FuncOp::create(builder, funcLoc, options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToEnd(body);
  StringAttr nameAttrName = StringAttr::get(context, "fxp.name");
  for (auto [index, input] : llvm::enumerate(args)) {
    func.setArgAttr(index, nameAttrName,
                    StringAttr::get(context, input->name()));
    body->getArgument(index).setLoc(
        NameLoc::get(StringAttr::get(context, input->name())));
    Binding binding;
    binding.value = body->getArgument(index);
    if (failed(define(input->name(), std::move(binding),
                      [&] { return emitError(fileLoc); })))
      return nullptr;
  }

  if (failed(importConstantNodes()))
    return nullptr;
  for (const ::onnx::NodeProto &node : graph.node()) {
    if (node.op_type() == "Constant" &&
        (node.domain().empty() || node.domain() == "ai.onnx"))
      continue;
    if (absorbed.contains(&node))
      continue;
    if (failed(importNode(node)))
      return nullptr;
  }

  // Results: the graph outputs, in order.
  llvm::SmallVector<Value> results;
  for (const ::onnx::ValueInfoProto &output : graph.output()) {
    Location loc = NameLoc::get(StringAttr::get(context, output.name()));
    auto fail = [&]() {
      return emitError(loc) << "graph output '" << output.name() << "' ";
    };
    Binding *binding = lookup(output.name());
    if (!binding)
      return fail() << "is not produced by any node", nullptr;
    if (failed(decode(*binding, output.name(), fail)))
      return nullptr;
    if (binding->ints)
      return fail() << "is an int64 tensor; only float32 outputs are "
                       "supported",
             nullptr;
    FailureOr<Value> value =
        materialize(*binding, output.name(), [&] { return emitError(loc); });
    if (failed(value))
      return nullptr;
    results.push_back(*value);
  }
  func::ReturnOp::create(builder, funcLoc, results);
  func.setType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [index, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(index, nameAttrName,
                       StringAttr::get(context, output.name()));

  propagateLocationsIntoRegions(*module);
  if (failed(verify(*module)))
    return emitError(fileLoc)
               << "internal error: the imported module does not verify",
           nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

static void loadImportDialects(MLIRContext *context) {
  context->loadDialect<arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, math::MathDialect,
                       tensor::TensorDialect>();
}

OwningOpRef<ModuleOp>
mlir::fxp::importOnnxBuffer(MLIRContext *context, llvm::StringRef bytes,
                            llvm::StringRef bufferName,
                            const OnnxImportOptions &options) {
  loadImportDialects(context);
  Location fileLoc = FileLineColLoc::get(context, bufferName, 0, 0);
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return emitError(fileLoc) << "'" << bufferName
                              << "' is larger than 2 GiB; ONNX models with "
                                 "external data are not supported",
           nullptr;
  ::onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return emitError(fileLoc) << "'" << bufferName
                              << "' is not an ONNX model (protobuf parse "
                                 "error)",
           nullptr;
  if (!model.has_graph() || model.opset_import_size() == 0)
    return emitError(fileLoc) << "'" << bufferName
                              << "' is not an ONNX model (no graph or opset)",
           nullptr;
  GraphImporter importer(context, model, bufferName, options);
  return importer.importModel();
}

OwningOpRef<ModuleOp>
mlir::fxp::importOnnxFile(MLIRContext *context, llvm::StringRef path,
                          const OnnxImportOptions &options) {
  loadImportDialects(context);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (std::error_code error = buffer.getError())
    return emitError(UnknownLoc::get(context))
               << "cannot open ONNX model '" << path
               << "': " << error.message(),
           nullptr;
  return importOnnxBuffer(context, (*buffer)->getBuffer(), path, options);
}
