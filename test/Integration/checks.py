"""Shared helpers of the integration test scripts: the dataset paths and a
named pass/fail counter whose closing line ctest logs show."""
import os
import sys

DATASET = "/usr/share/datasets/fashion-mnist"
TRAIN_IMAGES = os.path.join(DATASET, "train-images-idx3-ubyte.gz")
TEST_IMAGES = os.path.join(DATASET, "t10k-images-idx3-ubyte.gz")
TEST_LABELS = os.path.join(DATASET, "t10k-labels-idx1-ubyte.gz")
NORMALIZE = "0.2860,0.3530"


class Checks:
    """Named pass/fail results; prints one line per check."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, name, ok, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok

    def finish(self):
        """Prints the closing line; returns the exit status."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
