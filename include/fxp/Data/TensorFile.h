//===- TensorFile.h - NPY and IDX tensor files ------------------*- C++ -*-===//
//
// Part of the fxp project.
//
// Reading and writing the data files `quant` tools take: NumPy `.npy`
// (version 1-3, little-endian, C order) and IDX (the MNIST format, optionally
// gzip-compressed, e.g. /usr/share/datasets/fashion-mnist/*.gz). Errors name
// the file and what is wrong (truncated data, unsupported dtype, ...).
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DATA_TENSORFILE_H
#define FXP_DATA_TENSORFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::fxp {

/// Element types of host tensors.
enum class ElementKind { F32, F64, U8, I8, I16, I32, I64 };

/// Bytes per element.
size_t getElementSize(ElementKind kind);
/// NumPy-style name: "float32", "uint8", ...
llvm::StringRef getElementKindName(ElementKind kind);

/// A dense row-major tensor in host memory.
struct HostTensor {
  ElementKind kind = ElementKind::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  HostTensor() = default;
  HostTensor(ElementKind kind, std::vector<int64_t> shape);

  int64_t getNumElements() const;
  size_t getElementSize() const { return fxp::getElementSize(kind); }
  template <typename T> T *data() {
    return reinterpret_cast<T *>(bytes.data());
  }
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(bytes.data());
  }
  /// Element `index` converted to double (any kind).
  double getAsDouble(int64_t index) const;
  /// Element `index` converted to int64 (integer kinds; floats truncate).
  int64_t getAsInt(int64_t index) const;
  /// "[10000, 28, 28] uint8" for messages.
  std::string describe() const;
};

/// Reads a `.npy` file.
llvm::Expected<HostTensor> readNpy(llvm::StringRef path);
/// Reads an IDX file (gzip-compressed or not).
llvm::Expected<HostTensor> readIdx(llvm::StringRef path);
/// Reads NPY or IDX, chosen by the file's magic bytes (gzip means IDX).
llvm::Expected<HostTensor> readTensorFile(llvm::StringRef path);
/// Writes a `.npy` file (version 1.0).
llvm::Error writeNpy(llvm::StringRef path, const HostTensor &tensor);

} // namespace mlir::fxp

#endif // FXP_DATA_TENSORFILE_H
