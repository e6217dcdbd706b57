//===- StatisticsFile.cpp - Versioned JSON statistics files ---------------===//
//
// Part of the fxp project: plain C++ runtime (no MLIR or LLVM dependency).
//
//===----------------------------------------------------------------------===//

#include "fxp/Runtime/StatisticsFile.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <unordered_set>

using namespace mlir;
using namespace mlir::fxp;

using UInt128 = TensorStatistics::UInt128;

//===----------------------------------------------------------------------===//
// JSON values
//===----------------------------------------------------------------------===//

static bool isIntegerLiteral(const std::string &text) {
  return text.find_first_of(".eE") == std::string::npos;
}

std::optional<uint64_t> JsonValue::getUInt64() const {
  if (kind != Kind::Number || !isIntegerLiteral(text) || text[0] == '-')
    return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

std::optional<int64_t> JsonValue::getInt64() const {
  if (kind != Kind::Number || !isIntegerLiteral(text))
    return std::nullopt;
  int64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

std::optional<double> JsonValue::getDouble() const {
  if (kind != Kind::Number)
    return std::nullopt;
  double value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

std::optional<float> JsonValue::getFloat() const {
  if (kind != Kind::Number)
    return std::nullopt;
  float value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

const JsonValue *JsonValue::find(std::string_view key) const {
  for (const auto &member : members)
    if (member.first == key)
      return &member.second;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// JSON parser
//===----------------------------------------------------------------------===//

namespace {
class JsonParser {
public:
  explicit JsonParser(std::string_view text) : text(text) {}

  std::optional<JsonValue> parseDocument(std::string *error) {
    JsonValue value;
    skipWhitespace();
    bool ok = parseValue(value, 0);
    if (ok) {
      skipWhitespace();
      if (position != text.size())
        ok = fail("unexpected text after the JSON value");
    }
    if (!ok) {
      if (error)
        *error = message;
      return std::nullopt;
    }
    return value;
  }

private:
  static constexpr unsigned kMaxDepth = 64;

  bool atEnd() const { return position >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[position]; }

  /// Records an error at the current position. Running out of input is
  /// reported as truncation whatever was expected.
  bool fail(const std::string &what) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < position && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    message =
        "line " + std::to_string(line) + ", column " + std::to_string(column) +
        ": " +
        (atEnd() ? std::string("unexpected end of input (truncated?)") : what);
    return false;
  }

  void skipWhitespace() {
    while (!atEnd() && (text[position] == ' ' || text[position] == '\t' ||
                        text[position] == '\n' || text[position] == '\r'))
      ++position;
  }

  bool expectLiteral(std::string_view literal) {
    for (char c : literal) {
      if (peek() != c)
        return fail("invalid literal (expected '" + std::string(literal) +
                    "')");
      ++position;
    }
    return true;
  }

  bool parseValue(JsonValue &value, unsigned depth) {
    if (depth > kMaxDepth)
      return fail("nesting deeper than 64 levels");
    switch (peek()) {
    case '{':
      return parseObject(value, depth);
    case '[':
      return parseArray(value, depth);
    case '"':
      value.kind = JsonValue::Kind::String;
      return parseString(value.text);
    case 't':
      value.kind = JsonValue::Kind::Boolean;
      value.boolean = true;
      return expectLiteral("true");
    case 'f':
      value.kind = JsonValue::Kind::Boolean;
      value.boolean = false;
      return expectLiteral("false");
    case 'n':
      value.kind = JsonValue::Kind::Null;
      return expectLiteral("null");
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return parseNumber(value);
      return fail("expected a JSON value");
    }
  }

  bool parseObject(JsonValue &value, unsigned depth) {
    value.kind = JsonValue::Kind::Object;
    ++position; // '{'
    skipWhitespace();
    if (peek() == '}') {
      ++position;
      return true;
    }
    std::unordered_set<std::string> keys;
    while (true) {
      skipWhitespace();
      if (peek() != '"')
        return fail("expected a string key");
      size_t keyPosition = position;
      std::string key;
      if (!parseString(key))
        return false;
      if (!keys.insert(key).second) {
        position = keyPosition;
        return fail("duplicate key \"" + key + "\"");
      }
      skipWhitespace();
      if (peek() != ':')
        return fail("expected ':' after an object key");
      ++position;
      skipWhitespace();
      JsonValue member;
      if (!parseValue(member, depth + 1))
        return false;
      value.members.emplace_back(std::move(key), std::move(member));
      skipWhitespace();
      if (peek() == ',') {
        ++position;
        continue;
      }
      if (peek() == '}') {
        ++position;
        return true;
      }
      return fail("expected ',' or '}' in an object");
    }
  }

  bool parseArray(JsonValue &value, unsigned depth) {
    value.kind = JsonValue::Kind::Array;
    ++position; // '['
    skipWhitespace();
    if (peek() == ']') {
      ++position;
      return true;
    }
    while (true) {
      skipWhitespace();
      JsonValue element;
      if (!parseValue(element, depth + 1))
        return false;
      value.elements.push_back(std::move(element));
      skipWhitespace();
      if (peek() == ',') {
        ++position;
        continue;
      }
      if (peek() == ']') {
        ++position;
        return true;
      }
      return fail("expected ',' or ']' in an array");
    }
  }

  bool parseDigits() {
    if (!(peek() >= '0' && peek() <= '9'))
      return fail("expected a digit");
    while (peek() >= '0' && peek() <= '9')
      ++position;
    return true;
  }

  /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool parseNumber(JsonValue &value) {
    size_t begin = position;
    if (peek() == '-')
      ++position;
    if (peek() == '0') {
      ++position;
      if (peek() >= '0' && peek() <= '9')
        return fail("leading zeros are not allowed in numbers");
    } else if (!parseDigits()) {
      return false;
    }
    if (peek() == '.') {
      ++position;
      if (!parseDigits())
        return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++position;
      if (peek() == '+' || peek() == '-')
        ++position;
      if (!parseDigits())
        return false;
    }
    value.kind = JsonValue::Kind::Number;
    value.text = std::string(text.substr(begin, position - begin));
    return true;
  }

  bool parseHex4(uint32_t &code) {
    code = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      uint32_t digit;
      if (c >= '0' && c <= '9')
        digit = uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f')
        digit = uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        digit = uint32_t(c - 'A' + 10);
      else
        return fail("expected four hex digits after \\u");
      code = code * 16 + digit;
      ++position;
    }
    return true;
  }

  static void appendUtf8(std::string &out, uint32_t code) {
    if (code < 0x80) {
      out += char(code);
    } else if (code < 0x800) {
      out += char(0xC0 | (code >> 6));
      out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += char(0xE0 | (code >> 12));
      out += char(0x80 | ((code >> 6) & 0x3F));
      out += char(0x80 | (code & 0x3F));
    } else {
      out += char(0xF0 | (code >> 18));
      out += char(0x80 | ((code >> 12) & 0x3F));
      out += char(0x80 | ((code >> 6) & 0x3F));
      out += char(0x80 | (code & 0x3F));
    }
  }

  bool parseString(std::string &out) {
    ++position; // '"'
    out.clear();
    while (true) {
      if (atEnd())
        return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(text[position]);
      if (c == '"') {
        ++position;
        return true;
      }
      if (c < 0x20)
        return fail("control character in a string");
      if (c != '\\') {
        out += char(c);
        ++position;
        continue;
      }
      ++position;
      char escape = peek();
      if (atEnd())
        return fail("unterminated escape");
      ++position;
      switch (escape) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t code;
        if (!parseHex4(code))
          return false;
        if (code >= 0xD800 && code < 0xDC00) {
          uint32_t low;
          if (peek() != '\\')
            return fail("unpaired UTF-16 surrogate");
          ++position;
          if (peek() != 'u')
            return fail("unpaired UTF-16 surrogate");
          ++position;
          if (!parseHex4(low))
            return false;
          if (low < 0xDC00 || low >= 0xE000)
            return fail("unpaired UTF-16 surrogate");
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xDC00 && code < 0xE000) {
          return fail("unpaired UTF-16 surrogate");
        }
        appendUtf8(out, code);
        break;
      }
      default:
        --position;
        return fail(std::string("invalid escape '\\") + escape + "'");
      }
    }
  }

  std::string_view text;
  size_t position = 0;
  std::string message;
};
} // namespace

std::optional<JsonValue> fxp::parseJson(std::string_view text,
                                        std::string *error) {
  return JsonParser(text).parseDocument(error);
}

std::string fxp::quoteJsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buffer[8];
        std::snprintf(buffer, sizeof(buffer), "\\u%04x",
                      unsigned(static_cast<unsigned char>(c)));
        out += buffer;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

static std::string printUInt128(UInt128 value) {
  if (value == 0)
    return "0";
  std::string digits;
  while (value != 0) {
    digits += char('0' + unsigned(value % 10));
    value /= 10;
  }
  return std::string(digits.rbegin(), digits.rend());
}

static std::optional<UInt128> parseUInt128(const std::string &text) {
  if (text.empty() || text.size() > 39 || (text.size() > 1 && text[0] == '0'))
    return std::nullopt;
  UInt128 value = 0;
  const UInt128 limit = ~UInt128(0);
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    unsigned digit = unsigned(c - '0');
    if (value > (limit - digit) / 10)
      return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

static std::string printFloat(float value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  (void)ec;
  return std::string(buffer, end);
}

static void printShape(std::string &out,
                       const std::optional<std::vector<int64_t>> &shape) {
  if (!shape) {
    out += "null";
    return;
  }
  out += "[";
  for (size_t i = 0; i < shape->size(); ++i)
    out += (i ? ", " : "") + std::to_string((*shape)[i]);
  out += "]";
}

std::string
fxp::printStatisticsJson(const std::vector<TensorStatistics> &statistics) {
  std::string out;
  out += "{\n  \"format\": \"fxp-statistics\",\n";
  out += "  \"version\": " + std::to_string(kStatisticsFileVersion) + ",\n";
  out += "  \"layout\": {\"minPosition\": " +
         std::to_string(ValueHistogram::kMinPosition) +
         ", \"maxPosition\": " + std::to_string(ValueHistogram::kMaxPosition) +
         ", \"subBinBits\": " + std::to_string(ValueHistogram::kSubBinBits) +
         "},\n";
  out += "  \"tensors\": [";
  for (size_t t = 0; t < statistics.size(); ++t) {
    const TensorStatistics &tensor = statistics[t];
    const ValueHistogram &histogram = tensor.getHistogram();
    out += t ? ",\n    {\n" : "\n    {\n";
    out += "      \"name\": " + quoteJsonString(tensor.getName()) + ",\n";
    out += "      \"shape\": ";
    printShape(out, tensor.getShape());
    out += ",\n";
    out += "      \"count\": " + std::to_string(tensor.count()) +
           ", \"zeros\": " + std::to_string(tensor.zeroCount()) +
           ", \"nan\": " + std::to_string(tensor.getNanCount()) +
           ", \"posInf\": " + std::to_string(tensor.getPosInfCount()) +
           ", \"negInf\": " + std::to_string(tensor.getNegInfCount()) + ",\n";
    bool empty = histogram.empty();
    out += "      \"min\": " + (empty ? "null" : printFloat(tensor.min())) +
           ", \"max\": " + (empty ? "null" : printFloat(tensor.max())) + ",\n";
    out += "      \"bins\": [";
    bool first = true;
    for (bool negative : {false, true}) {
      for (int p = ValueHistogram::kMinPosition;
           p <= ValueHistogram::kMaxPosition; ++p) {
        const ValueHistogram::Block *block = histogram.findBlock(negative, p);
        if (!block)
          continue;
        TensorStatistics::SignificandSums sums =
            tensor.getSums(ValueHistogram::blockIndex(negative, p));
        out += first ? "\n" : ",\n";
        first = false;
        out += "        {\"sign\": " + std::string(negative ? "-1" : "1") +
               ", \"msb\": " + std::to_string(p) + ", \"sum\": \"" +
               printUInt128(sums.sum) + "\", \"sumOfSquares\": \"" +
               printUInt128(sums.sumOfSquares) + "\",\n         \"counts\": [";
        for (unsigned s = 0; s < ValueHistogram::kNumSubBins; ++s)
          out += (s ? "," : "") + std::to_string((*block)[s]);
        out += "]}";
      }
    }
    out += first ? "]\n" : "\n      ]\n";
    out += "    }";
  }
  out += statistics.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

bool fxp::writeStatisticsFile(const std::string &path,
                              const std::vector<TensorStatistics> &statistics,
                              std::string *error) {
  auto fail = [&](const std::string &what) {
    if (error)
      *error = path + ": " + what + ": " + std::strerror(errno);
    return false;
  };
  std::string text = printStatisticsJson(statistics);
  std::string temporary = path + ".tmp";
  std::FILE *file = std::fopen(temporary.c_str(), "wb");
  if (!file)
    return fail("cannot create " + temporary);
  bool ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  ok = std::fclose(file) == 0 && ok;
  if (!ok) {
    std::remove(temporary.c_str());
    return fail("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return fail("cannot rename " + temporary);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

namespace {
/// Validates a parsed document and builds the statistics, remembering the
/// first error.
class StatisticsReader {
public:
  StatisticsReader(const std::string &fileName) : fileName(fileName) {}

  bool read(const JsonValue &document, std::vector<TensorStatistics> &result);
  const std::string &getError() const { return error; }

private:
  bool fail(const std::string &what) {
    error = fileName + ": " + context + what;
    return false;
  }

  /// Checks that `object` is an object whose keys are exactly `keys`.
  bool checkKeys(const JsonValue &object, const std::set<std::string> &keys,
                 const std::string &what) {
    if (object.kind != JsonValue::Kind::Object)
      return fail(what + " is not a JSON object");
    for (const auto &member : object.members)
      if (!keys.count(member.first))
        return fail("unknown key \"" + member.first + "\" in " + what);
    for (const std::string &key : keys)
      if (!object.find(key))
        return fail("missing key \"" + key + "\" in " + what);
    return true;
  }

  bool getCount(const JsonValue &object, const char *key, uint64_t &value) {
    std::optional<uint64_t> number = object.find(key)->getUInt64();
    if (!number)
      return fail("\"" + std::string(key) +
                  "\" is not a non-negative 64-bit integer");
    value = *number;
    return true;
  }

  bool readTensor(const JsonValue &object, TensorStatistics &tensor);
  bool readBlock(const JsonValue &object, TensorStatistics &tensor,
                 uint64_t &total);
  bool checkExtreme(const ValueHistogram &histogram, float value, bool isMin);

  std::string fileName;
  std::string context;
  std::string error;
};
} // namespace

bool StatisticsReader::read(const JsonValue &document,
                            std::vector<TensorStatistics> &result) {
  if (document.kind != JsonValue::Kind::Object)
    return fail("not an fxp statistics file (the top level is not a JSON "
                "object)");
  const JsonValue *format = document.find("format");
  if (!format || format->kind != JsonValue::Kind::String ||
      format->text != "fxp-statistics")
    return fail("not an fxp statistics file (\"format\" is not "
                "\"fxp-statistics\")");
  const JsonValue *version = document.find("version");
  std::optional<int64_t> versionNumber =
      version ? version->getInt64() : std::nullopt;
  if (!versionNumber)
    return fail("missing or non-integer \"version\"");
  if (*versionNumber != kStatisticsFileVersion)
    return fail("unsupported statistics file version " +
                std::to_string(*versionNumber) + " (this build reads version " +
                std::to_string(kStatisticsFileVersion) + ")");
  if (!checkKeys(document, {"format", "version", "layout", "tensors"},
                 "the file"))
    return false;

  const JsonValue &layout = *document.find("layout");
  if (!checkKeys(layout, {"minPosition", "maxPosition", "subBinBits"},
                 "\"layout\""))
    return false;
  if (layout.find("minPosition")->getInt64() !=
          int64_t(ValueHistogram::kMinPosition) ||
      layout.find("maxPosition")->getInt64() !=
          int64_t(ValueHistogram::kMaxPosition) ||
      layout.find("subBinBits")->getInt64() !=
          int64_t(ValueHistogram::kSubBinBits))
    return fail("histogram layout differs from this build's (MSB positions " +
                std::to_string(ValueHistogram::kMinPosition) + ".." +
                std::to_string(ValueHistogram::kMaxPosition) + ", " +
                std::to_string(ValueHistogram::kSubBinBits) + " sub-bin bits)");

  const JsonValue &tensors = *document.find("tensors");
  if (tensors.kind != JsonValue::Kind::Array)
    return fail("\"tensors\" is not an array");
  std::unordered_set<std::string> names;
  std::vector<TensorStatistics> statistics(tensors.elements.size());
  for (size_t i = 0; i < tensors.elements.size(); ++i) {
    context = "tensor #" + std::to_string(i) + ": ";
    if (!readTensor(tensors.elements[i], statistics[i]))
      return false;
    context.clear();
    if (!names.insert(statistics[i].getName()).second)
      return fail("duplicate tensor name '" + statistics[i].getName() + "'");
  }
  context.clear();
  result = std::move(statistics);
  return true;
}

bool StatisticsReader::readTensor(const JsonValue &object,
                                  TensorStatistics &tensor) {
  // Name the tensor in messages as early as possible.
  if (const JsonValue *name = object.kind == JsonValue::Kind::Object
                                  ? object.find("name")
                                  : nullptr)
    if (name->kind == JsonValue::Kind::String && !name->text.empty())
      context = "tensor '" + name->text + "': ";
  if (!checkKeys(object,
                 {"name", "shape", "count", "zeros", "nan", "posInf", "negInf",
                  "min", "max", "bins"},
                 "the tensor"))
    return false;
  const JsonValue &name = *object.find("name");
  if (name.kind != JsonValue::Kind::String || name.text.empty())
    return fail("\"name\" is not a non-empty string");
  tensor.setName(name.text);
  context = "tensor '" + name.text + "': ";

  const JsonValue &shape = *object.find("shape");
  if (!shape.isNull()) {
    if (shape.kind != JsonValue::Kind::Array)
      return fail("\"shape\" is neither an array nor null");
    std::vector<int64_t> dims;
    for (const JsonValue &dim : shape.elements) {
      std::optional<int64_t> size = dim.getInt64();
      if (!size || *size < -1)
        return fail("\"shape\" holds something other than sizes >= -1");
      dims.push_back(*size);
    }
    tensor.setShape(dims);
  }

  uint64_t count, zeros, nan, posInf, negInf;
  if (!getCount(object, "count", count) || !getCount(object, "zeros", zeros) ||
      !getCount(object, "nan", nan) || !getCount(object, "posInf", posInf) ||
      !getCount(object, "negInf", negInf))
    return false;
  tensor.setSpecialCounts(nan, posInf, negInf);
  tensor.getMutableHistogram().addZeros(zeros);

  const JsonValue &bins = *object.find("bins");
  if (bins.kind != JsonValue::Kind::Array)
    return fail("\"bins\" is not an array");
  // Sum in 128 bits so that corrupt counts cannot wrap around.
  UInt128 total = UInt128(zeros) + nan + posInf + negInf;
  for (const JsonValue &block : bins.elements) {
    uint64_t blockTotal = 0;
    if (!readBlock(block, tensor, blockTotal))
      return false;
    total += blockTotal;
  }
  if (total != count)
    return fail("\"count\" is " + std::to_string(count) +
                " but the zeros, NaN, Inf and bin counts add up to " +
                printUInt128(total));

  const JsonValue &min = *object.find("min");
  const JsonValue &max = *object.find("max");
  ValueHistogram &histogram = tensor.getMutableHistogram();
  if (histogram.empty()) {
    if (!min.isNull() || !max.isNull())
      return fail("\"min\" and \"max\" must be null without finite values");
    return true;
  }
  std::optional<float> lo = min.getFloat(), hi = max.getFloat();
  if (!lo || !hi || !std::isfinite(*lo) || !std::isfinite(*hi))
    return fail("\"min\" and \"max\" must be finite float32 numbers");
  if (*lo > *hi)
    return fail("\"min\" is greater than \"max\"");
  // Zeros are recorded as +0.
  float loValue = *lo == 0 ? 0.0f : *lo, hiValue = *hi == 0 ? 0.0f : *hi;
  if (!checkExtreme(histogram, loValue, true) ||
      !checkExtreme(histogram, hiValue, false))
    return false;
  histogram.includeExtremes(loValue, hiValue);
  return true;
}

bool StatisticsReader::readBlock(const JsonValue &object,
                                 TensorStatistics &tensor, uint64_t &total) {
  if (!checkKeys(object, {"sign", "msb", "sum", "sumOfSquares", "counts"},
                 "a \"bins\" entry"))
    return false;
  std::optional<int64_t> sign = object.find("sign")->getInt64();
  std::optional<int64_t> msb = object.find("msb")->getInt64();
  if (!sign || (*sign != 1 && *sign != -1))
    return fail("\"sign\" of a \"bins\" entry is not 1 or -1");
  if (!msb || *msb < ValueHistogram::kMinPosition ||
      *msb > ValueHistogram::kMaxPosition)
    return fail("\"msb\" of a \"bins\" entry is not an integer in [" +
                std::to_string(ValueHistogram::kMinPosition) + ", " +
                std::to_string(ValueHistogram::kMaxPosition) + "]");
  bool negative = *sign < 0;
  int position = int(*msb);
  std::string where = "bins entry (sign " + std::to_string(*sign) + ", msb " +
                      std::to_string(position) + ")";
  ValueHistogram &histogram = tensor.getMutableHistogram();
  if (histogram.findBlock(negative, position))
    return fail("duplicate " + where);

  const JsonValue &counts = *object.find("counts");
  if (counts.kind != JsonValue::Kind::Array ||
      counts.elements.size() != ValueHistogram::kNumSubBins)
    return fail("\"counts\" of " + where + " is not an array of " +
                std::to_string(ValueHistogram::kNumSubBins) + " integers");
  unsigned index = ValueHistogram::blockIndex(negative, position);
  ValueHistogram::Block &block = histogram.blockAt(index);
  UInt128 blockTotal = 0;
  for (unsigned s = 0; s < ValueHistogram::kNumSubBins; ++s) {
    std::optional<uint64_t> value = counts.elements[s].getUInt64();
    if (!value)
      return fail("\"counts\" of " + where +
                  " holds something other than 64-bit counts");
    block[s] = *value;
    blockTotal += *value;
  }
  if (blockTotal == 0)
    return fail(where + " is empty (empty octaves are not written)");
  if (blockTotal > UInt128(UINT64_MAX))
    return fail(where + " holds more than 2^64 values");
  total = uint64_t(blockTotal);

  const JsonValue &sum = *object.find("sum");
  const JsonValue &sumOfSquares = *object.find("sumOfSquares");
  std::optional<UInt128> sumValue, squaresValue;
  if (sum.kind == JsonValue::Kind::String)
    sumValue = parseUInt128(sum.text);
  if (sumOfSquares.kind == JsonValue::Kind::String)
    squaresValue = parseUInt128(sumOfSquares.text);
  if (!sumValue || !squaresValue)
    return fail("\"sum\" and \"sumOfSquares\" of " + where +
                " must be decimal strings of unsigned 128-bit integers");
  // Every significand m is in [2^23, 2^24).
  UInt128 n = blockTotal;
  UInt128 low = UInt128(1) << 23, high = (UInt128(1) << 24) - 1;
  if (*sumValue < n * low || *sumValue > n * high ||
      *squaresValue < n * low * low || *squaresValue > n * high * high)
    return fail("\"sum\" or \"sumOfSquares\" of " + where +
                " is impossible for its " + printUInt128(n) + " values");
  TensorStatistics::SignificandSums sums;
  sums.sum = *sumValue;
  sums.sumOfSquares = *squaresValue;
  tensor.setSums(index, sums);
  return true;
}

/// The smallest (isMin) or largest value of the histogram must lie in the
/// bin of `value`: the extreme occupied bin in value order, or 0 when the
/// zeros are the extreme.
bool StatisticsReader::checkExtreme(const ValueHistogram &histogram,
                                    float value, bool isMin) {
  // For the minimum, the extreme side is negative (largest magnitude
  // first), then zeros, then positive (smallest magnitude first).
  bool extremeNegative = isMin;
  for (int p = ValueHistogram::kMaxPosition; p >= ValueHistogram::kMinPosition;
       --p) {
    if (const ValueHistogram::Block *block =
            histogram.findBlock(extremeNegative, p)) {
      unsigned s = ValueHistogram::kNumSubBins;
      while ((*block)[--s] == 0) {
      }
      if (value == 0 || (value < 0) != extremeNegative ||
          ValueHistogram::binOf(value) != std::make_pair(p, s))
        return fail(std::string(isMin ? "\"min\"" : "\"max\"") +
                    " is not in the most extreme occupied bin");
      return true;
    }
  }
  if (histogram.zeroCount() != 0) {
    if (value != 0)
      return fail(std::string(isMin ? "\"min\"" : "\"max\"") +
                  " should be 0: the values of that side are all zeros");
    return true;
  }
  for (int p = ValueHistogram::kMinPosition; p <= ValueHistogram::kMaxPosition;
       ++p) {
    if (const ValueHistogram::Block *block =
            histogram.findBlock(!extremeNegative, p)) {
      unsigned s = 0;
      while ((*block)[s] == 0)
        ++s;
      if (value == 0 || (value < 0) == extremeNegative ||
          ValueHistogram::binOf(value) != std::make_pair(p, s))
        return fail(std::string(isMin ? "\"min\"" : "\"max\"") +
                    " is not in the most extreme occupied bin");
      return true;
    }
  }
  return true;
}

bool fxp::parseStatisticsJson(std::string_view text,
                              const std::string &fileName,
                              std::vector<TensorStatistics> &result,
                              std::string *error) {
  result.clear();
  std::string jsonError;
  std::optional<JsonValue> document = parseJson(text, &jsonError);
  if (!document) {
    if (error)
      *error = fileName + ": not valid JSON: " + jsonError;
    return false;
  }
  StatisticsReader reader(fileName);
  if (!reader.read(*document, result)) {
    if (error)
      *error = reader.getError();
    return false;
  }
  return true;
}

bool fxp::checkStatisticsSignatures(
    const std::vector<TensorStatistics> &statistics,
    const std::vector<StatisticsSignature> &expected,
    const std::string &fileName, std::string *error) {
  auto fail = [&](const std::string &what) {
    if (error)
      *error = fileName + ": " + what;
    return false;
  };
  auto describe = [](const std::vector<int64_t> &shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i)
      text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
  };
  std::unordered_set<std::string> expectedNames;
  for (const StatisticsSignature &signature : expected) {
    expectedNames.insert(signature.name);
    const TensorStatistics *found = nullptr;
    for (const TensorStatistics &tensor : statistics)
      if (tensor.getName() == signature.name)
        found = &tensor;
    if (!found)
      return fail("no statistics for tensor '" + signature.name +
                  "' (the file was written for a different model?)");
    if (signature.shape && found->getShape() &&
        *signature.shape != *found->getShape())
      return fail("tensor '" + signature.name + "' has shape " +
                  describe(*found->getShape()) + " but the model expects " +
                  describe(*signature.shape));
  }
  for (const TensorStatistics &tensor : statistics)
    if (!expectedNames.count(tensor.getName()))
      return fail("unexpected tensor '" + tensor.getName() +
                  "' (the file was written for a different model?)");
  return true;
}

bool fxp::readStatisticsFile(const std::string &path,
                             std::vector<TensorStatistics> &result,
                             std::string *error,
                             const std::vector<StatisticsSignature> *expected) {
  result.clear();
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file) {
    if (error)
      *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::string text;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    text.append(buffer, n);
  bool readError = std::ferror(file) != 0;
  std::fclose(file);
  if (readError) {
    if (error)
      *error = path + ": read error";
    return false;
  }
  std::vector<TensorStatistics> statistics;
  if (!parseStatisticsJson(text, path, statistics, error))
    return false;
  if (expected &&
      !checkStatisticsSignatures(statistics, *expected, path, error))
    return false;
  result = std::move(statistics);
  return true;
}
