"""Generates the small ONNX networks relevance-core's rule tests run on (committed beside this script).

Run from this folder with Debian's python3-torch and python3-onnx:
    /usr/bin/python3 make_rule_models.py ../resources/models
The Java tests never need Python; they read the committed .onnx files. The hand-written graphs carry the
weights the tests repeat in their hand computations; the bias-free CNNs have random weights (seeded) and
serve the conservation tests, whose answer (sum of input relevance = explained score) needs no weights.
"""
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1] if len(sys.argv) > 1 else "../resources/models"
torch.manual_seed(11)


def save(name, nodes, inputs, outputs, initializers):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              [numpy_helper.from_array(np.asarray(v, dtype=np.float32), k) for k, v in initializers])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/{name}.onnx")
    print(name, [n.op_type for n in graph.node])


def value(name, *dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", *dims])


# y = W x + b, one layer: every rule's result is a closed form of these numbers
save("dense", [helper.make_node("Gemm", ["x", "W", "b"], ["y"], name="dense", transB=1)],
     [value("x", 3)], [value("y", 2)],
     [("W", [[1.0, -2.0, 0.5], [0.25, 1.0, -1.0]]), ("b", [0.5, -0.25])])

# y = A x + B x: two branches added, as a residual connection is
save("two_branches", [
    helper.make_node("Gemm", ["x", "A"], ["a"], name="branch_a", transB=1),
    helper.make_node("Gemm", ["x", "B"], ["b"], name="branch_b", transB=1),
    helper.make_node("Add", ["a", "b"], ["y"], name="join"),
], [value("x", 2)], [value("y", 2)], [("A", [[1.0, 2.0], [0.5, -1.0]]), ("B", [[-0.5, 1.0], [2.0, 0.25]])])

# y = x * sigmoid(x): an activation spelled as a product with its gate
save("swish", [
    helper.make_node("Sigmoid", ["x"], ["s"], name="gate"),
    helper.make_node("Mul", ["x", "s"], ["y"], name="product"),
], [value("x", 2)], [value("y", 2)], [])


class BiasFreeCnn(torch.nn.Module):
    """conv-relu-maxpool, conv-relu, GAP, linear; no biases, so LRP's rules can conserve all relevance."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.conv2 = torch.nn.Conv2d(4, 6, 3, padding=1, bias=False)
        self.fc = torch.nn.Linear(6, 3, bias=False)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.relu(self.conv2(x))
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1))


class BiasFreeResidual(torch.nn.Module):
    """conv-relu, conv-relu, residual addition, GAP, linear; no biases."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.conv = torch.nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.fc = torch.nn.Linear(4, 3, bias=False)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        y = torch.relu(self.conv(h)) + h
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))


def export(model, name, shape):
    model.eval()
    torch.onnx.export(model, torch.randn(*shape), f"{out}/{name}.onnx", input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                      opset_version=13)
    print(name, [n.op_type for n in onnx.load(f"{out}/{name}.onnx").graph.node])


export(BiasFreeCnn(), "bias_free_cnn", (1, 3, 8, 8))
export(BiasFreeResidual(), "bias_free_residual", (1, 3, 6, 6))
