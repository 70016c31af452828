"""Reference for Substrate.RiseBlur: the blur of RISE's evaluation code (Petsiuk et al. 2018,
github.com/eclique/RISE, evaluation.py), re-stated here: scipy's gaussian_filter of an 11x11 centred
delta with sigma 5 as the kernel of each channel, applied by torch's conv2d with zero padding 5.

Run with Debian's python3-numpy, python3-scipy and python3-torch:
    python3 rise_blur_reference.py ../resources/rise-blur
Writes input.npy ([2, 3, 20, 24] seeded uniform values in [-2, 2], not square so a transposed axis
shows) and expected.npy, both float32.
"""
import sys
from pathlib import Path

import numpy as np
import torch
from scipy.ndimage import gaussian_filter

KLEN, SIGMA = 11, 5


def rise_kernel():
    delta = np.zeros((KLEN, KLEN))
    delta[KLEN // 2, KLEN // 2] = 1
    k = gaussian_filter(delta, SIGMA)
    kern = np.zeros((3, 3, KLEN, KLEN))
    for c in range(3):
        kern[c, c] = k
    return torch.from_numpy(kern.astype("float32"))


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    x = np.random.default_rng(0).uniform(-2, 2, size=(2, 3, 20, 24)).astype("float32")
    blurred = torch.nn.functional.conv2d(torch.from_numpy(x), rise_kernel(), padding=KLEN // 2).numpy()
    np.save(out / "input.npy", x)
    np.save(out / "expected.npy", blurred.astype("float32"))
    print("kernel centre row:", rise_kernel()[0, 0, KLEN // 2].numpy())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
