# -*- Python -*- lit configuration of the fxp test suite.
import os

import lit.formats

config.name = "fxp"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.fxp_obj_root, "test")

# Tools: fxp's own binaries first, then LLVM's FileCheck/not/count.
config.environment["PATH"] = os.pathsep.join(
    [config.fxp_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
if config.ptxas and os.path.exists(config.ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.ptxas))
# A C compiler (tests that build C programs or a mock driver).
import shutil
if shutil.which("cc"):
    config.available_features.add("cc")
# A usable NVIDIA GPU: the driver library loads and reports a device.
def _has_cuda_gpu():
    import ctypes
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    count = ctypes.c_int(0)
    return cuda.cuInit(0) == 0 and cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 \
        and count.value > 0
if _has_cuda_gpu():
    config.available_features.add("cuda-gpu")
# The toolkit's link stub of libcuda: a driver library that loads but is no
# driver (reaches the runtime's driver-error path without a GPU).
_stub = "/usr/local/cuda/lib64/stubs/libcuda.so"
if os.path.exists(_stub):
    config.available_features.add("cuda-stub")
    config.substitutions.append(("%cuda_stub", _stub))
config.substitutions.append(("%python", "/usr/bin/python3"))
