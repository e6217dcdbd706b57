//===- TensorDecoding.cpp - ONNX TensorProto payloads ---------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// Decodes float32 and int64/int32 TensorProtos (typed fields or raw_data,
// little-endian) with every size checked against the dims: a malformed
// tensor is an error, never an out-of-bounds read.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "TensorBuilders.h"

#include <cstring>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

namespace {
/// Upper bound on the elements of one tensor (16 GiB of float32).
constexpr int64_t kMaxElements = int64_t(1) << 32;

/// The element count of `tensor`'s dims, or failure.
FailureOr<int64_t>
getElementCount(const ::onnx::TensorProto &tensor, bool allowEmpty,
                llvm::function_ref<InFlightDiagnostic()> emitError) {
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return emitError() << "negative dimension " << dim;
    if (dim != 0 && count > kMaxElements / dim)
      return emitError() << "too many elements";
    count *= dim;
  }
  if (count == 0 && !allowEmpty)
    return emitError() << "empty tensors are not supported";
  return count;
}

LogicalResult
checkLocation(const ::onnx::TensorProto &tensor,
              llvm::function_ref<InFlightDiagnostic()> emitError) {
  if (tensor.data_location() == ::onnx::TensorProto::EXTERNAL ||
      tensor.external_data_size() != 0)
    return emitError() << "external data is not supported";
  if (tensor.has_segment())
    return emitError() << "segmented tensors are not supported";
  return success();
}

/// Copies `count` little-endian values of type T out of raw_data.
template <typename T>
FailureOr<llvm::SmallVector<T>>
readRaw(const ::onnx::TensorProto &tensor, int64_t count,
        llvm::function_ref<InFlightDiagnostic()> emitError) {
  const std::string &raw = tensor.raw_data();
  uint64_t expected = static_cast<uint64_t>(count) * sizeof(T);
  if (raw.size() != expected)
    return emitError() << "raw_data holds " << raw.size() << " bytes, dims say "
                       << expected;
  llvm::SmallVector<T> values(count);
  std::memcpy(values.data(), raw.data(), expected);
  return values;
}
} // namespace

llvm::StringRef mlir::fxp::importer::getOnnxDataTypeName(int32_t dataType) {
  if (!::onnx::TensorProto_DataType_IsValid(dataType))
    return "<invalid>";
  return ::onnx::TensorProto_DataType_Name(
      static_cast<::onnx::TensorProto_DataType>(dataType));
}

bool mlir::fxp::importer::isIntDataType(int32_t dataType) {
  return dataType == ::onnx::TensorProto::INT64 ||
         dataType == ::onnx::TensorProto::INT32;
}

FailureOr<DenseElementsAttr> mlir::fxp::importer::decodeFloatTensor(
    MLIRContext *context, const ::onnx::TensorProto &tensor,
    llvm::function_ref<InFlightDiagnostic()> emitError) {
  if (tensor.data_type() != ::onnx::TensorProto::FLOAT)
    return emitError() << "data type "
                       << getOnnxDataTypeName(tensor.data_type())
                       << " is not float32";
  if (failed(checkLocation(tensor, emitError)))
    return failure();
  FailureOr<int64_t> count =
      getElementCount(tensor, /*allowEmpty=*/false, emitError);
  if (failed(count))
    return failure();
  llvm::SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  RankedTensorType type = getF32TensorType(shape, context);
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    uint64_t expected = static_cast<uint64_t>(*count) * sizeof(float);
    if (raw.size() != expected)
      return emitError() << "raw_data holds " << raw.size()
                         << " bytes, dims say " << expected;
    bool isSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(
            type, llvm::ArrayRef<char>(raw.data(), raw.size()), isSplat))
      return emitError() << "raw_data does not match the tensor type";
    return DenseElementsAttr::getFromRawBuffer(
        type, llvm::ArrayRef<char>(raw.data(), raw.size()));
  }
  if (tensor.float_data_size() != *count)
    return emitError() << "float_data holds " << tensor.float_data_size()
                       << " values, dims say " << *count;
  return DenseElementsAttr::get(
      type, llvm::ArrayRef<float>(tensor.float_data().data(),
                                  tensor.float_data_size()));
}

FailureOr<IntTensor> mlir::fxp::importer::decodeIntTensor(
    const ::onnx::TensorProto &tensor,
    llvm::function_ref<InFlightDiagnostic()> emitError) {
  if (failed(checkLocation(tensor, emitError)))
    return failure();
  FailureOr<int64_t> count =
      getElementCount(tensor, /*allowEmpty=*/true, emitError);
  if (failed(count))
    return failure();
  IntTensor result;
  result.shape.assign(tensor.dims().begin(), tensor.dims().end());
  if (tensor.data_type() == ::onnx::TensorProto::INT64) {
    if (tensor.has_raw_data()) {
      FailureOr<llvm::SmallVector<int64_t>> values =
          readRaw<int64_t>(tensor, *count, emitError);
      if (failed(values))
        return failure();
      result.values = std::move(*values);
    } else {
      if (tensor.int64_data_size() != *count)
        return emitError() << "int64_data holds " << tensor.int64_data_size()
                           << " values, dims say " << *count;
      result.values.assign(tensor.int64_data().begin(),
                           tensor.int64_data().end());
    }
  } else if (tensor.data_type() == ::onnx::TensorProto::INT32) {
    if (tensor.has_raw_data()) {
      FailureOr<llvm::SmallVector<int32_t>> values =
          readRaw<int32_t>(tensor, *count, emitError);
      if (failed(values))
        return failure();
      result.values.assign(values->begin(), values->end());
    } else {
      if (tensor.int32_data_size() != *count)
        return emitError() << "int32_data holds " << tensor.int32_data_size()
                           << " values, dims say " << *count;
      result.values.assign(tensor.int32_data().begin(),
                           tensor.int32_data().end());
    }
  } else {
    return emitError() << "data type "
                       << getOnnxDataTypeName(tensor.data_type())
                       << " is not an integer type fxp reads";
  }
  // kUnknownInt is reserved for values only known at run time.
  for (int64_t &value : result.values)
    if (value == kUnknownInt)
      return emitError() << "int64 value out of the supported range";
  return result;
}
