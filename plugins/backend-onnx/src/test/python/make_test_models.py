"""Generates the small ONNX networks the backend's tests run on (committed beside this script).

Run from this folder with Debian's python3-torch and python3-onnx:
    python3 make_test_models.py ../resources/models
The Java tests never need Python; they read the committed .onnx files.
"""
import sys

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "../resources/models"
torch.manual_seed(7)


class TinyCnn(torch.nn.Module):
    """conv-relu-maxpool, grouped strided conv with asymmetric padding, GAP, linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 6, 3, stride=1, padding=0, groups=2)
        self.fc = torch.nn.Linear(6, 3)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.relu(self.conv2(torch.nn.functional.pad(x, (0, 1, 1, 0))))
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1))


class TinyResidual(torch.nn.Module):
    """conv-bn-relu, conv-bn, residual add, relu, GAP, linear, softmax."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(4)
        self.conv = torch.nn.Conv2d(4, 4, 3, padding=1)
        self.bn2 = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4, 3)
        for bn in (self.bn1, self.bn2):  # non-trivial statistics, so folding is really tested
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.data.uniform_(0.5, 1.5)
            bn.bias.data.uniform_(-0.3, 0.3)

    def forward(self, x):
        h = torch.relu(self.bn1(self.stem(x)))
        y = torch.relu(self.bn2(self.conv(h)) + h)
        logits = self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))
        return torch.softmax(logits, dim=1)


def export(model, name, shape, output, logits_of=lambda m, x: m(x)):
    """Exports the model (BatchNorm kept as its own node) with a reference input, scores and gradient."""
    model.eval()
    torch.onnx.export(model, torch.randn(*shape), f"{out}/{name}.onnx", input_names=["input"], output_names=[output],
                      dynamic_axes={"input": {0: "N"}, output: {0: "N"}}, opset_version=13,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    print(name, [n.op_type for n in onnx.load(f"{out}/{name}.onnx").graph.node])
    x = torch.randn(*shape, requires_grad=True)
    logits = logits_of(model, x)
    logits[:, 1].sum().backward()  # the raw score of class 1 for every input
    np.save(f"{out}/{name}_input.npy", x.detach().numpy())
    np.save(f"{out}/{name}_logits.npy", logits.detach().numpy())
    np.save(f"{out}/{name}_grad_class1.npy", x.grad.numpy())


def residual_logits(m, x):
    h = torch.relu(m.bn1(m.stem(x)))
    y = torch.relu(m.bn2(m.conv(h)) + h)
    return m.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))


export(TinyCnn(), "tiny_cnn", (2, 3, 8, 8), "logits")
export(TinyResidual(), "tiny_residual", (2, 3, 6, 6), "prob", residual_logits)

# y = W2 · relu(W1 · x): weights the guided-backprop test repeats by hand
w1 = np.array([[1.0, -2.0, 0.5], [0.5, 1.0, -1.0], [-1.0, 0.25, 2.0]], dtype=np.float32)
w2 = np.array([[1.0, -1.0], [-2.0, 0.5], [0.5, 1.5]], dtype=np.float32)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w1"], ["z"], name="fc1"),
     helper.make_node("Relu", ["z"], ["h"], name="relu"),
     helper.make_node("MatMul", ["h", "w2"], ["y"], name="fc2")],
    "relu_mlp",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
    [numpy_helper.from_array(w1.T.copy(), "w1"), numpy_helper.from_array(w2, "w2")])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), f"{out}/relu_mlp.onnx")

# an op the backend does not run, to test the load-time error
graph = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["r"], name="ok"), helper.make_node("Det", ["r"], ["d"], name="determinant")],
    "unsupported",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])],
    [helper.make_tensor_value_info("d", TensorProto.FLOAT, [])])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), f"{out}/unsupported_op.onnx")
