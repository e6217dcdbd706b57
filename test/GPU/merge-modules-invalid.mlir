// fxp-gpu-merge-modules diagnostics.
// RUN: quant-opt %s --fxp-gpu-merge-modules="name=taken" -verify-diagnostics

// expected-error @below {{fxp-gpu-merge-modules: a symbol named 'taken' already exists}}
module attributes {gpu.container_module} {
  gpu.module @a {
    gpu.func @k() kernel {
      gpu.return
    }
  }
  gpu.module @b {
    gpu.func @k() kernel {
      gpu.return
    }
  }
  func.func @taken() {
    return
  }
}
