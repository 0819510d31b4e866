using NUnit.Framework;
using WirelessGnn.Graphs;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Graphs;

/// <summary>
/// A batch of graphs of different sizes gives, graph by graph, what each graph gives on its own (sparse: block
/// diagonal with offsets; dense: padding + masks), and Split cuts a batched tensor back into per-graph tensors.
/// </summary>
[TestFixture]
public class BatchingTests
{
    private const double Tol = 1e-5;
    private static readonly GraphLayout[] Layouts = { GraphLayout.Sparse, GraphLayout.Dense };
    private static readonly Aggregation[] Aggregations = { Aggregation.Sum, Aggregation.Mean, Aggregation.Max };

    [Test]
    public void Batched_aggregations_and_readouts_equal_per_graph_results([ValueSource(nameof(Layouts))] GraphLayout layout)
    {
        var rng = new Random(301);
        for (int trial = 0; trial < 6; trial++)
        {
            var graphs = RandomGraphs.GenerateMany(rng, rng.Next(2, 6), 1, 7, density: 0.3);
            using var scope = NewDisposeScope();
            using var batch = GraphBatch.Collate(graphs);
            var view = batch.View(layout);
            var batched = GraphProbe.Run(view);
            for (int g = 0; g < graphs.Count; g++)
            {
                using var alone = GraphBatch.Collate(new[] { graphs[g] });
                var aloneView = alone.View(layout);
                var own = GraphProbe.Run(aloneView);
                foreach (var type in RandomGraphs.NodeTypes)
                {
                    string what = $"{layout}, trial {trial}, graph {g} of {graphs.Count}, '{type}'";
                    var part = view.Nodes(type).Split(batched[type])[g];
                    TensorAssert.Close(aloneView.Nodes(type).Split(own[type])[0], part, Tol, $"{what}: node outputs");
                    foreach (var aggregation in Aggregations)
                        TensorAssert.Close(aloneView.Nodes(type).Readout(own[type], aggregation)[0],
                            view.Nodes(type).Readout(batched[type], aggregation)[g], Tol, $"{what}: {aggregation} readout");
                }
            }
        }
    }

    [Test]
    public void Batched_edge_softmax_equals_per_graph_softmax([ValueSource(nameof(Layouts))] GraphLayout layout)
    {
        var rng = new Random(302);
        for (int trial = 0; trial < 6; trial++)
        {
            var graphs = RandomGraphs.GenerateMany(rng, rng.Next(2, 5), 1, 6, density: 0.4);
            using var scope = NewDisposeScope();
            using var batch = GraphBatch.Collate(graphs);
            foreach (var relation in RandomGraphs.Schema.Relations)
            {
                // Score = the first edge feature, per edge; compared per graph in sparse edge order.
                var r = batch.View(layout).Relation(relation);
                var batched = Rows(batch, relation, r.Softmax(r.EdgeFeatures.narrow(-1, 0, 1) * 7), layout);
                long offset = 0;
                for (int g = 0; g < graphs.Count; g++)
                {
                    using var alone = GraphBatch.Collate(new[] { graphs[g] });
                    var ra = alone.View(layout).Relation(relation);
                    var own = Rows(alone, relation, ra.Softmax(ra.EdgeFeatures.narrow(-1, 0, 1) * 7), layout);
                    TensorAssert.Close(own, batched.narrow(0, offset, own.shape[0]), Tol, $"{layout}, trial {trial}, graph {g}, {relation}: softmax");
                    offset += own.shape[0];
                }
                Assert.That(offset, Is.EqualTo(batched.shape[0]), $"{relation}: every batched edge belongs to one graph");
            }
        }
    }

    private static Tensor Rows(GraphBatch batch, Relation relation, Tensor edges, GraphLayout layout) =>
        layout == GraphLayout.Sparse ? edges : BatchLayout.DenseEdgesToRows(batch, relation, edges);

    [Test]
    public void Split_returns_one_tensor_per_graph_of_its_own_size([ValueSource(nameof(Layouts))] GraphLayout layout)
    {
        var rng = new Random(303);
        var graphs = new List<HeteroGraph>
        {
            RandomGraphs.GenerateSized(rng, 1, 5), RandomGraphs.GenerateSized(rng, 4, 1),
            RandomGraphs.GenerateSized(rng, 7, 3), RandomGraphs.GenerateSized(rng, 2, 2),
        };
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(graphs);
        var view = batch.View(layout);
        Assert.That(batch.GraphCount, Is.EqualTo(4));
        Assert.That(batch.NodeCounts("ap"), Is.EqualTo(new[] { 1, 4, 7, 2 }));
        Assert.That(batch.NodeCounts("ms"), Is.EqualTo(new[] { 5, 1, 3, 2 }));
        foreach (var type in RandomGraphs.NodeTypes)
        {
            var x = view.Features(type);
            var expectedShape = layout == GraphLayout.Sparse
                ? new long[] { batch.NodeCounts(type).Sum(), x.shape[^1] }
                : new long[] { 4, batch.NodeCounts(type).Max(), x.shape[^1] };
            Assert.That(x.shape, Is.EqualTo(expectedShape), $"{layout} '{type}': node layout");
            var parts = view.Nodes(type).Split(x);
            Assert.That(parts, Has.Length.EqualTo(4), $"{layout} '{type}': one part per graph");
            for (int g = 0; g < 4; g++)
            {
                Assert.That(parts[g].shape, Is.EqualTo(new long[] { graphs[g].NodeCount(type), x.shape[^1] }), $"{layout} '{type}': part {g}");
                TensorAssert.Close(graphs[g].NodeFeatureMatrix(type).Select(v => (double)v).ToArray(), parts[g], 0, $"{layout} '{type}': part {g} values");
            }
        }
        // A wider tensor splits the same way.
        var wide = view.Nodes("ms").Split(cat(new[] { view.Features("ms"), view.Features("ms") }, -1));
        Assert.That(wide.Select(p => p.shape[0]), Is.EqualTo(new long[] { 5, 1, 3, 2 }));
        Assert.That(wide.Select(p => p.shape[1]), Is.All.EqualTo(2L * RandomGraphs.MsFeatures));
    }

    [Test]
    public void Sparse_edge_index_is_block_diagonal_with_node_offsets()
    {
        var rng = new Random(304);
        var graphs = RandomGraphs.GenerateMany(rng, 3, 1, 5, density: 0.5);
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(graphs);
        var sparse = (SparseGraphView)batch.Sparse;
        foreach (var relation in RandomGraphs.Schema.Relations)
        {
            var index = sparse.EdgeIndex(relation);
            Assert.That(index.shape, Is.EqualTo(new long[] { 2, graphs.Sum(g => g.Edges(relation).Count) }), $"{relation}: edge index shape");
            TensorAssert.Close(BatchLayout.GlobalSources(batch, relation).Select(i => (double)i).ToArray(), index[0], 0, $"{relation}: sources with offsets");
            TensorAssert.Close(BatchLayout.GlobalTargets(batch, relation).Select(i => (double)i).ToArray(), index[1], 0, $"{relation}: targets with offsets");
        }
    }

    [Test]
    public void Dense_masks_mark_real_nodes_and_edges()
    {
        var rng = new Random(305);
        var graphs = new List<HeteroGraph> { RandomGraphs.GenerateSized(rng, 2, 3, 0.5), RandomGraphs.GenerateSized(rng, 3, 1, 0.5) };
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(graphs);
        var dense = (DenseGraphView)batch.Dense;
        var mask = ((DenseNodeSet)dense.Nodes("ms")).Mask;
        Assert.That(mask.data<bool>().ToArray(), Is.EqualTo(new[] { true, true, true, true, false, false }));
        var adjacency = ((DenseRelationView)dense.Relation(RandomGraphs.Serves)).Adjacency;
        Assert.That(adjacency.shape, Is.EqualTo(new long[] { 2, 3, 3 }));
        // Complete bipartite: every real (ap, ms) pair of each graph, nothing in the padding.
        var expected = new bool[2 * 3 * 3];
        for (int g = 0; g < 2; g++)
            for (int a = 0; a < graphs[g].NodeCount("ap"); a++)
                for (int m = 0; m < graphs[g].NodeCount("ms"); m++) expected[(g * 3 + a) * 3 + m] = true;
        Assert.That(adjacency.data<bool>().ToArray(), Is.EqualTo(expected));
    }
}
