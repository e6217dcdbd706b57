//===- StatisticsFile.h - Versioned JSON statistics files -------*- C++ -*-===//
//
// Part of the fxp project: plain C++ runtime (no MLIR or LLVM dependency).
//
// `quant calibrate` writes, and format selection reads, one JSON file:
//
//   {
//     "format": "fxp-statistics",
//     "version": 1,
//     "layout": {"minPosition": -149, "maxPosition": 127, "subBinBits": 8},
//     "tensors": [
//       {
//         "name": "conv1.output",
//         "shape": [1, 16, 28, 28],            (null when unknown)
//         "count": 12544, "zeros": 6001, "nan": 0, "posInf": 0, "negInf": 0,
//         "min": -0.75, "max": 6.5,            (null when no finite value)
//         "bins": [
//           {"sign": 1, "msb": -3, "sum": "1234", "sumOfSquares": "5678",
//            "counts": [256 integers]},
//           ...
//         ]
//       }
//     ]
//   }
//
// One "bins" entry per non-empty (sign, MSB position) octave of the
// ValueHistogram, positive octaves first, positions increasing. "sum" and
// "sumOfSquares" are the exact significand sums of TensorStatistics as
// decimal strings (they exceed 64 bits). Counts are exact 64-bit integers;
// min and max are written as the shortest decimal that reads back as the
// same float32. A written file reads back bit-identical.
//
// The reader is strict: unknown or missing keys, a different format name,
// version or layout, counts that do not add up, sums outside what the
// counts allow, extremes outside the occupied bins, duplicate names, and
// truncated or malformed JSON are all errors whose message starts with the
// file name. Given the tensors a model expects (names and shapes), it also
// rejects missing, extra and reshaped tensors.
//
// The JSON reader underneath is a small strict RFC 8259 parser (objects,
// arrays, numbers kept as written so 64-bit integers stay exact, strings
// with escapes and \u sequences, true/false/null), exposed for tests and
// other small runtime files.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_RUNTIME_STATISTICSFILE_H
#define FXP_RUNTIME_STATISTICSFILE_H

#include "fxp/Runtime/Statistics.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlir::fxp {

/// The statistics file format this build writes and reads.
constexpr int64_t kStatisticsFileVersion = 1;

/// A tensor a compiled model observes: its stable name and static shape
/// (nullopt when unknown).
struct StatisticsSignature {
  std::string name;
  std::optional<std::vector<int64_t>> shape;
};

/// The statistics as file text.
std::string
printStatisticsJson(const std::vector<TensorStatistics> &statistics);

/// Parses file text; `fileName` prefixes error messages. On failure returns
/// false, sets `error` and leaves `result` empty.
bool parseStatisticsJson(std::string_view text, const std::string &fileName,
                         std::vector<TensorStatistics> &result,
                         std::string *error);

/// Writes `path` (through a temporary file renamed into place).
bool writeStatisticsFile(const std::string &path,
                         const std::vector<TensorStatistics> &statistics,
                         std::string *error);

/// Reads `path`. With `expected`, also requires exactly those tensor names
/// and, where both sides know it, the same shape.
bool readStatisticsFile(
    const std::string &path, std::vector<TensorStatistics> &result,
    std::string *error,
    const std::vector<StatisticsSignature> *expected = nullptr);

/// The name and shape check of readStatisticsFile on its own.
bool checkStatisticsSignatures(const std::vector<TensorStatistics> &statistics,
                               const std::vector<StatisticsSignature> &expected,
                               const std::string &fileName, std::string *error);

//===----------------------------------------------------------------------===//
// Minimal JSON
//===----------------------------------------------------------------------===//

/// A parsed JSON value.
struct JsonValue {
  enum class Kind { Null, Boolean, Number, String, Array, Object };

  Kind kind = Kind::Null;
  bool boolean = false;
  /// String: the decoded UTF-8 text. Number: the literal as written.
  std::string text;
  std::vector<JsonValue> elements;
  /// Object members in file order (keys are unique).
  std::vector<std::pair<std::string, JsonValue>> members;

  bool isNull() const { return kind == Kind::Null; }
  /// Integer literal (no fraction or exponent) that fits.
  std::optional<uint64_t> getUInt64() const;
  std::optional<int64_t> getInt64() const;
  /// Any number, correctly rounded.
  std::optional<double> getDouble() const;
  std::optional<float> getFloat() const;
  /// Member `key` of an object, or null.
  const JsonValue *find(std::string_view key) const;
};

/// Parses one JSON document (surrounding whitespace allowed, nothing else).
/// Errors read "line L, column C: what"; input that ends inside a value
/// reads "line L, column C: unexpected end of input (truncated?)". Nesting
/// is limited to 64 levels.
std::optional<JsonValue> parseJson(std::string_view text, std::string *error);

/// `text` as a JSON string literal, quotes included.
std::string quoteJsonString(std::string_view text);

} // namespace mlir::fxp

#endif // FXP_RUNTIME_STATISTICSFILE_H
