"""Writes the ResNet-18-shaped network the backend benchmark runs (random weights, ~45 MB).

Needs Debian's python3-torch and python3-onnx (no torchvision, no download):
    python3 make_bench_models.py OUT_DIR
writes OUT_DIR/resnet18.onnx (opset 13, input `input` [N,3,224,224], output `logits` [N,1000],
dynamic batch) and OUT_DIR/resnet18.pt (the same network traced to TorchScript), BatchNorm folded
into the convolutions in both, with checks that folding and tracing keep the logits. bench/backends.sh calls it when the files are
missing; they are build output, never committed.
"""
import os
import sys

import onnx
import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

torch.manual_seed(18)


class BasicBlock(nn.Module):
    """Two 3x3 conv-bn layers with an identity (or 1x1 strided conv-bn) shortcut."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class ResNet18(nn.Module):
    """The ResNet-18 layout: 7x7/2 stem, max pool, four stages of two basic blocks, GAP, linear."""

    def __init__(self, classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        stages = []
        cin = 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            stages.append(nn.Sequential(BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)))
            cin = cout
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(512, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):  # plausible statistics instead of the identity
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.data.uniform_(0.5, 1.0)
                m.bias.data.uniform_(-0.1, 0.1)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = self.stages(x)
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def fold_batch_norms(model):
    """Folds every BatchNorm into the convolution before it (as the ONNX exporter does), so the
    TorchScript module and the ONNX graph run the same ops: conv (with bias), relu, add."""
    for block in [model] + [b for stage in model.stages for b in stage]:
        pairs = [("conv1", "bn1")] + ([("conv2", "bn2")] if isinstance(block, BasicBlock) else [])
        for conv, bn in pairs:
            setattr(block, conv, fuse_conv_bn_eval(getattr(block, conv), getattr(block, bn)))
            setattr(block, bn, nn.Identity())
        if isinstance(block, BasicBlock) and block.shortcut is not None:
            block.shortcut = nn.Sequential(fuse_conv_bn_eval(block.shortcut[0], block.shortcut[1]))
    return model


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 make_bench_models.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    example = torch.randn(2, 3, 224, 224)
    model = ResNet18().eval()
    with torch.no_grad():
        expected = model(example)
        model = fold_batch_norms(model)
        assert torch.allclose(expected, model(example), rtol=1e-4, atol=1e-4), "folding changed the network"
    onnx_path = os.path.join(out, "resnet18.onnx")
    pt_path = os.path.join(out, "resnet18.pt")
    torch.onnx.export(model, example, onnx_path, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=13,
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(onnx_path))
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        traced.save(pt_path)
        expected = model(example)
        again = torch.jit.load(pt_path)(example)
    assert torch.allclose(expected, again, rtol=1e-5, atol=1e-5), "the traced module differs from the eager network"
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path) >> 20} MB) and {pt_path} "
          f"({os.path.getsize(pt_path) >> 20} MB)")


if __name__ == "__main__":
    main()
