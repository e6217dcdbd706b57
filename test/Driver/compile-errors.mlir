// `quant compile` rejects bad requests with a message and a non-zero exit.
// RUN: rm -rf %t && mkdir -p %t && touch %t/file
// RUN: not quant compile %s --target=tpu -o %t/m.so 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not quant compile %s --emit=exe -o %t/m.so 2>&1 | FileCheck %s --check-prefix=EMIT
// RUN: not quant compile %s --emit=ptx -o %t/m.ptx 2>&1 | FileCheck %s --check-prefix=PTXCPU
// RUN: not quant compile %t/missing.mlir -o %t/m.so 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not quant compile %s --entry nope -o %t/m.so 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not quant compile %s --entry half -o %t/m.so 2>&1 | FileCheck %s --check-prefix=CTYPE
// RUN: not quant compile %s --linker no-such-cc -o %t/m.so 2>&1 | FileCheck %s --check-prefix=LINKER
// RUN: not quant compile %s --target=cuda --gpu-options="tile-q=3" -o %t/m.so 2>&1 | FileCheck %s --check-prefix=GPUOPT
// RUN: not quant compile %s --target=cuda --gpu-options="toolkit=/nonexistent" -o %t/m.so 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: not quant compile %s -o %t/file/m.so 2>&1 | FileCheck %s --check-prefix=OUTDIR

// TARGET: quant compile: error: --target must be cpu or cuda, got 'tpu'
// EMIT: quant compile: error: --emit must be lib, obj, llvm, mlir or ptx, got 'exe'
// PTXCPU: quant compile: error: --emit=ptx needs --target=cuda
// MISSING: missing.mlir
// ENTRY: quant compile: error: no function @nope with a body in
// CTYPE: quant compile: error: @half: argument #0 has type tensor<4xf16>, which has no C descriptor
// LINKER: quant compile: error: cannot find the linker driver 'no-such-cc'
// GPUOPT: quant compile: error: invalid --gpu-options 'tile-q=3'
// PTXAS: quant compile: error: format=fatbin needs ptxas, which is not at /nonexistent/bin/ptxas
// OUTDIR: quant compile: error: cannot create {{.*}}file: {{.*}}

func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

func.func @half(%x: tensor<4xf16>) -> tensor<4xf16> {
  return %x : tensor<4xf16>
}
