//===- TensorFile.cpp - NPY and IDX tensor files --------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Data/TensorFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <zlib.h>

using namespace mlir::fxp;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

size_t mlir::fxp::getElementSize(ElementKind kind) {
  switch (kind) {
  case ElementKind::U8:
  case ElementKind::I8:
    return 1;
  case ElementKind::I16:
    return 2;
  case ElementKind::F32:
  case ElementKind::I32:
    return 4;
  case ElementKind::F64:
  case ElementKind::I64:
    return 8;
  }
  return 0;
}

StringRef mlir::fxp::getElementKindName(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return "float32";
  case ElementKind::F64:
    return "float64";
  case ElementKind::U8:
    return "uint8";
  case ElementKind::I8:
    return "int8";
  case ElementKind::I16:
    return "int16";
  case ElementKind::I32:
    return "int32";
  case ElementKind::I64:
    return "int64";
  }
  return "?";
}

HostTensor::HostTensor(ElementKind kind, std::vector<int64_t> shape)
    : kind(kind), shape(std::move(shape)) {
  bytes.resize(static_cast<size_t>(getNumElements()) * getElementSize());
}

int64_t HostTensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

double HostTensor::getAsDouble(int64_t index) const {
  switch (kind) {
  case ElementKind::F32:
    return data<float>()[index];
  case ElementKind::F64:
    return data<double>()[index];
  default:
    return static_cast<double>(getAsInt(index));
  }
}

int64_t HostTensor::getAsInt(int64_t index) const {
  switch (kind) {
  case ElementKind::U8:
    return data<uint8_t>()[index];
  case ElementKind::I8:
    return data<int8_t>()[index];
  case ElementKind::I16:
    return data<int16_t>()[index];
  case ElementKind::I32:
    return data<int32_t>()[index];
  case ElementKind::I64:
    return data<int64_t>()[index];
  case ElementKind::F32:
    return static_cast<int64_t>(data<float>()[index]);
  case ElementKind::F64:
    return static_cast<int64_t>(data<double>()[index]);
  }
  return 0;
}

std::string HostTensor::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << "] " << getElementKindName(kind);
  return text;
}

static Error makeError(StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (path + ": " + message).str());
}

/// Reads a whole file, decompressing gzip transparently.
static Expected<std::vector<uint8_t>> readBytes(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path, "cannot open: " + buffer.getError().message());
  StringRef raw = (*buffer)->getBuffer();
  if (raw.size() < 2 || static_cast<uint8_t>(raw[0]) != 0x1f ||
      static_cast<uint8_t>(raw[1]) != 0x8b)
    return std::vector<uint8_t>(raw.begin(), raw.end());

  std::vector<uint8_t> out;
  z_stream stream;
  std::memset(&stream, 0, sizeof(stream));
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
    return makeError(path, "cannot initialise gzip decompression");
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(raw.data()));
  stream.avail_in = static_cast<uInt>(raw.size());
  uint8_t chunk[1 << 16];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = chunk;
    stream.avail_out = sizeof(chunk);
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      inflateEnd(&stream);
      return makeError(path, status == Z_BUF_ERROR ? "truncated gzip data"
                                                   : "corrupt gzip data");
    }
    out.insert(out.end(), chunk, chunk + (sizeof(chunk) - stream.avail_out));
    if (status != Z_STREAM_END && stream.avail_in == 0 && stream.avail_out) {
      inflateEnd(&stream);
      return makeError(path, "truncated gzip data");
    }
  }
  inflateEnd(&stream);
  return out;
}

//===----------------------------------------------------------------------===//
// NPY
//===----------------------------------------------------------------------===//

/// Extracts the value text of `'key': value` from an NPY header dict.
static std::optional<StringRef> findHeaderValue(StringRef header,
                                                StringRef key) {
  std::string quoted = ("'" + key + "'").str();
  size_t pos = header.find(quoted);
  if (pos == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(pos + quoted.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

static std::optional<ElementKind> parseNpyDescr(StringRef descr) {
  if (descr == "<f4")
    return ElementKind::F32;
  if (descr == "<f8")
    return ElementKind::F64;
  if (descr == "|u1" || descr == "<u1")
    return ElementKind::U8;
  if (descr == "|i1" || descr == "<i1")
    return ElementKind::I8;
  if (descr == "<i2")
    return ElementKind::I16;
  if (descr == "<i4")
    return ElementKind::I32;
  if (descr == "<i8")
    return ElementKind::I64;
  return std::nullopt;
}

static StringRef getNpyDescr(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return "<f4";
  case ElementKind::F64:
    return "<f8";
  case ElementKind::U8:
    return "|u1";
  case ElementKind::I8:
    return "|i1";
  case ElementKind::I16:
    return "<i2";
  case ElementKind::I32:
    return "<i4";
  case ElementKind::I64:
    return "<i8";
  }
  return "";
}

static Expected<HostTensor> parseNpy(StringRef path,
                                     const std::vector<uint8_t> &bytes) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    return makeError(path, "not an NPY file (bad magic)");
  unsigned major = bytes[6];
  size_t headerLength = 0, headerStart = 0;
  if (major == 1) {
    headerLength = bytes[8] | (bytes[9] << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return makeError(path, "truncated NPY header");
    headerLength = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) |
                   (static_cast<size_t>(bytes[11]) << 24);
    headerStart = 12;
  } else {
    return makeError(path, "unsupported NPY version " + llvm::Twine(major));
  }
  if (bytes.size() < headerStart + headerLength)
    return makeError(path, "truncated NPY header");
  StringRef header(reinterpret_cast<const char *>(bytes.data()) + headerStart,
                   headerLength);

  std::optional<StringRef> descr = findHeaderValue(header, "descr");
  std::optional<StringRef> fortran = findHeaderValue(header, "fortran_order");
  std::optional<StringRef> shapeText = findHeaderValue(header, "shape");
  if (!descr || !fortran || !shapeText)
    return makeError(path, "malformed NPY header '" + header.trim() + "'");
  StringRef descrValue = descr->drop_front().take_until(
      [](char c) { return c == '\'' || c == '"'; });
  std::optional<ElementKind> kind = parseNpyDescr(descrValue);
  if (!kind)
    return makeError(path, "unsupported NPY dtype '" + descrValue +
                               "' (supported: float32, float64, uint8, int8, "
                               "int16, int32, int64, little-endian)");
  if (fortran->starts_with("True"))
    return makeError(path, "Fortran-ordered NPY arrays are not supported");

  HostTensor tensor;
  tensor.kind = *kind;
  StringRef dims =
      shapeText->drop_front().take_until([](char c) { return c == ')'; });
  llvm::SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t dim = 0;
    if (part.getAsInteger(10, dim) || dim < 0)
      return makeError(path, "malformed NPY shape '(" + dims + ")'");
    tensor.shape.push_back(dim);
  }
  size_t dataStart = headerStart + headerLength;
  size_t expected =
      static_cast<size_t>(tensor.getNumElements()) * tensor.getElementSize();
  if (bytes.size() - dataStart < expected)
    return makeError(path, "truncated NPY data: shape " + tensor.describe() +
                               " needs " + llvm::Twine(expected) +
                               " bytes, file has " +
                               llvm::Twine(bytes.size() - dataStart));
  tensor.bytes.assign(bytes.begin() + dataStart,
                      bytes.begin() + dataStart + expected);
  return tensor;
}

Expected<HostTensor> mlir::fxp::readNpy(StringRef path) {
  Expected<std::vector<uint8_t>> bytes = readBytes(path);
  if (!bytes)
    return bytes.takeError();
  return parseNpy(path, *bytes);
}

Error mlir::fxp::writeNpy(StringRef path, const HostTensor &tensor) {
  std::string shape;
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  if (tensor.shape.size() == 1)
    shape += ","; // NumPy's 1-tuple "(5,)"
  std::string header = "{'descr': '" + getNpyDescr(tensor.kind).str() +
                       "', 'fortran_order': False, 'shape': (" + shape;
  header += "), }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError(path, "cannot write: " + ec.message());
  os << "\x93NUMPY" << '\x01' << '\x00';
  os << static_cast<char>(header.size() & 0xff)
     << static_cast<char>((header.size() >> 8) & 0xff);
  os << header;
  os.write(reinterpret_cast<const char *>(tensor.bytes.data()),
           tensor.bytes.size());
  os.close();
  if (os.has_error())
    return makeError(path, "write failed");
  return Error::success();
}

//===----------------------------------------------------------------------===//
// IDX
//===----------------------------------------------------------------------===//

static Expected<HostTensor> parseIdx(StringRef path,
                                     const std::vector<uint8_t> &bytes) {
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
    return makeError(path, "not an IDX file (bad magic)");
  ElementKind kind;
  switch (bytes[2]) {
  case 0x08:
    kind = ElementKind::U8;
    break;
  case 0x09:
    kind = ElementKind::I8;
    break;
  case 0x0B:
    kind = ElementKind::I16;
    break;
  case 0x0C:
    kind = ElementKind::I32;
    break;
  case 0x0D:
    kind = ElementKind::F32;
    break;
  case 0x0E:
    kind = ElementKind::F64;
    break;
  default:
    return makeError(path, "unsupported IDX element type code " +
                               llvm::Twine(static_cast<unsigned>(bytes[2])));
  }
  unsigned rank = bytes[3];
  if (bytes.size() < 4 + 4 * static_cast<size_t>(rank))
    return makeError(path, "truncated IDX header");
  HostTensor tensor;
  tensor.kind = kind;
  for (unsigned i = 0; i < rank; ++i) {
    const uint8_t *p = bytes.data() + 4 + 4 * i;
    tensor.shape.push_back((static_cast<int64_t>(p[0]) << 24) | (p[1] << 16) |
                           (p[2] << 8) | p[3]);
  }
  size_t dataStart = 4 + 4 * static_cast<size_t>(rank);
  size_t elementSize = tensor.getElementSize();
  size_t expected = static_cast<size_t>(tensor.getNumElements()) * elementSize;
  if (bytes.size() - dataStart < expected)
    return makeError(path, "truncated IDX data: shape " + tensor.describe() +
                               " needs " + llvm::Twine(expected) +
                               " bytes, file has " +
                               llvm::Twine(bytes.size() - dataStart));
  tensor.bytes.assign(bytes.begin() + dataStart,
                      bytes.begin() + dataStart + expected);
  // IDX stores multi-byte values big-endian.
  if (elementSize > 1)
    for (size_t i = 0; i < tensor.bytes.size(); i += elementSize)
      std::reverse(tensor.bytes.begin() + i,
                   tensor.bytes.begin() + i + elementSize);
  return tensor;
}

Expected<HostTensor> mlir::fxp::readIdx(StringRef path) {
  Expected<std::vector<uint8_t>> bytes = readBytes(path);
  if (!bytes)
    return bytes.takeError();
  return parseIdx(path, *bytes);
}

Expected<HostTensor> mlir::fxp::readTensorFile(StringRef path) {
  Expected<std::vector<uint8_t>> bytes = readBytes(path);
  if (!bytes)
    return bytes.takeError();
  if (bytes->size() >= 6 && std::memcmp(bytes->data(), "\x93NUMPY", 6) == 0)
    return parseNpy(path, *bytes);
  if (bytes->size() >= 4 && (*bytes)[0] == 0 && (*bytes)[1] == 0)
    return parseIdx(path, *bytes);
  return makeError(path, "unknown data format: expected NPY (.npy) or IDX "
                         "(optionally gzip-compressed)");
}
