//===- NodeImporter.cpp - A node's view on the graph importer -------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// Typed access to the inputs, attributes and outputs of one ONNX node, with
// diagnostics that name the node and its op type.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

NodeImporter::NodeImporter(GraphImporter &graph, const ::onnx::NodeProto &node)
    : graph(graph), node(node), loc(graph.getNodeLoc(node)) {
  name = cast<NameLoc>(loc).getName().str();
}

InFlightDiagnostic NodeImporter::emitError() {
  return mlir::emitError(loc)
         << "node '" << name << "' (op '" << getOpType() << "'): ";
}

InFlightDiagnostic NodeImporter::emitWarning() {
  return mlir::emitWarning(loc)
         << "node '" << name << "' (op '" << getOpType() << "'): ";
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

bool NodeImporter::hasInput(unsigned i) const {
  return i < getNumInputs() && !node.input(i).empty();
}

llvm::StringRef NodeImporter::getInputName(unsigned i) const {
  return i < getNumInputs() ? llvm::StringRef(node.input(i))
                            : llvm::StringRef();
}

LogicalResult NodeImporter::checkNumInputs(unsigned min, unsigned max) {
  unsigned present = getNumInputs();
  // Trailing optional inputs may be given as "".
  while (present > 0 && node.input(present - 1).empty())
    --present;
  if (present < min || getNumInputs() > max) {
    InFlightDiagnostic diag = emitError() << "expects ";
    if (min == max)
      diag << min;
    else
      diag << min << " to " << max;
    return diag << " inputs, got " << getNumInputs();
  }
  for (unsigned i = 0; i < min; ++i)
    if (!hasInput(i))
      return emitError() << "input #" << i << " is required";
  return success();
}

Binding *NodeImporter::lookupInput(unsigned i) {
  if (!hasInput(i)) {
    emitError() << "input #" << i << " is missing";
    return nullptr;
  }
  Binding *binding = graph.lookup(node.input(i));
  if (!binding)
    emitError() << "input '" << node.input(i)
                << "' is not defined before the node (graph not "
                   "topologically sorted?)";
  return binding;
}

FailureOr<Value> NodeImporter::getInput(unsigned i) {
  Binding *binding = lookupInput(i);
  if (!binding)
    return failure();
  return graph.materialize(*binding, node.input(i),
                           [&] { return emitError(); });
}

FailureOr<llvm::SmallVector<Value>> NodeImporter::getInputs() {
  llvm::SmallVector<Value> inputs;
  for (unsigned i = 0, e = getNumInputs(); i < e; ++i) {
    FailureOr<Value> input = getInput(i);
    if (failed(input))
      return failure();
    inputs.push_back(*input);
  }
  return inputs;
}

FailureOr<RankedTensorType> NodeImporter::getInputType(unsigned i) {
  Binding *binding = lookupInput(i);
  if (!binding || failed(graph.decode(*binding, node.input(i),
                                      [&] { return emitError(); })))
    return failure();
  if (binding->constant)
    return cast<RankedTensorType>(binding->constant.getType());
  FailureOr<Value> value = getInput(i);
  if (failed(value))
    return failure();
  return cast<RankedTensorType>(value->getType());
}

DenseElementsAttr NodeImporter::getConstantInput(unsigned i) {
  if (!hasInput(i))
    return nullptr;
  Binding *binding = graph.lookup(node.input(i));
  if (!binding || failed(graph.decode(*binding, node.input(i),
                                      [&] { return emitError(); })))
    return nullptr;
  return binding->constant;
}

bool NodeImporter::isIntInput(unsigned i) {
  if (!hasInput(i))
    return false;
  Binding *binding = graph.lookup(node.input(i));
  if (!binding || failed(graph.decode(*binding, node.input(i),
                                      [&] { return emitError(); })))
    return false;
  return binding->ints.has_value();
}

FailureOr<IntTensor> NodeImporter::getIntInput(unsigned i,
                                               llvm::StringRef what) {
  Binding *binding = lookupInput(i);
  if (!binding || failed(graph.decode(*binding, node.input(i),
                                      [&] { return emitError(); })))
    return failure();
  if (!binding->ints)
    return emitError() << what << " ('" << node.input(i)
                       << "') must be an int64 tensor known at import time";
  return *binding->ints;
}

FailureOr<float> NodeImporter::getScalarConstantInput(unsigned i,
                                                      llvm::StringRef what) {
  DenseElementsAttr attr = getConstantInput(i);
  if (!attr || attr.getNumElements() != 1)
    return emitError() << what << " ('" << getInputName(i)
                       << "') must be a float32 constant with one element";
  return *attr.getValues<float>().begin();
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const ::onnx::AttributeProto *
NodeImporter::getAttr(llvm::StringRef attrName) const {
  for (const ::onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == attrName)
      return &attr;
  return nullptr;
}

InFlightDiagnostic NodeImporter::emitAttrError(llvm::StringRef attrName) {
  return emitError() << "attribute '" << attrName << "': ";
}

FailureOr<int64_t> NodeImporter::getIntAttr(llvm::StringRef attrName,
                                            int64_t dflt) {
  const ::onnx::AttributeProto *attr = getAttr(attrName);
  if (!attr)
    return dflt;
  if (attr->type() != ::onnx::AttributeProto::INT)
    return emitAttrError(attrName) << "expected an int";
  return attr->i();
}

FailureOr<float> NodeImporter::getFloatAttr(llvm::StringRef attrName,
                                            float dflt) {
  const ::onnx::AttributeProto *attr = getAttr(attrName);
  if (!attr)
    return dflt;
  if (attr->type() != ::onnx::AttributeProto::FLOAT)
    return emitAttrError(attrName) << "expected a float";
  return attr->f();
}

FailureOr<std::string> NodeImporter::getStringAttr(llvm::StringRef attrName,
                                                   llvm::StringRef dflt) {
  const ::onnx::AttributeProto *attr = getAttr(attrName);
  if (!attr)
    return dflt.str();
  if (attr->type() != ::onnx::AttributeProto::STRING)
    return emitAttrError(attrName) << "expected a string";
  return attr->s();
}

FailureOr<llvm::SmallVector<int64_t>>
NodeImporter::getIntsAttr(llvm::StringRef attrName,
                          llvm::ArrayRef<int64_t> dflt) {
  const ::onnx::AttributeProto *attr = getAttr(attrName);
  if (!attr)
    return llvm::SmallVector<int64_t>(dflt);
  if (attr->type() != ::onnx::AttributeProto::INTS)
    return emitAttrError(attrName) << "expected a list of ints";
  return llvm::SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

LogicalResult
NodeImporter::checkKnownAttrs(llvm::ArrayRef<llvm::StringRef> known) {
  for (const ::onnx::AttributeProto &attr : node.attribute())
    if (!llvm::is_contained(known, llvm::StringRef(attr.name())))
      return emitError() << "unsupported attribute '" << attr.name() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

bool NodeImporter::isOutputUsed(unsigned i) const {
  return i < getNumOutputs() && !node.output(i).empty() &&
         graph.getUseCount(node.output(i)) > 0;
}

LogicalResult NodeImporter::checkOnlyOutputsUsed(unsigned supported) {
  if (getNumOutputs() < 1)
    return emitError() << "has no output";
  for (unsigned i = supported; i < getNumOutputs(); ++i)
    if (isOutputUsed(i))
      return emitError() << "output #" << i << " ('" << node.output(i)
                         << "') is used but not supported";
  return success();
}

LogicalResult NodeImporter::setOutputBinding(unsigned i, Binding binding) {
  if (i >= getNumOutputs())
    return emitError() << "has no output #" << i;
  return graph.define(node.output(i), std::move(binding),
                      [&] { return emitError(); });
}

LogicalResult NodeImporter::setOutput(unsigned i, Value value) {
  Binding binding;
  binding.value = value;
  return setOutputBinding(i, std::move(binding));
}

LogicalResult NodeImporter::setOutputInts(unsigned i, IntTensor ints) {
  Binding binding;
  binding.ints = std::move(ints);
  return setOutputBinding(i, std::move(binding));
}

LogicalResult NodeImporter::setOutputConstant(unsigned i,
                                              DenseElementsAttr constant) {
  Binding binding;
  binding.constant = constant;
  binding.loc = loc;
  return setOutputBinding(i, std::move(binding));
}

LogicalResult NodeImporter::forwardInput(unsigned i, unsigned j) {
  Binding *input = lookupInput(j);
  if (!input ||
      failed(graph.decode(*input, node.input(j), [&] { return emitError(); })))
    return failure();
  // A float tensor is materialized once and shared.
  if (!input->ints && failed(getInput(j)))
    return failure();
  return setOutputBinding(i, *input);
}
