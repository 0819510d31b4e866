using NUnit.Framework;
using WirelessGnn.Graphs;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Graphs;

/// <summary>
/// Bad input fails at the boundary with an exception whose message names the problem (the field, the value, what was
/// expected), never with a NaN downstream or a native error.
/// </summary>
[TestFixture]
public class BadInputTests
{
    private static HeteroGraphBuilder TwoAndThree()
    {
        var b = new HeteroGraphBuilder(RandomGraphs.Schema);
        for (int i = 0; i < 2; i++) b.AddNode("ap", new float[] { i, 0, 0 });
        for (int i = 0; i < 3; i++) b.AddNode("ms", new float[] { 0, i });
        return b;
    }

    // --- builder -----------------------------------------------------------------------------------------------

    [Test]
    public void Node_features_of_the_wrong_width_are_refused()
    {
        var b = new HeteroGraphBuilder(RandomGraphs.Schema);
        var e = Assert.Throws<ArgumentException>(() => b.AddNode("ap", new float[] { 1, 2 }));
        Assert.That(e!.Message, Does.Contain("'ap'").And.Contain("length 2").And.Contain("expected 3"));
        var m = Assert.Throws<ArgumentException>(() => b.AddNodes("ms", new float[1, 5]));
        Assert.That(m!.Message, Does.Contain("'ms'").And.Contain("5 columns").And.Contain("expected 2"));
        Assert.That(b.NodeCount("ap"), Is.EqualTo(0), "a refused node is not added");
    }

    [TestCase(float.NaN, "NaN")]
    [TestCase(float.PositiveInfinity, "")]
    [TestCase(float.NegativeInfinity, "")]
    public void Non_finite_node_features_are_refused(float bad, string shown)
    {
        var b = new HeteroGraphBuilder(RandomGraphs.Schema);
        b.AddNode("ap", new float[] { 0, 0, 0 });
        var e = Assert.Throws<ArgumentException>(() => b.AddNode("ap", new float[] { 0, bad, 0 }));
        Assert.That(e!.Message, Does.Contain("features of ap#1").And.Contain("element 1").And.Contain("expected a finite number").And.Contain(shown));
    }

    [Test]
    public void Non_finite_edge_features_and_edge_features_of_the_wrong_width_are_refused()
    {
        var b = TwoAndThree();
        var nan = Assert.Throws<ArgumentException>(() => b.AddEdge(RandomGraphs.Serves, 0, 1, 0.5f, float.NaN));
        Assert.That(nan!.Message, Does.Contain("edge 0->1").And.Contain("serves").And.Contain("element 1").And.Contain("NaN"));
        var wide = Assert.Throws<ArgumentException>(() => b.AddEdge(RandomGraphs.Serves, 0, 1, 0.5f));
        Assert.That(wide!.Message, Does.Contain("serves").And.Contain("length 1").And.Contain("expected 2"));
        var none = Assert.Throws<ArgumentException>(() => b.AddCompleteBipartite(RandomGraphs.Serves));
        Assert.That(none!.Message, Does.Contain("2 edge features").And.Contain("feature function"));
    }

    [Test]
    public void Unknown_node_types_are_refused_naming_the_known_ones()
    {
        var b = TwoAndThree();
        var add = Assert.Throws<KeyNotFoundException>(() => b.AddNode("bs", new float[] { 1 }));
        Assert.That(add!.Message, Does.Contain("Unknown node type 'bs'").And.Contain("ap").And.Contain("ms"));
        var graph = b.Build();
        Assert.That(Assert.Throws<KeyNotFoundException>(() => graph.NodeCount("ue"))!.Message, Does.Contain("'ue'"));
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(new[] { graph });
        foreach (var view in new[] { batch.Sparse, batch.Dense })
        {
            Assert.That(Assert.Throws<KeyNotFoundException>(() => view.Features("bs"))!.Message, Does.Contain("Unknown node type 'bs'"), $"{view.Layout} Features");
            Assert.That(Assert.Throws<KeyNotFoundException>(() => view.Nodes("bs"))!.Message, Does.Contain("Unknown node type 'bs'"), $"{view.Layout} Nodes");
        }
        var schema = Assert.Throws<KeyNotFoundException>(() => new GraphSchema(new[] { new NodeType("ap", 1) }, new[] { new Relation("ap", "r", "ue") }));
        Assert.That(schema!.Message, Does.Contain("Unknown node type 'ue'").And.Contain("target of relation"));
    }

    [Test]
    public void Unknown_relations_are_refused_naming_the_known_ones()
    {
        var stranger = new Relation("ap", "interferes", "ms", 2);
        var b = TwoAndThree();
        var add = Assert.Throws<KeyNotFoundException>(() => b.AddEdge(stranger, 0, 0, 1f, 1f));
        Assert.That(add!.Message, Does.Contain("interferes").And.Contain("not in the schema").And.Contain("serves"));
        Assert.That(Assert.Throws<KeyNotFoundException>(() => b.AddCompleteBipartite(stranger, (_, _) => new[] { 1f, 1f }))!.Message,
            Does.Contain("not in the schema"));
        Assert.That(Assert.Throws<KeyNotFoundException>(() => RandomGraphs.Schema.Relation("interferes"))!.Message,
            Does.Contain("Unknown relation 'interferes'").And.Contain("hears"));
        var graph = b.Build();
        Assert.That(Assert.Throws<KeyNotFoundException>(() => graph.Edges(stranger))!.Message, Does.Contain("not in the schema"));
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(new[] { graph });
        foreach (var view in new[] { batch.Sparse, batch.Dense })
        {
            Assert.That(Assert.Throws<KeyNotFoundException>(() => view.Relation(stranger))!.Message, Does.Contain("not in the schema"), $"{view.Layout}");
            Assert.That(Assert.Throws<KeyNotFoundException>(() => view.Relation("interferes"))!.Message, Does.Contain("Unknown relation 'interferes'"), $"{view.Layout}");
        }
    }

    [TestCase(2, 0, "source index", "= 2", "0..1")]
    [TestCase(-1, 0, "source index", "= -1", "0..1")]
    [TestCase(0, 3, "target index", "= 3", "0..2")]
    public void Edge_indices_out_of_range_are_refused(int source, int target, string field, string value, string range)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TwoAndThree().AddEdge(RandomGraphs.Serves, source, target, 1f, 1f));
        Assert.That(e!.Message, Does.Contain(field).And.Contain("serves").And.Contain(value).And.Contain(range));
    }

    [Test]
    public void Duplicate_edges_are_refused()
    {
        var b = TwoAndThree().AddEdge(RandomGraphs.Hears, 2, 1, 0.5f);
        var e = Assert.Throws<ArgumentException>(() => b.AddEdge(RandomGraphs.Hears, 2, 1, 0.7f));
        Assert.That(e!.Message, Does.Contain("2->1").And.Contain("hears").And.Contain("added twice"));
        // The same pair in another relation is a different edge.
        Assert.DoesNotThrow(() => b.AddEdge(RandomGraphs.HeardBy, 1, 2, 0.5f));
        Assert.That(b.Build().Edges(RandomGraphs.Hears).Count, Is.EqualTo(1));
    }

    [Test]
    public void A_node_type_without_nodes_is_refused_at_Build()
    {
        var b = new HeteroGraphBuilder(RandomGraphs.Schema);
        b.AddNode("ap", new float[] { 0, 0, 0 });
        var e = Assert.Throws<InvalidOperationException>(() => b.Build());
        Assert.That(e!.Message, Does.Contain("Node type 'ms' has no nodes"));
    }

    [Test]
    public void Schema_declarations_are_checked()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new GraphSchema(new[] { new NodeType("ap", 1), new NodeType("ap", 2) }, Array.Empty<Relation>()))!.Message,
            Does.Contain("'ap' is declared twice"));
        Assert.That(Assert.Throws<ArgumentException>(() => new GraphSchema(Array.Empty<NodeType>(), Array.Empty<Relation>()))!.Message,
            Does.Contain("at least one node type"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new NodeType("ap", -1))!.Message, Does.Contain("'ap'").And.Contain(">= 0"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new Relation("ap", "r", "ms", -2))!.Message, Does.Contain("'r'").And.Contain(">= 0"));
    }

    // --- batching ----------------------------------------------------------------------------------------------

    [Test]
    public void Collate_refuses_an_empty_list_and_mixed_schemas()
    {
        var e = Assert.Throws<ArgumentException>(() => GraphBatch.Collate(Array.Empty<HeteroGraph>()));
        Assert.That(e!.Message, Does.Contain("at least one graph"));
        Assert.Throws<ArgumentNullException>(() => GraphBatch.Collate(null!));
        var other = new GraphSchema(new[] { new NodeType("ap", 3), new NodeType("ms", 2) }, Array.Empty<Relation>());
        var b = new HeteroGraphBuilder(other);
        b.AddNode("ap", new float[3]);
        b.AddNode("ms", new float[2]);
        var mixed = Assert.Throws<ArgumentException>(() => GraphBatch.Collate(new[] { TwoAndThree().Build(), b.Build() }));
        Assert.That(mixed!.Message, Does.Contain("graphs[1]").And.Contain("different schema"));
    }

    // --- segment index -----------------------------------------------------------------------------------------

    [Test]
    public void SegmentIndex_refuses_indices_out_of_range_and_malformed_indices()
    {
        using var scope = NewDisposeScope();
        var high = Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentIndex(tensor(new long[] { 0, 3, 1 }), 3));
        Assert.That(high!.Message, Does.Contain("[0, 3]").And.Contain("expected values in [0, 2]"));
        var low = Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentIndex(tensor(new long[] { 0, -1 }), 3));
        Assert.That(low!.Message, Does.Contain("[-1, 0]").And.Contain("expected values in [0, 2]"));
        var none = Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentIndex(tensor(new long[] { 0 }), 0));
        Assert.That(none!.Message, Does.Contain("index values"));
        Assert.That(Assert.Throws<ArgumentException>(() => new SegmentIndex(tensor(new[] { 0, 1 }), 3))!.Message, Does.Contain("expected int64"));
        Assert.That(Assert.Throws<ArgumentException>(() => new SegmentIndex(zeros(2, 2, dtype: int64), 3))!.Message, Does.Contain("expected a 1-D tensor"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentIndex(zeros(0, dtype: int64), -1))!.Message, Does.Contain("segmentCount"));
    }

    [Test]
    public void SegmentIndex_refuses_a_source_with_the_wrong_row_count()
    {
        using var scope = NewDisposeScope();
        using var index = new SegmentIndex(tensor(new long[] { 0, 1, 1 }), 2);
        foreach (var (name, kernel) in new (string, Func<Tensor, Tensor>)[] { ("Sum", index.Sum), ("Mean", index.Mean), ("Max", index.Max), ("Softmax", index.Softmax) })
        {
            var e = Assert.Throws<ArgumentException>(() => kernel(zeros(4, 2)), name);
            Assert.That(e!.Message, Does.Contain("expected 3 rows").And.Contain("[4, 2]"), name);
        }
        index.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.Sum(zeros(3, 2)), "a disposed index is not used");
    }

    // --- views -------------------------------------------------------------------------------------------------

    /// <summary>2 APs and 3 MSs, and 4 APs and 1 MS: the two node types differ in count (6, 4) and padded size (4, 3).</summary>
    private static GraphBatch Batch()
    {
        var rng = new Random(601);
        return GraphBatch.Collate(new[] { RandomGraphs.GenerateSized(rng, 2, 3, 0.6), RandomGraphs.GenerateSized(rng, 4, 1, 0.6) });
    }

    [Test]
    public void Sparse_relation_view_refuses_tensors_of_the_wrong_shape()
    {
        using var scope = NewDisposeScope();
        using var batch = Batch();
        var view = batch.Sparse;
        var r = view.Relation(RandomGraphs.Serves);   // ap (6 in all) -> ms (4 in all), 10 edges
        var ap = view.Features("ap");
        var ms = view.Features("ms");
        Assert.That(Assert.Throws<ArgumentException>(() => r.Aggregate(zeros(r.EdgeCount + 1, 2), Aggregation.Sum))!.Message, Does.Contain($"expected {r.EdgeCount} rows"));
        Assert.That(Assert.Throws<ArgumentException>(() => r.Aggregate(zeros(r.EdgeCount - 1, 2), Aggregation.Max))!.Message, Does.Contain($"expected {r.EdgeCount} rows"));
        Assert.That(Assert.Throws<ArgumentException>(() => r.Softmax(zeros(r.EdgeCount + 2, 1)))!.Message, Does.Contain($"expected {r.EdgeCount} rows"));
        var source = Assert.Throws<ArgumentException>(() => r.Source(ms));
        Assert.That(source!.Message, Does.Contain("source").And.Contain("expected 6 rows").And.Contain("[4, 2]"));
        var target = Assert.Throws<ArgumentException>(() => r.Target(ap));
        Assert.That(target!.Message, Does.Contain("target").And.Contain("expected 4 rows").And.Contain("[6, 3]"));
        var wider = Assert.Throws<ArgumentException>(() => r.Target(cat(new[] { ms, ms })));
        Assert.That(wider!.Message, Does.Contain("expected 4 rows"));
        var edgewise = Assert.Throws<ArgumentException>(() => r.Edgewise(TorchSharp.torch.nn.Identity(), zeros(r.EdgeCount + 1, 2)));
        Assert.That(edgewise!.Message, Does.Contain("edge tensor").And.Contain($"expected {r.EdgeCount} rows"));
        Assert.DoesNotThrow(() => r.Source(ap));
        Assert.DoesNotThrow(() => r.Target(ms));
        Assert.DoesNotThrow(() => r.Edgewise(TorchSharp.torch.nn.Identity(), zeros(r.EdgeCount, 2)));
    }

    [Test]
    public void Dense_relation_view_refuses_tensors_of_the_wrong_shape()
    {
        using var scope = NewDisposeScope();
        using var batch = Batch();
        var view = batch.Dense;
        var r = view.Relation(RandomGraphs.Serves);   // [2, 4 APs, 3 MSs]
        var ap = view.Features("ap");
        var ms = view.Features("ms");
        Assert.That(Assert.Throws<ArgumentException>(() => r.Aggregate(zeros(2, 4, 3), Aggregation.Sum))!.Message,
            Does.Contain("edge tensor of (ap)-[serves]->(ms)").And.Contain("expected [2, 4, 3, F]").And.Contain("[2, 4, 3]"));
        Assert.That(Assert.Throws<ArgumentException>(() => r.Aggregate(zeros(2, 4, 4, 1), Aggregation.Mean))!.Message, Does.Contain("expected [2, 4, 3, F]"));
        Assert.That(Assert.Throws<ArgumentException>(() => r.Softmax(zeros(1, 4, 3, 1)))!.Message, Does.Contain("expected [2, 4, 3, F]"));
        Assert.That(Assert.Throws<ArgumentException>(() => r.Source(zeros(2, 3, 3)))!.Message,
            Does.Contain("source node tensor").And.Contain("expected [2, 4, F]").And.Contain("[2, 3, 3]"));
        Assert.That(Assert.Throws<ArgumentException>(() => r.Target(ap.narrow(1, 0, 2)))!.Message, Does.Contain("target node tensor"));
        Assert.That(Assert.Throws<ArgumentException>(() => r.Source(ap.reshape(-1, 3)))!.Message, Does.Contain("source node tensor"), "sparse layout given to the dense view");
        Assert.That(Assert.Throws<ArgumentException>(() => r.Edgewise(TorchSharp.torch.nn.Identity(), zeros(2, 4, 2, 1)))!.Message, Does.Contain("edge tensor"));
        Assert.DoesNotThrow(() => r.Source(ap));
        Assert.DoesNotThrow(() => r.Target(ms));
    }

    [Test]
    public void Node_sets_refuse_tensors_of_the_wrong_shape([Values(GraphLayout.Sparse, GraphLayout.Dense)] GraphLayout layout)
    {
        using var scope = NewDisposeScope();
        using var batch = Batch();
        var view = batch.View(layout);
        var nodes = view.Nodes("ms");   // 4 MSs: 3 + 1
        var ap = view.Features("ap");   // 6 APs: 2 + 4
        string expected = layout == GraphLayout.Sparse ? "expected 4 rows" : "expected the dense layout [2, 3, F]";
        foreach (var aggregation in new[] { Aggregation.Sum, Aggregation.Mean, Aggregation.Max })
            Assert.That(Assert.Throws<ArgumentException>(() => nodes.Readout(ap, aggregation))!.Message, Does.Contain("'ms'").And.Contain(expected), $"Readout {aggregation}");
        Assert.That(Assert.Throws<ArgumentException>(() => nodes.Split(ap))!.Message, Does.Contain(expected), "Split");
        Assert.That(Assert.Throws<ArgumentException>(() => nodes.ToPadded(ap))!.Message, Does.Contain(expected), "ToPadded");
        Assert.That(Assert.Throws<ArgumentException>(() => nodes.Nodewise(TorchSharp.torch.nn.Identity(), ap))!.Message, Does.Contain(expected), "Nodewise");
        Assert.That(Assert.Throws<ArgumentException>(() => nodes.Flatten(ap))!.Message, Does.Contain(expected), "Flatten");
        var broadcast = Assert.Throws<ArgumentException>(() => nodes.Broadcast(zeros(3, 2)));
        Assert.That(broadcast!.Message, Does.Contain("per-graph tensor for 'ms'").And.Contain("expected 2 rows").And.Contain("[3, 2]"), "Broadcast");
    }

    // --- legal emptiness ---------------------------------------------------------------------------------------

    [Test]
    public void A_relation_without_any_edge_aggregates_to_zero_in_both_views()
    {
        var rng = new Random(602);
        var graphs = RandomGraphs.GenerateMany(rng, 3, 1, 5, density: 0);   // Hears and HeardBy are empty everywhere
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(graphs);
        foreach (var relation in new[] { RandomGraphs.Hears, RandomGraphs.HeardBy })
            foreach (var view in new[] { batch.Sparse, batch.Dense })
            {
                string what = $"{view.Layout}, {relation}";
                var r = view.Relation(relation);
                Assert.That(r.EdgeCount, Is.EqualTo(0), what);
                var x = view.Features(relation.Source).detach().clone().requires_grad_(true);
                var messages = cat(new[] { r.Source(x), r.EdgeFeatures }, -1);
                var targets = view.Nodes(relation.Target);
                int width = (int)messages.shape[^1];
                var zero = new double[batch.NodeCounts(relation.Target).Sum(), width];
                Tensor loss = zeros(1);
                foreach (var aggregation in new[] { Aggregation.Sum, Aggregation.Mean, Aggregation.Max })
                {
                    var aggregated = r.Aggregate(messages, aggregation);
                    TensorAssert.Finite(aggregated, $"{what}: {aggregation}, padding included");
                    TensorAssert.Close(zero, targets.Flatten(aggregated), 0, $"{what}: {aggregation} of nothing");
                    loss = loss + aggregated.sum();
                }
                var softmax = r.Softmax(messages);
                TensorAssert.Finite(softmax, $"{what}: softmax");
                Assert.That(softmax.abs().sum().item<float>(), Is.EqualTo(0f), $"{what}: softmax over no edges");
                TensorAssert.Close(new double[zero.GetLength(0)], targets.Flatten(r.InDegree), 0, $"{what}: in-degree");
                (loss + softmax.sum()).backward();
                Assert.That(x.grad, Is.Not.Null, $"{what}: gradient");
                TensorAssert.Close(new double[x.numel()], x.grad!, 0, $"{what}: gradient through an empty relation");
                TensorAssert.Finite(GraphProbe.Run(view)[relation.Target], $"{what}: probe over an empty relation");
            }
    }

    [Test]
    public void Isolated_nodes_get_zero_aggregates_and_no_NaN_in_both_views()
    {
        // APs 1 and 2 of graph 0 hear nobody; AP 0 hears MS 0 (gain 0.5) and MS 1 (gain 0.25).
        var b = new HeteroGraphBuilder(RandomGraphs.Schema);
        for (int i = 0; i < 3; i++) b.AddNode("ap", new float[] { i, 1, 2 });
        b.AddNode("ms", new float[] { 3, -1 });
        b.AddNode("ms", new float[] { -2, 4 });
        b.AddEdge(RandomGraphs.Hears, 0, 0, 0.5f).AddEdge(RandomGraphs.Hears, 1, 0, 0.25f);
        var isolated = b.Build();
        var other = RandomGraphs.GenerateSized(new Random(603), 4, 3, 0.5);   // a bigger neighbour: padding in the dense view
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(new[] { isolated, other });

        // Messages [x_ms, gain] into AP 0: rows (3, -1, 0.5) and (-2, 4, 0.25).
        var expected = new Dictionary<Aggregation, double[]>
        {
            [Aggregation.Sum] = new[] { 1, 3, 0.75, 0, 0, 0, 0, 0, 0 },
            [Aggregation.Mean] = new[] { 0.5, 1.5, 0.375, 0, 0, 0, 0, 0, 0 },
            [Aggregation.Max] = new[] { 3, 4, 0.5, 0, 0, 0, 0, 0, 0 },
        };
        foreach (var view in new[] { batch.Sparse, batch.Dense })
        {
            var r = view.Relation(RandomGraphs.Hears);
            var aps = view.Nodes("ap");
            var x = view.Features("ms").detach().clone().requires_grad_(true);
            var messages = cat(new[] { r.Source(x), r.EdgeFeatures }, -1);
            Tensor loss = zeros(1);
            foreach (var (aggregation, values) in expected)
            {
                var result = r.Aggregate(messages, aggregation);
                TensorAssert.Finite(result, $"{view.Layout} {aggregation}");
                TensorAssert.Close(values, aps.Split(result)[0], 1e-6, $"{view.Layout} {aggregation} in the graph with isolated APs");
                loss = loss + result.sum();
            }
            var softmax = r.Softmax(messages * 100);
            TensorAssert.Finite(softmax, $"{view.Layout} softmax");
            var weights = aps.Split(r.Aggregate(softmax, Aggregation.Sum))[0];
            TensorAssert.Close(new double[] { 1, 1, 1, 0, 0, 0, 0, 0, 0 }, weights, 1e-6, $"{view.Layout}: softmax sums to 1 at AP 0 and 0 at isolated APs");
            TensorAssert.Close(new double[] { 2, 0, 0 }, aps.Split(r.InDegree)[0], 0, $"{view.Layout} in-degree");
            (loss + (softmax * softmax).sum()).backward();
            TensorAssert.Finite(x.grad!, $"{view.Layout} gradient");
        }
    }
}
