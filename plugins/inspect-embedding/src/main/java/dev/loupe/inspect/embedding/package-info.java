/**
 * The {@code embedding} inspector: a layer's activations over a set of inputs projected to 2-D with
 * t-SNE and PCA ({@link dev.loupe.inspect.embedding.EmbeddingInspector}). Nothing here is exported;
 * the bundle registers one {@link dev.loupe.api.Inspector} service.
 *
 * <h2>Why t-SNE is written here and not taken from a library</h2>
 * The candidates on Maven Central were checked (October 2026):
 * <ul>
 * <li>{@code de.javagl:bh-tsne} 0.0.1 — BSD, but a single release from 2020 (a port of T-SNE-Java),
 * Barnes–Hut only (no exact gradient), and built on EJML 0.30 ({@code org.ejml:all}), whose API
 * ({@code DenseMatrix64F}) is gone from the EJML 0.44 this project embeds: two EJMLs in one
 * bundle, for code nobody maintains;</li>
 * <li>{@code com.github.lejon.T-SNE-Java} — on JitPack only, not on Maven Central;</li>
 * <li>Tribuo 4.3 (Apache 2) — well kept, but has no t-SNE (its clustering module has k-means and
 * HDBSCAN); Apache Commons Math — SVD and eigen-decompositions, no t-SNE;</li>
 * <li>Smile ≥ 2.6 and ELKI have good t-SNEs but are GPL/AGPL, which this project does not take.</li>
 * </ul>
 * So {@link dev.loupe.inspect.embedding.Tsne} implements it (a few hundred lines), following
 * scikit-learn's {@code TSNE} step for step (perplexity search, symmetrised P, early exaggeration,
 * momentum and gains, "auto" learning rate, PCA initialisation), exact and Barnes–Hut, and is tested
 * against the KL divergence's finite differences and the exact gradient. PCA uses EJML's SVD (Apache
 * 2, embedded privately as in perturbation-core).
 *
 * <h2>Choices</h2>
 * <ul>
 * <li>{@code tsne-algorithm=auto} takes the exact gradient below 500 inputs and Barnes–Hut from
 * there. Exact is the reference (and what the acceptance test runs: 400 shapes in under a second);
 * measured on two cores with 1000 iterations, both take about a second at 400 points, but exact needs
 * 7.4 s at 1000 and 27 s at 2000 points against Barnes–Hut's 4.2 s and 12 s (36 s at 5000), with the
 * same 5-NN accuracy and a KL divergence within 5 %.</li>
 * <li>{@code standardize} is off by default: a layer's features share their units, so a channel that
 * varies more carries more of the layer's distinctions; standardising would give near-dead channels'
 * noise the same weight. scikit-learn's t-SNE and PCA do not standardise either.</li>
 * <li>The perplexity is lowered to (N − 1) / 3 where it is larger (as openTSNE), so that each point's
 * 3·perplexity nearest neighbours exist.</li>
 * <li>The {@code k-nn accuracy} detail is the leave-one-out accuracy of a 5-nearest-neighbour vote in
 * the 2-D map, a number for "the classes separate".</li>
 * </ul>
 */
package dev.loupe.inspect.embedding;
