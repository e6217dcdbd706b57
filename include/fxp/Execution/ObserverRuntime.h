//===- ObserverRuntime.h - statistics calls of lowered observers -*- C++
//-*-===//
//
// Part of the fxp project.
//
// `fxp-lower-observers` turns each `fxp.observe` into a call
// `fxp_observe_f32(id, memref<*xf32>)` (C interface). This is its host side:
// it forwards the values to the active StatisticsRegistry, where tensor `id`
// is the id'th name of the module's `fxp.observers` attribute.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_EXECUTION_OBSERVERRUNTIME_H
#define FXP_EXECUTION_OBSERVERRUNTIME_H

#include "fxp/Execution/JitModel.h"

namespace mlir::fxp {

class StatisticsRegistry;

/// Sets the registry observer calls write to (null: calls are ignored).
/// Process-wide; set it before running a model and clear it after.
void setActiveObserverRegistry(StatisticsRegistry *registry);

/// The symbols to pass to JitModel::compile for instrumented modules.
std::vector<RuntimeSymbol> getObserverRuntimeSymbols();

} // namespace mlir::fxp

#endif // FXP_EXECUTION_OBSERVERRUNTIME_H
