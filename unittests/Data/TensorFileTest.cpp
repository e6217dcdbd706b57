//===- TensorFileTest.cpp - NPY / IDX reader and writer tests -------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Data/TensorFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

using namespace mlir::fxp;

namespace {

/// A temporary file path removed at the end of the test.
class TempFile {
public:
  explicit TempFile(llvm::StringRef suffix) {
    llvm::sys::fs::createTemporaryFile("fxp-test", suffix, path);
  }
  ~TempFile() { llvm::sys::fs::remove(path); }
  std::string str() const { return std::string(path.str()); }

private:
  llvm::SmallString<128> path;
};

void writeBytes(const std::string &path, const std::string &bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  ASSERT_FALSE(ec);
  os << bytes;
}

std::string idxHeader(uint8_t code, std::initializer_list<uint32_t> dims) {
  std::string bytes = {0, 0, static_cast<char>(code),
                       static_cast<char>(dims.size())};
  for (uint32_t dim : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(static_cast<char>((dim >> shift) & 0xff));
  return bytes;
}

TEST(TensorFile, NpyRoundTripFloat32) {
  TempFile file(".npy");
  HostTensor tensor(ElementKind::F32, {2, 3});
  for (int i = 0; i < 6; ++i)
    tensor.data<float>()[i] = 0.5f * static_cast<float>(i) - 1.0f;
  ASSERT_FALSE(llvm::errorToBool(writeNpy(file.str(), tensor)));
  auto read = readTensorFile(file.str());
  ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(read->kind, ElementKind::F32);
  EXPECT_EQ(read->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(read->bytes, tensor.bytes);
}

TEST(TensorFile, NpyRoundTripOneDimensionalInt64) {
  TempFile file(".npy");
  HostTensor tensor(ElementKind::I64, {3});
  tensor.data<int64_t>()[0] = -7;
  tensor.data<int64_t>()[1] = 0;
  tensor.data<int64_t>()[2] = 1LL << 40;
  ASSERT_FALSE(llvm::errorToBool(writeNpy(file.str(), tensor)));
  auto read = readNpy(file.str());
  ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(read->shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(read->getAsInt(0), -7);
  EXPECT_EQ(read->getAsInt(2), 1LL << 40);
}

TEST(TensorFile, NpyHeaderIsPaddedTo64Bytes) {
  TempFile file(".npy");
  HostTensor tensor(ElementKind::U8, {4, 5});
  ASSERT_FALSE(llvm::errorToBool(writeNpy(file.str(), tensor)));
  uint64_t size = 0;
  ASSERT_FALSE(llvm::sys::fs::file_size(file.str(), size));
  EXPECT_EQ((size - 20) % 64, 0u);
}

TEST(TensorFile, NpyTruncatedDataIsAnError) {
  TempFile file(".npy");
  HostTensor tensor(ElementKind::F32, {4, 4});
  ASSERT_FALSE(llvm::errorToBool(writeNpy(file.str(), tensor)));
  uint64_t size = 0;
  ASSERT_FALSE(llvm::sys::fs::file_size(file.str(), size));
  ASSERT_EQ(::truncate(file.str().c_str(), static_cast<off_t>(size - 3)), 0);
  auto read = readNpy(file.str());
  ASSERT_FALSE(static_cast<bool>(read));
  EXPECT_NE(llvm::toString(read.takeError()).find("truncated NPY data"),
            std::string::npos);
}

TEST(TensorFile, NpyUnsupportedDtypeIsAnError) {
  TempFile file(".npy");
  std::string header =
      "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes.push_back(static_cast<char>(header.size()));
  bytes.push_back(0);
  writeBytes(file.str(), bytes + header + std::string(8, '\0'));
  auto read = readNpy(file.str());
  ASSERT_FALSE(static_cast<bool>(read));
  EXPECT_NE(
      llvm::toString(read.takeError()).find("unsupported NPY dtype '<c8'"),
      std::string::npos);
}

TEST(TensorFile, IdxUnsignedBytes) {
  TempFile file(".idx");
  writeBytes(file.str(),
             idxHeader(0x08, {2, 2}) + std::string("\x01\x02\xff\x00", 4));
  auto read = readIdx(file.str());
  ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(read->kind, ElementKind::U8);
  EXPECT_EQ(read->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(read->getAsInt(2), 255);
}

TEST(TensorFile, IdxBigEndianInt32) {
  TempFile file(".idx");
  writeBytes(file.str(),
             idxHeader(0x0C, {2}) +
                 std::string("\x00\x00\x01\x02\xff\xff\xff\xfe", 8));
  auto read = readIdx(file.str());
  ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(read->getAsInt(0), 258);
  EXPECT_EQ(read->getAsInt(1), -2);
}

TEST(TensorFile, IdxGzipCompressed) {
  TempFile file(".gz");
  std::string raw = idxHeader(0x08, {3}) + std::string("\x07\x08\x09", 3);
  gzFile gz = gzopen(file.str().c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, raw.data(), static_cast<unsigned>(raw.size()));
  gzclose(gz);
  auto read = readTensorFile(file.str());
  ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(read->shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(read->getAsInt(1), 8);
}

TEST(TensorFile, IdxTruncatedDataIsAnError) {
  TempFile file(".idx");
  writeBytes(file.str(), idxHeader(0x08, {10, 10}) + std::string(50, '\0'));
  auto read = readIdx(file.str());
  ASSERT_FALSE(static_cast<bool>(read));
  EXPECT_NE(llvm::toString(read.takeError()).find("truncated IDX data"),
            std::string::npos);
}

TEST(TensorFile, TruncatedGzipIsAnError) {
  TempFile file(".gz");
  std::string raw = idxHeader(0x08, {4000}) + std::string(4000, '\x05');
  gzFile gz = gzopen(file.str().c_str(), "wb");
  gzwrite(gz, raw.data(), static_cast<unsigned>(raw.size()));
  gzclose(gz);
  uint64_t size = 0;
  ASSERT_FALSE(llvm::sys::fs::file_size(file.str(), size));
  ASSERT_EQ(::truncate(file.str().c_str(), static_cast<off_t>(size / 2)), 0);
  auto read = readTensorFile(file.str());
  ASSERT_FALSE(static_cast<bool>(read));
  EXPECT_NE(llvm::toString(read.takeError()).find("gzip"), std::string::npos);
}

TEST(TensorFile, UnknownFormatIsAnError) {
  TempFile file(".bin");
  writeBytes(file.str(), "hello world");
  auto read = readTensorFile(file.str());
  ASSERT_FALSE(static_cast<bool>(read));
  EXPECT_NE(llvm::toString(read.takeError()).find("unknown data format"),
            std::string::npos);
}

TEST(TensorFile, MissingFileIsAnError) {
  auto read = readTensorFile("/nonexistent/fxp/data.npy");
  ASSERT_FALSE(static_cast<bool>(read));
  EXPECT_NE(llvm::toString(read.takeError()).find("cannot open"),
            std::string::npos);
}

TEST(TensorFile, FashionMnistTestSetIfInstalled) {
  const char *path =
      "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
  if (!llvm::sys::fs::exists(path))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  auto read = readTensorFile(path);
  ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(read->shape, (std::vector<int64_t>{10000}));
  EXPECT_EQ(read->getAsInt(0), 9); // the first test image is an ankle boot
}

} // namespace
