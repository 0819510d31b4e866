using NUnit.Framework;
using WirelessGnn.Graphs;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Graphs;

/// <summary>
/// The sparse and the dense view give the same numbers for every relation and node-set operation, on batches of
/// graphs of different sizes, and both equal a plain float64 loop over the graphs' edges. Dense inputs carry a
/// conspicuous value in the cells that are not real (padding nodes, absent edges), so an operation that forgets its
/// mask is caught. Dense results are compared on real nodes only (through <see cref="NodeSet.Flatten"/>).
/// </summary>
[TestFixture]
public class SparseDenseEquivalenceTests
{
    private const double Tol = 1e-5;
    private const double Garbage = 1e3;
    private static readonly Aggregation[] Aggregations = { Aggregation.Sum, Aggregation.Mean, Aggregation.Max };

    /// <summary>Random batches: 1..4 graphs, 1..6 nodes per type, a sparse relation dense enough to have edges but with isolated nodes.</summary>
    private static IEnumerable<(int Trial, List<HeteroGraph> Graphs)> Batches(int seed, int trials = 8)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < trials; trial++)
            yield return (trial, RandomGraphs.GenerateMany(rng, rng.Next(1, 5), 1, 6, density: 0.35));
    }

    /// <summary>
    /// Runs <paramref name="check"/> on each of <see cref="Batches"/>: the trial's number, a <see cref="Random"/> seeded
    /// with it, the collated batch and its graphs, inside a dispose scope of its own.
    /// </summary>
    private static void ForEachBatch(int seed, Action<int, Random, GraphBatch, List<HeteroGraph>> check, int trials = 8)
    {
        foreach (var (trial, graphs) in Batches(seed, trials))
        {
            using var scope = NewDisposeScope();
            using var batch = GraphBatch.Collate(graphs);
            check(trial, new Random(trial), batch, graphs);
        }
    }

    [Test]
    public void Aggregate_of_random_edge_messages_is_the_same_in_both_views_and_equals_a_loop()
    {
        ForEachBatch(201, (trial, rng, batch, _) =>
        {
            foreach (var relation in RandomGraphs.Schema.Relations)
            {
                var sparse = batch.Sparse.Relation(relation);
                var dense = batch.Dense.Relation(relation);
                var targets = batch.Dense.Nodes(relation.Target);
                long edges = sparse.EdgeCount;
                int width = rng.Next(1, 4), targetCount = batch.NodeCounts(relation.Target).Sum();
                var messages = RandomTensors.Uniform(rng, new[] { edges, width });
                var denseMessages = BatchLayout.RowsToDenseEdges(batch, relation, messages, fill: Garbage);
                var index = BatchLayout.GlobalTargets(batch, relation);
                foreach (var aggregation in Aggregations)
                {
                    string what = $"trial {trial}, {relation}, {aggregation}";
                    var expected = SegmentReference.Reduce(TensorAssert.ToMatrix(messages), index, targetCount, aggregation);
                    var s = sparse.Aggregate(messages, aggregation);
                    var d = dense.Aggregate(denseMessages, aggregation);
                    Assert.That(d.shape, Is.EqualTo(new long[] { batch.GraphCount, batch.NodeCounts(relation.Target).Max(), width }), $"{what}: dense shape");
                    TensorAssert.Close(expected, s, Tol, $"{what}: sparse vs loop");
                    TensorAssert.Close(expected, targets.Flatten(d), Tol, $"{what}: dense vs loop");
                    TensorAssert.Finite(d, $"{what}: dense result, padding included");
                }
            }
        });
    }

    [Test]
    public void Softmax_is_the_same_in_both_views_and_equals_a_loop()
    {
        ForEachBatch(202, (trial, rng, batch, _) =>
        {
            foreach (var relation in RandomGraphs.Schema.Relations)
            {
                var sparse = batch.Sparse.Relation(relation);
                var dense = batch.Dense.Relation(relation);
                int width = rng.Next(1, 4), targetCount = batch.NodeCounts(relation.Target).Sum();
                var scores = RandomTensors.Uniform(rng, new[] { sparse.EdgeCount, width }, low: -5, high: 5);
                string what = $"trial {trial}, {relation}";
                var expected = SegmentReference.Softmax(TensorAssert.ToMatrix(scores), BatchLayout.GlobalTargets(batch, relation), targetCount);

                TensorAssert.Close(expected, sparse.Softmax(scores), Tol, $"{what}: sparse softmax vs loop");
                var d = dense.Softmax(BatchLayout.RowsToDenseEdges(batch, relation, scores, fill: Garbage));
                TensorAssert.Finite(d, $"{what}: dense softmax");
                TensorAssert.Close(expected, BatchLayout.DenseEdgesToRows(batch, relation, d), Tol, $"{what}: dense softmax vs loop");
                var absent = ((DenseRelationView)dense).Adjacency.logical_not().unsqueeze(-1).expand_as(d);
                Assert.That(d.masked_select(absent).abs().sum().item<float>(), Is.EqualTo(0f), $"{what}: dense softmax must be 0 where there is no edge");
            }
        });
    }

    [Test]
    public void Source_and_target_gathers_with_edge_features_then_aggregation_match_across_views()
    {
        ForEachBatch(203, (trial, _, batch, graphs) =>
        {
            foreach (var relation in RandomGraphs.Schema.Relations)
            {
                string what = $"trial {trial}, {relation}";
                var sparse = batch.Sparse.Relation(relation);
                var dense = batch.Dense.Relation(relation);
                Assert.That(dense.EdgeCount, Is.EqualTo(sparse.EdgeCount), $"{what}: edge count");
                Assert.That(sparse.EdgeCount, Is.EqualTo(graphs.Sum(g => g.Edges(relation).Count)), $"{what}: edge count vs graphs");

                // Message per edge: [x_source, x_target, edge features], built by each view's own gathers.
                var s = cat(new[] { sparse.Source(batch.Sparse.Features(relation.Source)), sparse.Target(batch.Sparse.Features(relation.Target)), sparse.EdgeFeatures }, 1);
                var d = cat(new[] { dense.Source(batch.Dense.Features(relation.Source)), dense.Target(batch.Dense.Features(relation.Target)), dense.EdgeFeatures }, 3);

                // The loop: the same message from the graphs' own arrays.
                var xs = BatchLayout.NodeFeatures(batch, relation.Source);
                var xt = BatchLayout.NodeFeatures(batch, relation.Target);
                var fe = BatchLayout.EdgeFeatures(batch, relation);
                var src = BatchLayout.GlobalSources(batch, relation);
                var dst = BatchLayout.GlobalTargets(batch, relation);
                int fs = xs.GetLength(1), ft = xt.GetLength(1), ff = relation.EdgeFeatureCount;
                var expected = new double[src.Length, fs + ft + ff];
                for (int e = 0; e < src.Length; e++)
                {
                    for (int j = 0; j < fs; j++) expected[e, j] = xs[src[e], j];
                    for (int j = 0; j < ft; j++) expected[e, fs + j] = xt[dst[e], j];
                    for (int j = 0; j < ff; j++) expected[e, fs + ft + j] = fe[e, j];
                }
                TensorAssert.Close(expected, s, Tol, $"{what}: sparse messages vs loop");
                TensorAssert.Close(expected, BatchLayout.DenseEdgesToRows(batch, relation, d), Tol, $"{what}: dense messages vs loop");
                TensorAssert.Close(sparse.EdgeFeatures, BatchLayout.DenseEdgesToRows(batch, relation, dense.EdgeFeatures), 0, $"{what}: edge features");

                var targets = batch.Dense.Nodes(relation.Target);
                int targetCount = xt.GetLength(0);
                foreach (var aggregation in Aggregations)
                {
                    var reference = SegmentReference.Reduce(expected, dst, targetCount, aggregation);
                    TensorAssert.Close(reference, sparse.Aggregate(s, aggregation), Tol, $"{what}: sparse {aggregation} of gathered messages");
                    TensorAssert.Close(reference, targets.Flatten(dense.Aggregate(d, aggregation)), Tol, $"{what}: dense {aggregation} of gathered messages");
                }

                // Attention-style: softmax of a score per edge, then the weighted sum of source features.
                var sw = sparse.Softmax(s.narrow(1, 0, 1) * s.narrow(1, fs, 1) * 4) * sparse.Source(batch.Sparse.Features(relation.Source));
                var dw = dense.Softmax(d.narrow(3, 0, 1) * d.narrow(3, fs, 1) * 4) * dense.Source(batch.Dense.Features(relation.Source));
                TensorAssert.Close(sparse.Aggregate(sw, Aggregation.Sum), targets.Flatten(dense.Aggregate(dw, Aggregation.Sum)), Tol, $"{what}: softmax-weighted sum");
            }
        });
    }

    [Test]
    public void InDegree_is_the_same_in_both_views_and_counts_incoming_edges()
    {
        ForEachBatch(204, (trial, _, batch, _) =>
        {
            foreach (var relation in RandomGraphs.Schema.Relations)
            {
                var counts = SegmentReference.Counts(BatchLayout.GlobalTargets(batch, relation), batch.NodeCounts(relation.Target).Sum());
                var expected = counts.Select(c => (double)c).ToArray();
                var sparse = batch.Sparse.Relation(relation).InDegree;
                var dense = batch.Dense.Relation(relation).InDegree;
                Assert.That(sparse.shape, Is.EqualTo(new long[] { expected.Length, 1 }), $"trial {trial}, {relation}: sparse in-degree shape");
                TensorAssert.Close(expected, sparse, 0, $"trial {trial}, {relation}: sparse in-degree");
                TensorAssert.Close(expected, batch.Dense.Nodes(relation.Target).Flatten(dense), 0, $"trial {trial}, {relation}: dense in-degree");
            }
        });
    }

    [Test]
    public void Readout_is_the_same_in_both_views_and_ignores_padding()
    {
        ForEachBatch(205, (trial, rng, batch, _) =>
        {
            foreach (var type in RandomGraphs.NodeTypes)
            {
                var counts = batch.NodeCounts(type);
                var x = RandomTensors.Uniform(rng, new long[] { counts.Sum(), 3 });
                var padded = BatchLayout.RowsToDenseNodes(batch, type, x, fill: Garbage);
                var graphOf = counts.SelectMany((n, b) => Enumerable.Repeat((long)b, n)).ToArray();
                foreach (var aggregation in Aggregations)
                {
                    string what = $"trial {trial}, '{type}', {aggregation}";
                    var expected = SegmentReference.Reduce(TensorAssert.ToMatrix(x), graphOf, counts.Count, aggregation);
                    TensorAssert.Close(expected, batch.Sparse.Nodes(type).Readout(x, aggregation), Tol, $"{what}: sparse readout");
                    TensorAssert.Close(expected, batch.Dense.Nodes(type).Readout(padded, aggregation), Tol, $"{what}: dense readout");
                }
            }
        });
    }

    [Test]
    public void Broadcast_copies_each_graph_row_to_its_nodes_in_both_views()
    {
        ForEachBatch(206, (trial, rng, batch, _) =>
        {
            foreach (var type in RandomGraphs.NodeTypes)
            {
                var perGraph = RandomTensors.Uniform(rng, new long[] { batch.GraphCount, 4 });
                var rows = TensorAssert.ToMatrix(perGraph);
                var counts = batch.NodeCounts(type);
                var expected = new double[counts.Sum(), 4];
                int r = 0;
                for (int g = 0; g < counts.Count; g++)
                    for (int i = 0; i < counts[g]; i++, r++)
                        for (int j = 0; j < 4; j++) expected[r, j] = rows[g, j];
                var sparse = batch.Sparse.Nodes(type).Broadcast(perGraph);
                var dense = batch.Dense.Nodes(type).Broadcast(perGraph);
                Assert.That(dense.shape, Is.EqualTo(new long[] { batch.GraphCount, counts.Max(), 4 }), $"trial {trial}, '{type}': dense broadcast shape");
                TensorAssert.Close(expected, sparse, 0, $"trial {trial}, '{type}': sparse broadcast");
                TensorAssert.Close(expected, batch.Dense.Nodes(type).Flatten(dense), 0, $"trial {trial}, '{type}': dense broadcast");
            }
        });
    }

    [Test]
    public void Split_Flatten_and_ToPadded_agree_across_views_and_with_the_graphs()
    {
        ForEachBatch(207, (trial, _, batch, graphs) =>
        {
            foreach (var type in RandomGraphs.NodeTypes)
            {
                string what = $"trial {trial}, '{type}'";
                var sparseNodes = batch.Sparse.Nodes(type);
                var denseNodes = batch.Dense.Nodes(type);
                var xs = batch.Sparse.Features(type);
                var xd = batch.Dense.Features(type);
                int width = RandomGraphs.Schema.NodeType(type).FeatureCount;

                var sparseParts = sparseNodes.Split(xs);
                var denseParts = denseNodes.Split(xd);
                Assert.That(sparseParts, Has.Length.EqualTo(graphs.Count), $"{what}: sparse parts");
                Assert.That(denseParts, Has.Length.EqualTo(graphs.Count), $"{what}: dense parts");
                for (int g = 0; g < graphs.Count; g++)
                {
                    var own = graphs[g].NodeFeatureMatrix(type).Select(v => (double)v).ToArray();
                    Assert.That(sparseParts[g].shape, Is.EqualTo(new long[] { graphs[g].NodeCount(type), width }), $"{what}: sparse part {g} shape");
                    TensorAssert.Close(own, sparseParts[g], 0, $"{what}: sparse part {g}");
                    TensorAssert.Close(sparseParts[g], denseParts[g], 0, $"{what}: dense part {g}");
                }

                TensorAssert.Close(xs, denseNodes.Flatten(xd), 0, $"{what}: dense Flatten == stacked features");
                Assert.That(ReferenceEquals(sparseNodes.Flatten(xs), xs) || TensorAssert.MaxError(xs, sparseNodes.Flatten(xs)) == 0, Is.True,
                    $"{what}: sparse Flatten is the identity");
                TensorAssert.Close(xd, sparseNodes.ToPadded(xs), 0, $"{what}: sparse ToPadded == dense features");
                TensorAssert.Close(xd, denseNodes.ToPadded(BatchLayout.RowsToDenseNodes(batch, type, xs, fill: Garbage)), 0,
                    $"{what}: dense ToPadded zeroes the padding");
            }
        });
    }

    [Test]
    public void Gradients_through_gathers_aggregation_and_softmax_are_the_same_in_both_views()
    {
        ForEachBatch(208, (trial, rng, batch, _) =>
        {
            foreach (var relation in RandomGraphs.Schema.Relations)
            {
                var sparse = batch.Sparse.Relation(relation);
                var dense = batch.Dense.Relation(relation);
                var sources = batch.Sparse.Nodes(relation.Source);
                var targets = batch.Dense.Nodes(relation.Target);
                long nSource = batch.NodeCounts(relation.Source).Sum(), nTarget = batch.NodeCounts(relation.Target).Sum();
                var edgeWeight = RandomTensors.Uniform(rng, new[] { sparse.EdgeCount, 2 }, ScalarType.Float64);
                var targetWeight = RandomTensors.Uniform(rng, new[] { nTarget, 2 }, ScalarType.Float64);
                foreach (var aggregation in Aggregations)
                {
                    string what = $"trial {trial}, {relation}, {aggregation}";
                    var x = RandomTensors.Uniform(rng, new[] { nSource, 2 }, ScalarType.Float64).requires_grad_(true);

                    var ms = sparse.Source(x) * edgeWeight;
                    var lossSparse = (sparse.Aggregate(ms, aggregation) * targetWeight).sum() + (sparse.Softmax(ms) * edgeWeight).sum();
                    var gradSparse = autograd.grad(new[] { lossSparse }, new[] { x })[0];

                    var md = dense.Source(sources.ToPadded(x)) * BatchLayout.RowsToDenseEdges(batch, relation, edgeWeight, fill: Garbage);
                    var lossDense = (targets.Flatten(dense.Aggregate(md, aggregation)) * targetWeight).sum()
                                    + (BatchLayout.DenseEdgesToRows(batch, relation, dense.Softmax(md)) * edgeWeight).sum();
                    var gradDense = autograd.grad(new[] { lossDense }, new[] { x })[0];

                    TensorAssert.Close(lossSparse, lossDense, 1e-12, $"{what}: loss");
                    TensorAssert.Finite(gradDense, $"{what}: dense gradient");
                    TensorAssert.Close(gradSparse, gradDense, 1e-12, $"{what}: gradient w.r.t. source features");
                }
            }
        }, trials: 5);
    }
}
