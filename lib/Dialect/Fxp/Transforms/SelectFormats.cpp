//===- SelectFormats.cpp - formats from calibration statistics ------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "Moments.h"
#include "NetworkPatterns.h"
#include "fxp/Analysis/RangeAnalysis.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_SELECTFORMATS
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;
using namespace mlir::fxp;

namespace {

/// The histogram an `#fxp.stats` attribute describes: each octave's values
/// at its midpoint sub-bin, all positive (the attribute has no signs and no
/// finer bins); extremes and zeros exact.
ValueHistogram histogramFromAttr(StatsAttr stats) {
  ValueHistogram histogram;
  ArrayRef<uint64_t> counts = stats.getMsb();
  for (auto [i, count] : llvm::enumerate(counts)) {
    if (count == 0)
      continue;
    int position = int(stats.getLowest()) + int(i);
    histogram.blockAt(ValueHistogram::blockIndex(
        false, position))[ValueHistogram::kNumSubBins / 2] += count;
  }
  histogram.addZeros(stats.getZeros());
  if (stats.getCount() > 0)
    histogram.includeExtremes(float(stats.getMin().getValueAsDouble()),
                              float(stats.getMax().getValueAsDouble()));
  return histogram;
}

std::vector<float> toFloats(DenseFPElementsAttr values) {
  std::vector<float> data;
  data.reserve(values.getNumElements());
  for (const APFloat &value : values.getValues<APFloat>()) {
    APFloat single = value;
    bool losesInfo = false;
    single.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                   &losesInfo);
    data.push_back(single.convertToFloat());
  }
  return data;
}

void setChoice(ObserveOp observer, Type format, double overflow,
               double underflow) {
  Builder b(observer.getContext());
  observer.setFormatAttr(TypeAttr::get(format));
  observer.setOverflowAttr(b.getF64FloatAttr(overflow));
  observer.setUnderflowAttr(b.getF64FloatAttr(underflow));
}

struct SelectFormatsPass : fxp::impl::SelectFormatsBase<SelectFormatsPass> {
  using SelectFormatsBase::SelectFormatsBase;
  SelectFormatsPass(const SelectFormatsOptions &options,
                    std::shared_ptr<const HistogramTable> table)
      : SelectFormatsBase(options), table(std::move(table)) {}

  void runOnOperation() override;

private:
  /// The word length of `observer`'s format: its `word_length` attribute
  /// (set by fxp-mixed-precision), else the pass option.
  unsigned widthOf(ObserveOp observer) const {
    return observer.getWordLength().value_or(wordLength);
  }
  LogicalResult selectWeight(ObserveOp observer, DenseFPElementsAttr values);
  LogicalResult selectBias(ObserveOp observer, DenseFPElementsAttr values);
  LogicalResult selectActivation(ObserveOp observer);
  LogicalResult selectFromRange(ObserveOp observer, const Interval &range);

  std::shared_ptr<const HistogramTable> table;
  SelectionPolicy activationPolicy = SelectionPolicy::Msb;
  SelectionPolicy weightSelectionPolicy = SelectionPolicy::Msb;
};

LogicalResult SelectFormatsPass::selectWeight(ObserveOp observer,
                                              DenseFPElementsAttr values) {
  std::vector<float> data = toFloats(values);
  auto type = cast<ShapedType>(values.getType());
  std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
  unsigned width = widthOf(observer);
  SelectionOptions options;
  options.wordLength = width;
  options.msbOutlierFraction = 0.0;
  options.percentile = percentile;
  std::optional<unsigned> axis = patterns::getWeightChannelAxis(observer);
  MLIRContext *context = &getContext();
  if (axis && weights == "per-channel" && !shape.empty()) {
    std::vector<ValueHistogram> slices =
        histogramsPerSlice(data.data(), shape, *axis);
    std::vector<FormatChoice> choices =
        selectPerChannelFormats(slices, weightSelectionPolicy, options);
    SmallVector<int32_t> fractions;
    double overflow = 0, underflow = 0, total = 0;
    for (auto [slice, choice] : llvm::zip(slices, choices)) {
      fractions.push_back(choice.format.fractionLength);
      double count = double(slice.finiteCount());
      overflow += choice.overflowFraction * count;
      underflow += choice.underflowFraction * count;
      total += count;
    }
    auto format = FixedType::get(context, /*isSigned=*/true, width,
                                 int32_t(*axis), fractions);
    setChoice(observer, format, total ? overflow / total : 0.0,
              total ? underflow / total : 0.0);
    return success();
  }
  // One slice spanning the whole tensor.
  ValueHistogram histogram =
      histogramsPerSlice(data.data(), {1, int64_t(data.size())}, 0).front();
  FormatChoice choice = selectFormat(histogram, weightSelectionPolicy, options);
  setChoice(observer, FixedType::get(context, choice.format),
            choice.overflowFraction, choice.underflowFraction);
  return success();
}

LogicalResult SelectFormatsPass::selectBias(ObserveOp observer,
                                            DenseFPElementsAttr values) {
  std::optional<patterns::Node> node = patterns::findBiasUser(observer);
  if (!node)
    return failure();
  auto inputFormat = dyn_cast_or_null<FixedType>(
      node->inputObservers[0].getFormat().value_or(Type()));
  auto weightFormat =
      dyn_cast_or_null<FixedType>(node->weight.getFormat().value_or(Type()));
  if (!inputFormat || !weightFormat)
    return observer.emitError() << "bias '" << observer.getName()
                                << "': its input or weight has no format";
  std::vector<float> data = toFloats(values);
  unsigned channels = weightFormat.getNumSlices();
  SmallVector<int32_t> fractions;
  for (unsigned c = 0; c < channels; ++c)
    fractions.push_back(
        biasFormat(inputFormat.getFormat(), weightFormat.getFormat(c))
            .fractionLength);
  uint64_t overflow = 0, underflow = 0;
  for (auto [i, value] : llvm::enumerate(data)) {
    FixedFormat format{true, 32, fractions[channels == 1 ? 0 : i % channels]};
    QuantizeFlags flags;
    quantize(value, format, RoundingMode::NearestAway, OverflowMode::Saturate,
             0, &flags);
    overflow += flags.overflow;
    underflow += flags.underflow;
  }
  MLIRContext *context = &getContext();
  Type format = weightFormat.isPerAxis()
                    ? FixedType::get(context, true, 32, 0, fractions)
                    : FixedType::get(context, true, 32, fractions.front());
  double count = data.empty() ? 1.0 : double(data.size());
  setChoice(observer, format, double(overflow) / count,
            double(underflow) / count);
  return success();
}

LogicalResult SelectFormatsPass::selectFromRange(ObserveOp observer,
                                                 const Interval &range) {
  if (!range.isFinite())
    return observer.emitError()
           << "data-free format for '" << observer.getName()
           << "': its interval is unbounded (give input-range)";
  double magnitude = range.magnitude();
  bool isSigned = !(unsignedActivations && range.lo >= 0);
  FixedFormat format;
  if (std::optional<int> msb = msbPosition(magnitude)) {
    format = formatWithHighestBit(isSigned, widthOf(observer), *msb);
    // The top of the octave may still exceed the largest stored value.
    if (magnitude > format.maxReal())
      format = formatWithHighestBit(isSigned, widthOf(observer), *msb + 1);
  } else {
    format = formatWithHighestBit(isSigned, widthOf(observer), 0);
  }
  setChoice(observer, FixedType::get(&getContext(), format), 0.0, 0.0);
  return success();
}

LogicalResult SelectFormatsPass::selectActivation(ObserveOp observer) {
  const ValueHistogram *histogram = nullptr;
  ValueHistogram fromAttr;
  if (table) {
    auto it = table->find(observer.getName().str());
    if (it != table->end())
      histogram = &it->second;
  } else if (StatsAttr stats = observer.getStatsAttr()) {
    fromAttr = histogramFromAttr(stats);
    histogram = &fromAttr;
  }
  if (!histogram)
    return observer.emitError()
           << "no calibration statistics for '" << observer.getName() << "'"
           << (table ? " in the statistics file" : " (no `stats`)");
  SelectionOptions options;
  options.wordLength = widthOf(observer);
  options.msbOutlierFraction = msbOutlierFraction;
  options.percentile = percentile;
  options.unsignedWhenNonNegative = unsignedActivations;
  FormatChoice choice = selectFormat(*histogram, activationPolicy, options);
  setChoice(observer, FixedType::get(&getContext(), choice.format),
            choice.overflowFraction, choice.underflowFraction);
  return success();
}

void SelectFormatsPass::runOnOperation() {
  func::FuncOp func = getOperation();
  bool dataFree = policy == "range";
  bool fromMoments = policy == "moments";
  std::optional<SelectionPolicy> parsed = dataFree || fromMoments
                                              ? SelectionPolicy::MinMax
                                              : parseSelectionPolicy(policy);
  std::optional<SelectionPolicy> parsedWeight =
      parseSelectionPolicy(weightPolicy);
  if (!parsed || !parsedWeight) {
    mlir::emitError(func.getLoc())
        << "fxp-select-formats: unknown policy '"
        << (parsed ? weightPolicy : policy)
        << "' (expected msb, msb-mse, minmax, percentile, "
           "entropy, mse, range or moments)";
    return signalPassFailure();
  }
  // Data-free: intervals from the range analysis.
  DataFlowSolver solver;
  if (dataFree) {
    RangeAnalysisOptions rangeOptions;
    if (inputRange.size() != 2 || !(inputRange[0] <= inputRange[1])) {
      mlir::emitError(func.getLoc())
          << "fxp-select-formats: policy range needs input-range=lo,hi";
      return signalPassFailure();
    }
    rangeOptions.inputRange = Interval{inputRange[0], inputRange[1]};
    if (failed(runRangeAnalysis(solver, func, rangeOptions)))
      return signalPassFailure();
  }
  moments::MomentTable momentTable;
  if (fromMoments) {
    if (inputMoments.size() != 2 || !(inputMoments[1] >= 0) ||
        !(momentSigmas > 0)) {
      mlir::emitError(func.getLoc())
          << "fxp-select-formats: policy moments needs input-moments=mean,std "
             "(std >= 0) and moment-sigmas > 0";
      return signalPassFailure();
    }
    momentTable = moments::propagate(
        func, {inputMoments[0], inputMoments[1] * inputMoments[1]});
  }
  auto momentInterval = [&](ObserveOp observer) -> std::optional<Interval> {
    auto it = momentTable.find(observer);
    if (it == momentTable.end())
      return std::nullopt;
    double magnitude = 0;
    for (const moments::Moment &m : it->second)
      magnitude =
          std::max(magnitude, std::fabs(m.mean) + momentSigmas * m.sigma());
    bool nonNegative = patterns::isReluOp(observer.getInput().getDefiningOp());
    return Interval{nonNegative ? 0.0 : -magnitude, magnitude};
  };
  if (weights != "per-channel" && weights != "per-tensor") {
    mlir::emitError(func.getLoc())
        << "fxp-select-formats: weights must be per-channel or "
           "per-tensor, got '"
        << weights << "'";
    return signalPassFailure();
  }
  if (wordLength < 2 || wordLength > 16) {
    mlir::emitError(func.getLoc())
        << "fxp-select-formats: word-length must be in [2, 16], "
           "got "
        << static_cast<unsigned>(wordLength);
    return signalPassFailure();
  }
  activationPolicy = *parsed;
  weightSelectionPolicy = *parsedWeight;

  SmallVector<std::pair<ObserveOp, DenseFPElementsAttr>> biases;
  bool failed = false;
  func.walk([&](ObserveOp observer) {
    DenseFPElementsAttr constant = patterns::getObservedConstant(observer);
    if (!constant) {
      if (fromMoments) {
        std::optional<Interval> range = momentInterval(observer);
        if (!range) {
          failed = true;
          observer.emitError() << "data-free format for '" << observer.getName()
                               << "': no moments reach it (not a matched "
                                  "conv, matmul, add or pooling output)";
          return;
        }
        failed |= mlir::failed(selectFromRange(observer, *range));
        return;
      }
      failed |= mlir::failed(
          dataFree
              ? selectFromRange(observer, getRange(solver, observer).getWhole())
              : selectActivation(observer));
      return;
    }
    if (patterns::findBiasUser(observer)) {
      biases.push_back({observer, constant});
      return;
    }
    failed |= mlir::failed(selectWeight(observer, constant));
  });
  for (auto [observer, constant] : biases)
    failed |= mlir::failed(selectBias(observer, constant));
  if (failed)
    signalPassFailure();
}

} // namespace

std::unique_ptr<Pass>
fxp::createSelectFormatsPass(const SelectFormatsOptions &options,
                             std::shared_ptr<const HistogramTable> table) {
  return std::make_unique<SelectFormatsPass>(options, std::move(table));
}
