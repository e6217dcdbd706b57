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
config.substitutions.append(("%python", "/usr/bin/python3"))
