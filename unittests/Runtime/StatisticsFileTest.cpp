//===- StatisticsFileTest.cpp - Tests for statistics files and JSON -------===//
//
// Part of the fxp project: plain C++ runtime (no MLIR or LLVM dependency).
//
//===----------------------------------------------------------------------===//

#include "fxp/Runtime/StatisticsFile.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

using namespace mlir::fxp;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

/// Statistics of several kinds: random data, only zeros, only NaN/Inf,
/// nothing at all, subnormals and extremes; shapes known and unknown.
std::vector<TensorStatistics> sampleStatistics() {
  std::vector<TensorStatistics> result;
  std::mt19937_64 rng(1);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> values;
  for (int i = 0; i < 20000; ++i)
    values.push_back(i % 10 == 0 ? 0.0f : normal(rng));
  values.push_back(std::numeric_limits<float>::denorm_min());
  values.push_back(-std::numeric_limits<float>::max());
  values.push_back(kNaN);
  values.push_back(kInf);
  TensorStatistics dense("conv1.output", std::vector<int64_t>{1, 4, 5, 1001});
  dense.observe(values.data(), int64_t(values.size()));
  result.push_back(dense);

  float zeros[3] = {0.0f, -0.0f, 0.0f};
  TensorStatistics zero("relu \"quoted\"\n\\name");
  zero.observe(zeros, 3);
  result.push_back(zero);

  float special[3] = {kNaN, -kInf, kInf};
  TensorStatistics onlySpecial("special", std::vector<int64_t>{3});
  onlySpecial.observe(special, 3);
  result.push_back(onlySpecial);

  result.push_back(TensorStatistics("never-run", std::vector<int64_t>{-1, 8}));

  float positive[4] = {0.1f, 0.2f, 1e-40f, 3.0e38f};
  TensorStatistics tiny("positive", std::vector<int64_t>{});
  tiny.observe(positive, 4);
  result.push_back(tiny);
  return result;
}

std::string parseError(const std::string &text) {
  std::vector<TensorStatistics> result;
  std::string error;
  EXPECT_FALSE(parseStatisticsJson(text, "stats.json", result, &error));
  EXPECT_TRUE(result.empty());
  return error;
}

/// Replaces the first occurrence of `from` in `text`.
std::string replaced(std::string text, const std::string &from,
                     const std::string &to) {
  size_t position = text.find(from);
  EXPECT_NE(position, std::string::npos) << from;
  if (position != std::string::npos)
    text.replace(position, from.size(), to);
  return text;
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST(StatisticsFile, TextRoundTripIsExact) {
  std::vector<TensorStatistics> original = sampleStatistics();
  std::string text = printStatisticsJson(original);
  std::vector<TensorStatistics> parsed;
  std::string error;
  ASSERT_TRUE(parseStatisticsJson(text, "stats.json", parsed, &error)) << error;
  ASSERT_EQ(parsed.size(), original.size());
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(parsed[i], original[i]) << original[i].getName();
    EXPECT_EQ(parsed[i].sum(), original[i].sum());
  }
  // Printing again gives the same text.
  EXPECT_EQ(printStatisticsJson(parsed), text);
}

TEST(StatisticsFile, FileRoundTripIsExact) {
  std::vector<TensorStatistics> original = sampleStatistics();
  std::string path = ::testing::TempDir() + "fxp_roundtrip_statistics.json";
  std::string error;
  ASSERT_TRUE(writeStatisticsFile(path, original, &error)) << error;
  std::vector<TensorStatistics> read;
  std::vector<StatisticsSignature> expected;
  for (const TensorStatistics &tensor : original)
    expected.push_back({tensor.getName(), tensor.getShape()});
  ASSERT_TRUE(readStatisticsFile(path, read, &error, &expected)) << error;
  EXPECT_EQ(read, original);
  std::remove(path.c_str());
}

TEST(StatisticsFile, EmptyListRoundTrips) {
  std::vector<TensorStatistics> parsed;
  std::string error;
  ASSERT_TRUE(
      parseStatisticsJson(printStatisticsJson({}), "s.json", parsed, &error))
      << error;
  EXPECT_TRUE(parsed.empty());
}

//===----------------------------------------------------------------------===//
// Rejected files
//===----------------------------------------------------------------------===//

TEST(StatisticsFile, RejectsWrongVersion) {
  std::string text = replaced(printStatisticsJson(sampleStatistics()),
                              "\"version\": 1", "\"version\": 2");
  EXPECT_EQ(parseError(text), "stats.json: unsupported statistics file "
                              "version 2 (this build reads version 1)");
}

TEST(StatisticsFile, RejectsForeignFiles) {
  EXPECT_EQ(parseError("{\"format\": \"onnx\", \"version\": 1}"),
            "stats.json: not an fxp statistics file (\"format\" is not "
            "\"fxp-statistics\")");
  EXPECT_EQ(parseError("[1, 2, 3]"),
            "stats.json: not an fxp statistics file (the top level is not a "
            "JSON object)");
  EXPECT_EQ(parseError("\x89PNG\r\n\x1a\n"),
            "stats.json: not valid JSON: line 1, column 1: expected a JSON "
            "value");
  EXPECT_EQ(parseError("{\"format\": \"fxp-statistics\", \"version\": 1, "
                       "nonsense}"),
            "stats.json: not valid JSON: line 1, column 44: expected a "
            "string key");
}

TEST(StatisticsFile, RejectsTruncatedFiles) {
  std::string text = printStatisticsJson(sampleStatistics());
  for (size_t length : {size_t(0), size_t(1), text.size() / 3, text.size() / 2,
                        text.size() - 2}) {
    std::string error = parseError(text.substr(0, length));
    EXPECT_NE(error.find("stats.json: not valid JSON: "), std::string::npos)
        << error;
    EXPECT_NE(error.find("unexpected end of input (truncated?)"),
              std::string::npos)
        << error;
  }
}

TEST(StatisticsFile, RejectsMismatchedNames) {
  std::vector<TensorStatistics> statistics = sampleStatistics();
  std::vector<StatisticsSignature> expected;
  for (const TensorStatistics &tensor : statistics)
    expected.push_back({tensor.getName(), tensor.getShape()});
  std::string error;

  std::vector<StatisticsSignature> missing = expected;
  missing.push_back({"fc.output", std::vector<int64_t>{1, 10}});
  EXPECT_FALSE(
      checkStatisticsSignatures(statistics, missing, "s.json", &error));
  EXPECT_EQ(error, "s.json: no statistics for tensor 'fc.output' (the file "
                   "was written for a different model?)");

  std::vector<StatisticsSignature> fewer(expected.begin() + 1, expected.end());
  EXPECT_FALSE(checkStatisticsSignatures(statistics, fewer, "s.json", &error));
  EXPECT_EQ(error, "s.json: unexpected tensor 'conv1.output' (the file was "
                   "written for a different model?)");
}

TEST(StatisticsFile, RejectsMismatchedShapes) {
  std::vector<TensorStatistics> statistics = sampleStatistics();
  std::string path = ::testing::TempDir() + "fxp_shape_statistics.json";
  std::string error;
  ASSERT_TRUE(writeStatisticsFile(path, statistics, &error)) << error;
  std::vector<StatisticsSignature> expected;
  for (const TensorStatistics &tensor : statistics)
    expected.push_back({tensor.getName(), tensor.getShape()});
  expected[0].shape = std::vector<int64_t>{1, 4, 1001, 5};
  std::vector<TensorStatistics> read;
  EXPECT_FALSE(readStatisticsFile(path, read, &error, &expected));
  EXPECT_EQ(error, path + ": tensor 'conv1.output' has shape [1, 4, 5, 1001] "
                          "but the model expects [1, 4, 1001, 5]");
  EXPECT_TRUE(read.empty());
  // An unknown shape on either side is not a mismatch.
  expected[0].shape = std::nullopt;
  EXPECT_TRUE(readStatisticsFile(path, read, &error, &expected)) << error;
  std::remove(path.c_str());
}

TEST(StatisticsFile, RejectsInconsistentContents) {
  std::string text = printStatisticsJson(sampleStatistics());
  EXPECT_EQ(parseError(replaced(text, "\"count\": 3, \"zeros\": 3",
                                "\"count\": 4, \"zeros\": 3")),
            "stats.json: tensor 'relu \"quoted\"\n\\name': \"count\" is 4 but "
            "the zeros, NaN, Inf and bin counts add up to 3");
  EXPECT_EQ(
      parseError(replaced(text, "\"subBinBits\": 8", "\"subBinBits\": 7")),
      "stats.json: histogram layout differs from this build's (MSB "
      "positions -149..127, 8 sub-bin bits)");
  EXPECT_EQ(parseError(replaced(text, "\"negInf\": 0,",
                                "\"negInf\": 0, "
                                "\"extra\": 1,")),
            "stats.json: tensor 'conv1.output': unknown key \"extra\" in the "
            "tensor");
  EXPECT_EQ(parseError(replaced(text, "\"name\": \"special\",", "")),
            "stats.json: tensor #2: missing key \"name\" in the tensor");
  EXPECT_EQ(parseError(replaced(text, "\"count\": 3, \"zeros\": 0",
                                "\"count\": -3, \"zeros\": 0")),
            "stats.json: tensor 'special': \"count\" is not a non-negative "
            "64-bit integer");
  EXPECT_EQ(parseError(replaced(text, "\"name\": \"special\"",
                                "\"name\": \"conv1.output\"")),
            "stats.json: duplicate tensor name 'conv1.output'");
  EXPECT_EQ(parseError(replaced(text, "\"min\": 0,", "\"min\": -1,")),
            "stats.json: tensor 'relu \"quoted\"\n\\name': \"min\" should be "
            "0: the values of that side are all zeros");
  EXPECT_EQ(parseError(replaced(text, "\"max\": 3e+38", "\"max\": 2e+38")),
            "stats.json: tensor 'positive': \"max\" is not in the most extreme "
            "occupied bin");
  EXPECT_EQ(parseError(replaced(text, "\"sum\": \"", "\"sum\": \"9")),
            "stats.json: tensor 'conv1.output': \"sum\" or \"sumOfSquares\" of "
            "bins entry (sign 1, msb -149) is impossible for its 1 values");
  EXPECT_EQ(parseError(replaced(text, "\"min\": null", "\"min\": 0")),
            "stats.json: tensor 'special': \"min\" and \"max\" must be null "
            "without finite values");
  EXPECT_EQ(parseError(replaced(text, "\"sign\": 1, \"msb\": -149",
                                "\"sign\": 2, \"msb\": -149")),
            "stats.json: tensor 'conv1.output': \"sign\" of a \"bins\" entry "
            "is not 1 or -1");
}

TEST(StatisticsFile, ReportsUnreadableFiles) {
  std::vector<TensorStatistics> read;
  std::string error;
  EXPECT_FALSE(readStatisticsFile("/nonexistent/stats.json", read, &error));
  EXPECT_EQ(error,
            "/nonexistent/stats.json: cannot open: No such file or directory");
  EXPECT_FALSE(writeStatisticsFile("/nonexistent/stats.json", {}, &error));
  EXPECT_NE(error.find("/nonexistent/stats.json: cannot create"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

TEST(Json, ParsesAllValueKinds) {
  std::string error;
  std::optional<JsonValue> value = parseJson(
      " {\"a\": [true, false, null, -0, 1.5e3, \"x\"], \"b\": {}, \"c\": []}\n",
      &error);
  ASSERT_TRUE(value) << error;
  ASSERT_EQ(value->kind, JsonValue::Kind::Object);
  const JsonValue *a = value->find("a");
  ASSERT_TRUE(a && a->kind == JsonValue::Kind::Array);
  ASSERT_EQ(a->elements.size(), 6u);
  EXPECT_TRUE(a->elements[0].boolean);
  EXPECT_EQ(a->elements[1].kind, JsonValue::Kind::Boolean);
  EXPECT_FALSE(a->elements[1].boolean);
  EXPECT_TRUE(a->elements[2].isNull());
  EXPECT_EQ(a->elements[3].getInt64(), 0);
  EXPECT_EQ(a->elements[4].getDouble(), 1500.0);
  EXPECT_EQ(a->elements[4].getInt64(), std::nullopt);
  EXPECT_EQ(a->elements[5].text, "x");
  EXPECT_EQ(value->find("b")->kind, JsonValue::Kind::Object);
  EXPECT_EQ(value->find("c")->elements.size(), 0u);
  EXPECT_EQ(value->find("d"), nullptr);
}

TEST(Json, IntegersAreExactOver64Bits) {
  std::string error;
  std::optional<JsonValue> value = parseJson(
      "[18446744073709551615, 18446744073709551616, -9223372036854775808, "
      "9223372036854775807, 9007199254740993]",
      &error);
  ASSERT_TRUE(value) << error;
  EXPECT_EQ(value->elements[0].getUInt64(), UINT64_MAX);
  EXPECT_EQ(value->elements[0].getInt64(), std::nullopt);
  EXPECT_EQ(value->elements[1].getUInt64(), std::nullopt);
  EXPECT_EQ(value->elements[2].getInt64(), INT64_MIN);
  EXPECT_EQ(value->elements[2].getUInt64(), std::nullopt);
  EXPECT_EQ(value->elements[3].getInt64(), INT64_MAX);
  EXPECT_EQ(value->elements[4].getUInt64(), 9007199254740993u); // 2^53 + 1
}

TEST(Json, StringEscapesAndUnicode) {
  std::string error;
  std::optional<JsonValue> value = parseJson(
      "\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20ac \\ud83d\\ude00\"",
      &error);
  ASSERT_TRUE(value) << error;
  EXPECT_EQ(value->text,
            "q\" b\\ s/ \b\f\n\r\t \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  std::string original = "tab\there \"quote\" back\\slash \x01 ctl";
  std::optional<JsonValue> roundTrip =
      parseJson(quoteJsonString(original), &error);
  ASSERT_TRUE(roundTrip) << error;
  EXPECT_EQ(roundTrip->text, original);
}

TEST(Json, RejectsMalformedInput) {
  struct Case {
    const char *text;
    const char *error;
  } cases[] = {
      {"", "line 1, column 1: unexpected end of input (truncated?)"},
      {"{\"a\": 1,", "line 1, column 9: unexpected end of input (truncated?)"},
      {"{\"a\": 1 \"b\": 2}",
       "line 1, column 9: expected ',' or '}' in an object"},
      {"{\"a\": 1, \"a\": 2}", "line 1, column 10: duplicate key \"a\""},
      {"[01]", "line 1, column 3: leading zeros are not allowed in numbers"},
      {"[1.]", "line 1, column 4: expected a digit"},
      {"[.5]", "line 1, column 2: expected a JSON value"},
      {"[1,]", "line 1, column 4: expected a JSON value"},
      {"tru", "line 1, column 4: unexpected end of input (truncated?)"},
      {"nul!", "line 1, column 4: invalid literal (expected 'null')"},
      {"[1] x", "line 1, column 5: unexpected text after the JSON value"},
      {"\"a\nb\"", "line 1, column 3: control character in a string"},
      {"\"\\x\"", "line 1, column 3: invalid escape '\\x'"},
      {"\"\\ud800\"", "line 1, column 8: unpaired UTF-16 surrogate"},
      {"[NaN]", "line 1, column 2: expected a JSON value"},
      {"{\n  \"a\": [1, 2\n}", "line 3, column 1: expected ',' or ']' in an "
                               "array"},
  };
  for (const Case &c : cases) {
    std::string error;
    EXPECT_FALSE(parseJson(c.text, &error)) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
  }
  std::string deep(100, '[');
  std::string error;
  EXPECT_FALSE(parseJson(deep + std::string(100, ']'), &error));
  EXPECT_EQ(error, "line 1, column 66: nesting deeper than 64 levels");
}

} // namespace
