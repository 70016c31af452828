package dev.loupe.backend.onnx.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.loupe.api.Canonizer;
import dev.loupe.backend.onnx.ops.Attributes;
import dev.loupe.backend.onnx.proto.OnnxProto.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a graph so backward rules see the structure they assume, keeping its function: BatchNorm
 * folded into the linear layer before it, residual additions marked as {@code Sum}. The result is a
 * new graph sharing the unchanged constants; its own constants live in a child manager.
 */
public final class Canonizers {
    private Canonizers() {
    }

    /**
     * @param graph the original graph (unchanged)
     * @param canonizers the rewrites
     * @return the rewritten graph; closing it frees only what the rewrite created
     */
    public static Graph apply(Graph graph, Set<Canonizer> canonizers) {
        NDManager manager = graph.manager().newSubManager();
        Map<String, NDArray> constants = new LinkedHashMap<>(graph.constants());
        List<Node> nodes = new ArrayList<>();
        graph.steps().forEach(s -> nodes.add(s.node()));
        List<Node> rewritten = nodes;
        if (canonizers.contains(Canonizer.MERGE_BATCHNORM)) {
            rewritten = mergeBatchNorm(rewritten, constants, manager);
        }
        if (canonizers.contains(Canonizer.EXPLICIT_RESIDUAL)) {
            rewritten = explicitResiduals(rewritten, constants);
        }
        return Graph.build(rewritten, constants, graph.inputs(), graph.outputs(), graph.opset(), manager);
    }

    private static List<Node> mergeBatchNorm(List<Node> nodes, Map<String, NDArray> constants, NDManager manager) {
        Map<String, Integer> consumers = new HashMap<>();
        Map<String, Node> producer = new HashMap<>();
        for (Node n : nodes) {
            n.inputs().forEach(i -> consumers.merge(i, 1, Integer::sum));
            n.outputs().forEach(o -> producer.put(o, n));
        }
        Map<Node, Node> replace = new HashMap<>();
        Set<Node> drop = new HashSet<>();
        for (Node bn : nodes) {
            if (!"BatchNormalization".equals(bn.opType()) || bn.outputs().size() > 1 && !bn.outputs().get(1).isEmpty()) {
                continue;
            }
            Node linear = producer.get(bn.inputs().get(0));
            if (linear == null || consumers.getOrDefault(bn.inputs().get(0), 0) != 1
                    || !bn.inputs().subList(1, 5).stream().allMatch(constants::containsKey)) {
                continue;
            }
            Node folded;
            try (NDScope scope = new NDScope()) { // the folding's temporaries
                scope.suppressNotUsedWarning();
                folded = fold(linear, bn, constants, manager);
            }
            if (folded != null) {
                replace.put(linear, folded);
                drop.add(bn);
            }
        }
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (!drop.contains(n)) {
                out.add(replace.getOrDefault(n, n));
            }
        }
        return out;
    }

    /** @return the linear node with the BatchNorm folded in, or null when it cannot be folded */
    private static Node fold(Node linear, Node bn, Map<String, NDArray> constants, NDManager manager) {
        boolean conv = "Conv".equals(linear.opType());
        boolean gemm = "Gemm".equals(linear.opType());
        if (!conv && !gemm || !constants.containsKey(linear.inputs().get(1))) {
            return null;
        }
        boolean hasBias = linear.inputs().size() > 2 && !linear.inputs().get(2).isEmpty();
        if (hasBias && !constants.containsKey(linear.inputs().get(2))) {
            return null;
        }
        Attributes a = new Attributes(linear.attributes());
        if (gemm && (a.getFloat("alpha", 1f) != 1f || a.getFloat("beta", 1f) != 1f || a.getInt("transA", 0) != 0)) {
            return null;
        }
        float eps = new Attributes(bn.attributes()).getFloat("epsilon", 1e-5f);
        NDArray gamma = constants.get(bn.inputs().get(1));
        NDArray beta = constants.get(bn.inputs().get(2));
        NDArray mean = constants.get(bn.inputs().get(3));
        NDArray var = constants.get(bn.inputs().get(4));
        NDArray scale = gamma.div(var.add(eps).sqrt());
        NDArray w = constants.get(linear.inputs().get(1));
        long out = scale.getShape().get(0);
        NDArray wFolded;
        if (conv) {
            long[] shape = new long[w.getShape().dimension()];
            java.util.Arrays.fill(shape, 1);
            shape[0] = out;
            wFolded = w.mul(scale.reshape(shape));
        } else {
            wFolded = a.getInt("transB", 0) != 0 ? w.mul(scale.reshape(out, 1)) : w.mul(scale.reshape(1, out));
        }
        NDArray b = hasBias ? constants.get(linear.inputs().get(2)) : mean.zerosLike();
        NDArray bFolded = b.sub(mean).mul(scale).add(beta);
        NDScope.unregister(wFolded, bFolded);
        wFolded.attach(manager);
        bFolded.attach(manager);
        String wName = linear.name() + "/bn_folded_weight";
        String bName = linear.name() + "/bn_folded_bias";
        constants.put(wName, wFolded);
        constants.put(bName, bFolded);
        return new Node(linear.name(), linear.opType(), linear.domain(),
                List.of(linear.inputs().get(0), wName, bName), List.of(bn.outputs().get(0)), linear.attributes());
    }

    private static List<Node> explicitResiduals(List<Node> nodes, Map<String, NDArray> constants) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            boolean residual = "Add".equals(n.opType()) && n.inputs().size() == 2
                    && n.inputs().stream().noneMatch(constants::containsKey);
            out.add(residual ? new Node(n.name(), "Sum", n.domain(), n.inputs(), n.outputs(), n.attributes()) : n);
        }
        return out;
    }
}
