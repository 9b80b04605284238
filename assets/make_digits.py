"""Make ``assets/digits.npz`` from scikit-learn's copy of the UCI handwritten digits.

scikit-learn's wheel carries the data set as ``sklearn/datasets/data/digits.csv.gz``:
1,797 rows of 64 pixels (0–16, row by row) and the label. This script reads that file
straight out of the wheel, so scikit-learn is never installed, and writes the same numbers
as two uint8 arrays, ``images`` ``(1797, 8, 8)`` and ``labels`` ``(1797,)``, in an ``.npz``
that ``np.load`` reads: 45 KB against the csv.gz's 58 KB, and no parsing at start-up.
The zip entries carry a fixed date, so the output is the same bytes on every run.

    pip download scikit-learn==1.9.1 --no-deps -d /tmp/skl
    python assets/make_digits.py /tmp/skl/scikit_learn-1.9.1-*.whl

Any wheel whose csv.gz has the SHA-256 below gives the same file; the script refuses
another, since the split in ``cnn_core/digits.py`` is defined on these rows in this order.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "sklearn/datasets/data/digits.csv.gz"
SOURCE_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
OUTPUT = Path(__file__).resolve().parent / "digits.npz"


def read_source(path: Path) -> bytes:
    """The csv.gz bytes, from a scikit-learn wheel or from the csv.gz itself."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            return wheel.read(MEMBER)
    return path.read_bytes()


def parse(csv_gz: bytes) -> tuple[np.ndarray, np.ndarray]:
    """``(1797, 8, 8)`` images and ``(1797,)`` labels, both uint8, checked."""
    table = np.loadtxt(io.BytesIO(gzip.decompress(csv_gz)), delimiter=",", dtype=np.int64)
    assert table.shape == (1797, 65), table.shape
    assert table.min() == 0 and table[:, :64].max() == 16 and table[:, 64].max() == 9
    return table[:, :64].reshape(-1, 8, 8).astype(np.uint8), table[:, 64].astype(np.uint8)


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An ``.npz`` like ``np.savez_compressed`` writes, but with fixed zip dates."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1998, 7, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            archive.writestr(entry, buffer.getvalue(), compresslevel=9)


def main(source: str) -> None:
    csv_gz = read_source(Path(source))
    digest = hashlib.sha256(csv_gz).hexdigest()
    if digest != SOURCE_SHA256:
        sys.exit(f"{source}: digits.csv.gz has SHA-256 {digest}, expected {SOURCE_SHA256}")
    images, labels = parse(csv_gz)
    write_npz(OUTPUT, {"images": images, "labels": labels})
    print(f"{OUTPUT.name}: {OUTPUT.stat().st_size:,} bytes, {len(labels)} digits")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
