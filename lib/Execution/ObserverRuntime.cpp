//===- ObserverRuntime.cpp - statistics calls of lowered observers --------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Execution/ObserverRuntime.h"

#include "fxp/Runtime/Statistics.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <atomic>

using namespace mlir::fxp;

static std::atomic<StatisticsRegistry *> activeRegistry{nullptr};

void mlir::fxp::setActiveObserverRegistry(StatisticsRegistry *registry) {
  activeRegistry.store(registry);
}

/// `_mlir_ciface_fxp_observe_f32`: an unranked memref descriptor is
/// {rank, pointer to {allocated, aligned, offset, sizes[rank],
/// strides[rank]}}.
static void observeUnrankedF32(int64_t id, UnrankedMemRefType<float> *memref) {
  StatisticsRegistry *registry = activeRegistry.load();
  if (!registry || !memref || id < 0 || id >= registry->size())
    return;
  auto *words = static_cast<int64_t *>(memref->descriptor);
  auto *aligned = reinterpret_cast<const float *>(words[1]);
  int64_t rank = memref->rank;
  registry->observeStrided(id, aligned + words[2], rank, words + 3,
                           words + 3 + rank);
}

std::vector<RuntimeSymbol> mlir::fxp::getObserverRuntimeSymbols() {
  return {{"_mlir_ciface_fxp_observe_f32",
           reinterpret_cast<void *>(&observeUnrankedF32)}};
}
