"""Generates the small ONNX networks the DeepLIFT tests run on (committed beside this script).

Run from this folder with Debian's python3-torch and python3-onnx (/usr/bin/python3):
    /usr/bin/python3 make_deeplift_models.py ../resources/models
The Java tests never need Python; they read the committed .onnx files.

- threshold.onnx: f(x) = max(0, x - 10) as Gemm (weight 1, bias -10) then Relu, input [N, 1]; the
  paper's first worked example (Shrikumar et al. 2017, fig. 2).
- min.onnx: o = i1 - relu(i1 - i2) = min(i1, i2), input [N, 2]: a Gemm with weights (1, -1) and a
  Relu make h, a Concat and a Gemm with weights (1, 0, -1) make o; the paper's RevealCancel example
  (fig. 3).
- random_dense.onnx, random_conv.onnx, random_mobile.onnx: random networks for summation-to-delta
  (dense with ReLU/Sigmoid/Tanh/ELU; conv with ReLU/MaxPool/LeakyReLU/Tanh and a residual sum;
  MobileNetV3-like with BatchNorm, hard-swish as x * clip(x + 3, 0, 6) / 6, a squeeze-and-excitation
  gate (GAP, ReLU, HardSigmoid, broadcast Mul), max pooling and a final Softmax).
"""
import sys

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "../resources/models"
torch.manual_seed(11)


def save(nodes, name, inputs, outputs, weights):
    graph = helper.make_graph(nodes, name, inputs, outputs, [numpy_helper.from_array(w, n) for n, w in weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/{name}.onnx")
    print(name, [n.op_type for n in model.graph.node])


def f32(values):
    return np.array(values, dtype=np.float32)


save([helper.make_node("Gemm", ["x", "w", "b"], ["z"], name="shift"),
      helper.make_node("Relu", ["z"], ["y"], name="relu")],
     "threshold",
     [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1])],
     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
     [("w", f32([[1.0]])), ("b", f32([-10.0]))])

save([helper.make_node("Gemm", ["i", "w1"], ["z"], name="difference"),
      helper.make_node("Relu", ["z"], ["h"], name="relu"),
      helper.make_node("Concat", ["i", "h"], ["ih"], name="concat", axis=1),
      helper.make_node("Gemm", ["ih", "w2"], ["o"], name="combine")],
     "min",
     [helper.make_tensor_value_info("i", TensorProto.FLOAT, ["N", 2])],
     [helper.make_tensor_value_info("o", TensorProto.FLOAT, ["N", 1])],
     [("w1", f32([[1.0], [-1.0]])), ("w2", f32([[1.0], [0.0], [-1.0]]))])


class Dense(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in [(6, 8), (8, 8), (8, 8), (8, 8), (8, 3)])

    def forward(self, x):
        acts = [torch.relu, torch.sigmoid, torch.tanh, torch.nn.functional.elu]
        for fc, act in zip(self.fc, acts):
            x = act(fc(x))
        return self.fc[-1](x)


class Conv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 6, 3, padding=1)
        self.conv3 = torch.nn.Conv2d(6, 6, 3, padding=1)
        self.fc = torch.nn.Linear(6, 3)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        h = torch.nn.functional.leaky_relu(self.conv2(x), 0.1)
        y = torch.relu(torch.tanh(self.conv3(h)) + h)
        y = torch.nn.functional.max_pool2d(y, 2)
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))


class Mobile(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm2d(8)
        self.squeeze = torch.nn.Conv2d(8, 4, 1)
        self.excite = torch.nn.Conv2d(4, 8, 1)
        self.fc = torch.nn.Linear(8, 2)
        self.bn.running_mean.uniform_(-0.5, 0.5)
        self.bn.running_var.uniform_(0.5, 2.0)
        self.bn.weight.data.uniform_(0.5, 1.5)
        self.bn.bias.data.uniform_(-0.3, 0.3)

    def forward(self, x):
        x = self.bn(self.stem(x))
        x = x * torch.clamp(x + 3, 0, 6) / 6
        gate = torch.nn.functional.hardsigmoid(self.excite(torch.relu(self.squeeze(
            torch.nn.functional.adaptive_avg_pool2d(x, 1)))))
        x = torch.nn.functional.max_pool2d(x * gate, 2)
        return torch.softmax(self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1)), dim=1)


def export(model, name, shape):
    model.eval()
    torch.onnx.export(model, torch.randn(*shape), f"{out}/{name}.onnx", input_names=["input"], output_names=["out"],
                      dynamic_axes={"input": {0: "N"}, "out": {0: "N"}}, opset_version=13,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    print(name, [n.op_type for n in onnx.load(f"{out}/{name}.onnx").graph.node])


export(Dense(), "random_dense", (2, 6))
export(Conv(), "random_conv", (2, 2, 8, 8))
export(Mobile(), "random_mobile", (2, 3, 8, 8))
