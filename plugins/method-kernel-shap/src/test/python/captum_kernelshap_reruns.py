"""How well does Captum's KernelShap agree with its own reference when re-run with other seeds?

The shapes reference kernelshap_grid8_n3000.npy is one 3000-sample estimate (seed 0: this script
reproduces it at Pearson 1.00). Re-running the same call with seeds 1..3 measures the sampling noise
of the reference itself; KernelShapTest holds Loupe's estimate to at least that agreement per input
(or to the manifest's 0.9 where Captum's reruns reach it).

Run with Debian's python3-torch and python3-sklearn and a Captum 0.8 source tree:
    /usr/bin/python3 captum_kernelshap_reruns.py /path/to/captum-source /path/to/shared/fixtures/shapes
Writes captum_kernelshap_reruns.csv (seed, input, pearson with the reference) next to the test resources.
Captum's package __init__ files import matplotlib and tqdm; the script imports the KernelShap module
directly and stubs tqdm so that neither is needed.
"""
import os
import sys
import types

import numpy as np
import torch

captum_root, fixtures = sys.argv[1], sys.argv[2]
sys.path.insert(0, captum_root)
tqdm = types.ModuleType("tqdm")
tqdm.auto = types.ModuleType("tqdm.auto")
tqdm.auto.tqdm = lambda *a, **k: None
sys.modules.update({"tqdm": tqdm, "tqdm.auto": tqdm.auto})
for package in ("captum", "captum.attr"):
    # skip the package __init__ files (they pull in matplotlib); submodules still import
    module = types.ModuleType(package)
    module.__path__ = [os.path.join(captum_root, *package.split("."))]
    sys.modules[package] = module
from captum.attr._core.kernel_shap import KernelShap  # noqa: E402

torch.set_num_threads(2)
model = torch.jit.load(os.path.join(fixtures, "model.torchscript.pt")).eval()
x = torch.from_numpy(np.load(os.path.join(fixtures, "inputs.npy")))
labels = np.load(os.path.join(fixtures, "labels.npy"))
reference = np.load(os.path.join(fixtures, "refs", "kernelshap_grid8_n3000.npy"))
# grid8: 8x8-pixel cells, one feature per cell shared by the three channels
cells = torch.arange(64) // 8
mask = (cells[:, None] * 8 + cells[None, :])[None, None].expand(1, 3, 64, 64)
shap = KernelShap(model)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "dev", "loupe", "method",
                   "kernelshap", "captum_kernelshap_reruns.csv")
rows = ["seed,input,pearson"]
for seed in (0, 1, 2, 3):
    torch.manual_seed(seed)
    for i in range(x.shape[0]):
        a = shap.attribute(x[i:i + 1], target=int(labels[i]), feature_mask=mask, baselines=0, n_samples=3000)
        r = np.corrcoef(a.detach().numpy()[0].ravel(), reference[i].ravel())[0, 1]
        rows.append("%d,%d,%.4f" % (seed, i, r))
        print(rows[-1], flush=True)
with open(out, "w") as f:
    f.write("\n".join(rows) + "\n")
