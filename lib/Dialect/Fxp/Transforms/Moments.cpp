//===- Moments.cpp - data-free activation moments -------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "Moments.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::moments;

double Moment::sigma() const { return std::sqrt(std::max(0.0, variance)); }

Moment moments::rectified(Moment x) {
  double sigma = x.sigma();
  if (sigma == 0)
    return {std::max(0.0, x.mean), 0.0};
  double a = x.mean / sigma;
  double pdf = std::exp(-0.5 * a * a) / std::sqrt(2 * M_PI);
  double cdf = 0.5 * std::erfc(-a / std::sqrt(2.0));
  double mean = x.mean * cdf + sigma * pdf;
  double second = (x.mean * x.mean + x.variance) * cdf + x.mean * sigma * pdf;
  return {mean, std::max(0.0, second - mean * mean)};
}

std::vector<double> moments::constantValues(ObserveOp observer) {
  std::vector<double> values;
  if (DenseFPElementsAttr dense = patterns::getObservedConstant(observer))
    for (const APFloat &v : dense.getValues<APFloat>())
      values.push_back(v.convertToDouble());
  return values;
}

double moments::paddedFraction(const patterns::Node &node) {
  if (node.kind != patterns::NodeKind::Conv)
    return 0.0;
  auto type = cast<RankedTensorType>(node.inputs[0].getType());
  int64_t h = type.getDimSize(2), w = type.getDimSize(3);
  if (ShapedType::isDynamic(h) || ShapedType::isDynamic(w))
    return 0.0;
  double total = double(h + node.padding[0] + node.padding[2]) *
                 double(w + node.padding[1] + node.padding[3]);
  return 1.0 - double(h * w) / total;
}

namespace {

const Moment &at(const std::vector<Moment> &channels, size_t c) {
  return channels.size() == 1 ? channels.front() : channels[c];
}

/// Mixes zero padding into per-channel moments: a fraction `p` of the
/// padded tensor's elements are 0.
std::vector<Moment> padded(const std::vector<Moment> &in, double p) {
  std::vector<Moment> out;
  for (const Moment &m : in) {
    double second = (1 - p) * (m.variance + m.mean * m.mean);
    double mean = (1 - p) * m.mean;
    out.push_back({mean, std::max(0.0, second - mean * mean)});
  }
  return out;
}

/// y[f] = b[f] + sum over c, k of w[f, c, k] x[c] with independent x.
std::vector<Moment> linear(const std::vector<Moment> &in,
                           const std::vector<double> &weights,
                           const std::vector<double> &bias, int64_t outputs,
                           int64_t inputs, int64_t window, bool outputMajor) {
  std::vector<Moment> out(outputs);
  for (int64_t f = 0; f < outputs; ++f) {
    Moment &y = out[f];
    y.mean = bias.empty() ? 0.0 : bias[f];
    for (int64_t c = 0; c < inputs; ++c) {
      const Moment &x = at(in, c);
      for (int64_t k = 0; k < window; ++k) {
        double w = outputMajor ? weights[(f * inputs + c) * window + k]
                               : weights[c * outputs + f];
        y.mean += w * x.mean;
        y.variance += w * w * x.variance;
      }
    }
  }
  return out;
}

} // namespace

MomentTable moments::propagate(func::FuncOp func, Moment input) {
  MomentTable table;
  // Observers of the function's inputs.
  for (BlockArgument arg : func.getArguments())
    for (Operation *user : arg.getUsers())
      if (auto observer = dyn_cast<ObserveOp>(user))
        table[observer] = {input};

  auto momentsOf = [&](ObserveOp observer) -> const std::vector<Moment> * {
    auto it = table.find(observer);
    return it == table.end() ? nullptr : &it->second;
  };

  func.walk([&](Operation *op) {
    // A ReLU that no node fused (its input is an observed tensor).
    if (patterns::isReluOp(op)) {
      ObserveOp input = patterns::findObserver(op->getOperand(0));
      const std::vector<Moment> *in = input ? momentsOf(input) : nullptr;
      SmallVector<Operation *> users = patterns::getDataUsers(op->getResult(0));
      auto output =
          users.size() == 1 ? dyn_cast<ObserveOp>(users.front()) : ObserveOp();
      if (in && output && !table.count(output)) {
        std::vector<Moment> relu;
        for (const Moment &m : *in)
          relu.push_back(rectified(m));
        table[output] = relu;
      }
      return;
    }
    std::optional<patterns::Node> node = patterns::matchNode(op);
    if (!node)
      return;
    SmallVector<const std::vector<Moment> *> in;
    for (ObserveOp observer : node->inputObservers) {
      in.push_back(momentsOf(observer));
      if (!in.back())
        return;
    }
    std::vector<Moment> out;
    switch (node->kind) {
    case patterns::NodeKind::Conv:
    case patterns::NodeKind::Matmul: {
      std::vector<double> weights = constantValues(node->weight);
      std::vector<double> bias =
          node->bias ? constantValues(node->bias) : std::vector<double>();
      auto type = cast<RankedTensorType>(node->weight.getInput().getType());
      if (weights.empty() || !type.hasStaticShape())
        return;
      // conv: F x C x KH x KW; matmul: K x N.
      if (node->kind == patterns::NodeKind::Conv)
        out = linear(padded(*in[0], paddedFraction(*node)), weights, bias,
                     type.getDimSize(0), type.getDimSize(1),
                     type.getDimSize(2) * type.getDimSize(3),
                     /*outputMajor=*/true);
      else
        out = linear(*in[0], weights, bias, type.getDimSize(1),
                     type.getDimSize(0), 1, /*outputMajor=*/false);
      break;
    }
    case patterns::NodeKind::Add: {
      size_t n = std::max(in[0]->size(), in[1]->size());
      for (size_t c = 0; c < n; ++c) {
        const Moment &a = at(*in[0], c), &b = at(*in[1], c);
        out.push_back({a.mean + b.mean, a.variance + b.variance});
      }
      break;
    }
    case patterns::NodeKind::GlobalAvgPool:
      // The mean of equally distributed values keeps the mean; its
      // variance is at most theirs (equal when fully correlated).
      out = *in[0];
      break;
    }
    table[node->output.output] = out;
    if (node->output.reluOutput) {
      std::vector<Moment> relu;
      for (const Moment &m : out)
        relu.push_back(rectified(m));
      table[node->output.reluOutput] = relu;
    }
  });
  return table;
}
