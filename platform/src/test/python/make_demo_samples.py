"""Writes the demo model's sample images (committed under src/main/resources/loupe-demo/samples), and
beside the samples folder their object masks and true classes (masks.npy, labels.npy: the fixture's
own files), so `loupe evaluate` and `loupe inspect` have ground truth for the demo.

The demo model is the shapes fixture (../shared/fixtures/shapes/model.onnx); its eight sample
images become PNGs named by index and true class, so `loupe predict` and `loupe explain` have
real images to run on with no arguments. Run with Debian's python3-numpy and python3-pil:
    python3 make_demo_samples.py ../../../../shared/fixtures/shapes ../../main/resources/loupe-demo/samples
"""
import shutil
import sys

import numpy as np
from PIL import Image

fixtures, out = sys.argv[1], sys.argv[2]
names = ["circle", "square", "triangle", "cross"]
images = np.load(f"{fixtures}/images.npy")
labels = np.load(f"{fixtures}/labels.npy")
for i, (image, label) in enumerate(zip(images, labels)):
    pixels = np.clip(np.rint(image.transpose(1, 2, 0) * 255), 0, 255).astype(np.uint8)
    Image.fromarray(pixels, "RGB").save(f"{out}/{i}-{names[label]}.png")
for name in ("masks.npy", "labels.npy"):
    shutil.copyfile(f"{fixtures}/{name}", f"{out}/../{name}")
