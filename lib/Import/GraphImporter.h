//===- GraphImporter.h - ONNX graph import state (internal) -----*- C++ -*-===//
//
// Part of the fxp project.
//
// Internal to lib/Import. The graph importer walks the nodes of an ONNX graph
// in order and binds every ONNX value name to what is known about it at
// import time: an MLIR tensor value, a float32 constant payload (initializers
// and Constant nodes, materialized as `arith.constant` on first use), or an
// int64 tensor (shape computations, consumed at import time and never
// emitted). One handler per ONNX op type lowers a node through a
// NodeImporter, the node's view on that state.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_IMPORT_GRAPHIMPORTER_H
#define FXP_LIB_IMPORT_GRAPHIMPORTER_H

#include "fxp/Import/OnnxImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <limits>
#include <optional>

namespace mlir::fxp::importer {

/// Marks an element of an IntTensor whose value is only known at run time
/// (e.g. the dynamic batch size read by a Shape op).
constexpr int64_t kUnknownInt = std::numeric_limits<int64_t>::min();

/// An int64 tensor known at import time. Shape computations (Shape, Gather,
/// Concat, ... on int64 data) are evaluated on these and never emitted.
struct IntTensor {
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<int64_t> values;
};

/// What an ONNX value name is bound to.
struct Binding {
  /// The MLIR value, once materialized.
  Value value;
  /// float32 payload of a constant (initializer or Constant node).
  DenseElementsAttr constant;
  /// int64 payload known at import time.
  std::optional<IntTensor> ints;
  /// An initializer not decoded yet.
  const ::onnx::TensorProto *initializer = nullptr;
  /// Location given to the constant when it is materialized.
  LocationAttr loc;
  /// Decoding failed and was reported; later uses fail silently.
  bool invalid = false;
};

class GraphImporter;
class NodeImporter;

/// Lowers one ONNX node; errors are emitted through NodeImporter::emitError.
using OpImportFn = LogicalResult (*)(NodeImporter &node);
using OpImportTable = llvm::StringMap<OpImportFn>;

// Op families, one translation unit each.
void registerConvPoolOps(OpImportTable &table);
void registerMatMulOps(OpImportTable &table);
void registerElementwiseOps(OpImportTable &table);
void registerNormalizationOps(OpImportTable &table);
void registerShapeOps(OpImportTable &table);

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, const ::onnx::ModelProto &model,
                llvm::StringRef sourceName, const OnnxImportOptions &options);

  /// Builds the module; null after an error has been emitted.
  OwningOpRef<ModuleOp> importModel();

  MLIRContext *getContext() { return context; }
  OpBuilder &getBuilder() { return builder; }
  int64_t getOpset() const { return opset; }
  const OnnxImportOptions &getOptions() const { return options; }

  /// The binding of an ONNX value name, or null when it is not defined.
  Binding *lookup(llvm::StringRef name);
  /// Number of node inputs and graph outputs that read `name`.
  unsigned getUseCount(llvm::StringRef name) const;
  /// The node producing `name`, or null (graph input, initializer).
  const ::onnx::NodeProto *getProducer(llvm::StringRef name) const;
  /// The nodes that read `name`.
  llvm::ArrayRef<const ::onnx::NodeProto *> getUsers(llvm::StringRef name);

  /// Decodes a pending initializer of `binding` in place. `emitError` names
  /// the user in the diagnostic.
  LogicalResult decode(Binding &binding, llvm::StringRef name,
                       llvm::function_ref<InFlightDiagnostic()> emitError);
  /// Returns the MLIR value of a float binding, creating the arith.constant
  /// of a constant on first use.
  FailureOr<Value>
  materialize(Binding &binding, llvm::StringRef name,
              llvm::function_ref<InFlightDiagnostic()> emitError);

  /// Defines `name`; errors if it is already defined (SSA violation).
  LogicalResult define(llvm::StringRef name, Binding binding,
                       llvm::function_ref<InFlightDiagnostic()> emitError);

  /// The location of a node: NameLoc of its name, or "<OpType>_<index>".
  Location getNodeLoc(const ::onnx::NodeProto &node);

  /// Marks `node` as imported together with another node (e.g. a
  /// BatchNormalization folded into its Conv); the main loop skips it.
  void absorb(const ::onnx::NodeProto *node) { absorbed.insert(node); }

private:
  LogicalResult analyzeGraph();
  LogicalResult importInitializers();
  LogicalResult importConstantNodes();
  FailureOr<Type> importInputType(const ::onnx::ValueInfoProto &input);
  LogicalResult importNode(const ::onnx::NodeProto &node);
  void propagateLocationsIntoRegions(Operation *root);

  MLIRContext *context;
  const ::onnx::ModelProto &model;
  const ::onnx::GraphProto &graph;
  std::string sourceName;
  OnnxImportOptions options;
  OpBuilder builder;
  int64_t opset = 0;
  OpImportTable handlers;

  llvm::StringMap<Binding> bindings;
  llvm::StringMap<unsigned> useCounts;
  llvm::StringMap<const ::onnx::NodeProto *> producers;
  llvm::StringMap<llvm::SmallVector<const ::onnx::NodeProto *, 2>> users;
  llvm::DenseMap<const ::onnx::NodeProto *, unsigned> nodeIndex;
  llvm::SmallPtrSet<const ::onnx::NodeProto *, 4> absorbed;
};

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

/// A node's view on the graph importer: typed access to its inputs and
/// attributes, diagnostics that name the node, and output binding.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const ::onnx::NodeProto &node);

  GraphImporter &getGraph() { return graph; }
  const ::onnx::NodeProto &getProto() const { return node; }
  OpBuilder &getBuilder() { return graph.getBuilder(); }
  MLIRContext *getContext() { return graph.getContext(); }
  Location getLoc() const { return loc; }
  int64_t getOpset() const { return graph.getOpset(); }
  llvm::StringRef getOpType() const { return node.op_type(); }
  llvm::StringRef getName() const { return name; }

  /// An error at the node's location, prefixed "node 'N' (op 'T'): ".
  InFlightDiagnostic emitError();
  /// Same as a warning.
  InFlightDiagnostic emitWarning();

  //===--- Inputs ---------------------------------------------------------===//

  unsigned getNumInputs() const { return node.input_size(); }
  /// True when input `i` is present (optional inputs may be "").
  bool hasInput(unsigned i) const;
  llvm::StringRef getInputName(unsigned i) const;
  /// Checks the number of inputs (present or not) is within [min, max].
  LogicalResult checkNumInputs(unsigned min, unsigned max);
  /// Input `i` as a float tensor value (materializing constants).
  FailureOr<Value> getInput(unsigned i);
  /// Every input, materialized in order.
  FailureOr<llvm::SmallVector<Value>> getInputs();
  /// Input `i` as a ranked float tensor type.
  FailureOr<RankedTensorType> getInputType(unsigned i);
  /// The float32 payload of input `i` when it is a constant, else null.
  DenseElementsAttr getConstantInput(unsigned i);
  /// The int64 payload of input `i`; errors when it is not known at import
  /// time (`what` describes the input in the message).
  FailureOr<IntTensor> getIntInput(unsigned i, llvm::StringRef what);
  /// Whether input `i` is an int64 tensor known at import time.
  bool isIntInput(unsigned i);
  /// Float constant input `i` as a scalar, when it has one element.
  FailureOr<float> getScalarConstantInput(unsigned i, llvm::StringRef what);

  //===--- Attributes -----------------------------------------------------===//

  const ::onnx::AttributeProto *getAttr(llvm::StringRef attrName) const;
  bool hasAttr(llvm::StringRef attrName) const {
    return getAttr(attrName) != nullptr;
  }
  FailureOr<int64_t> getIntAttr(llvm::StringRef attrName, int64_t dflt);
  FailureOr<float> getFloatAttr(llvm::StringRef attrName, float dflt);
  FailureOr<std::string> getStringAttr(llvm::StringRef attrName,
                                       llvm::StringRef dflt);
  FailureOr<llvm::SmallVector<int64_t>>
  getIntsAttr(llvm::StringRef attrName, llvm::ArrayRef<int64_t> dflt);
  /// Errors for every attribute of the node not in `known`.
  LogicalResult checkKnownAttrs(llvm::ArrayRef<llvm::StringRef> known);
  /// An error naming an attribute and its unsupported value.
  InFlightDiagnostic emitAttrError(llvm::StringRef attrName);

  //===--- Outputs --------------------------------------------------------===//

  unsigned getNumOutputs() const { return node.output_size(); }
  /// True when output `i` exists and something reads it.
  bool isOutputUsed(unsigned i) const;
  /// Errors when an output other than the first `supported` ones is used.
  LogicalResult checkOnlyOutputsUsed(unsigned supported);
  LogicalResult setOutput(unsigned i, Value value);
  LogicalResult setOutputInts(unsigned i, IntTensor ints);
  LogicalResult setOutputConstant(unsigned i, DenseElementsAttr constant);
  /// Binds output `i` to the same thing as input `j` (Identity, Dropout).
  LogicalResult forwardInput(unsigned i, unsigned j);

private:
  Binding *lookupInput(unsigned i);
  LogicalResult setOutputBinding(unsigned i, Binding binding);

  GraphImporter &graph;
  const ::onnx::NodeProto &node;
  std::string name;
  Location loc;
};

//===----------------------------------------------------------------------===//
// Tensor decoding (TensorDecoding.cpp)
//===----------------------------------------------------------------------===//

/// Name of an ONNX TensorProto data type, for messages.
llvm::StringRef getOnnxDataTypeName(int32_t dataType);

/// Decodes a float32 TensorProto into a DenseElementsAttr.
FailureOr<DenseElementsAttr>
decodeFloatTensor(MLIRContext *context, const ::onnx::TensorProto &tensor,
                  llvm::function_ref<InFlightDiagnostic()> emitError);

/// Decodes an int64 or int32 TensorProto.
FailureOr<IntTensor>
decodeIntTensor(const ::onnx::TensorProto &tensor,
                llvm::function_ref<InFlightDiagnostic()> emitError);

/// True for the integer data types decodeIntTensor accepts.
bool isIntDataType(int32_t dataType);

} // namespace mlir::fxp::importer

#endif // FXP_LIB_IMPORT_GRAPHIMPORTER_H
