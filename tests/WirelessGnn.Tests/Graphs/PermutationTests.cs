using NUnit.Framework;
using WirelessGnn.Graphs;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Graphs;

/// <summary>
/// <see cref="HeteroGraph.Permute"/> relabels the nodes of one type (features and edges move with their nodes), node
/// outputs of aggregations over the permuted graph are the permuted outputs (equivariance), and readouts do not change
/// (invariance), in both views.
/// </summary>
[TestFixture]
public class PermutationTests
{
    private const double Tol = 1e-5;
    private static readonly GraphLayout[] Layouts = { GraphLayout.Sparse, GraphLayout.Dense };

    private static IEnumerable<(int Trial, HeteroGraph Graph, string Type, int[] Perm)> Cases(int seed, int trials = 10)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < trials; trial++)
        {
            var graph = RandomGraphs.Generate(rng, 2, 7, density: 0.4);
            var type = RandomGraphs.NodeTypes[trial % 2];
            yield return (trial, graph, type, RandomGraphs.Permutation(rng, graph.NodeCount(type)));
        }
    }

    [Test]
    public void Permute_moves_features_and_edges_with_their_nodes()
    {
        foreach (var (trial, graph, type, perm) in Cases(401))
        {
            var permuted = graph.Permute(type, perm);
            var newIndex = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++) newIndex[perm[i]] = i;
            int Map(string t, int i) => t == type ? newIndex[i] : i;
            string what = $"trial {trial}, '{type}' permuted by [{string.Join(",", perm)}]";

            foreach (var t in RandomGraphs.NodeTypes)
            {
                Assert.That(permuted.NodeCount(t), Is.EqualTo(graph.NodeCount(t)), $"{what}: node count of '{t}'");
                for (int i = 0; i < graph.NodeCount(t); i++)
                    Assert.That(permuted.NodeFeatures(t, i), Is.EqualTo(graph.NodeFeatures(t, t == type ? perm[i] : i)), $"{what}: features of {t}#{i}");
            }
            foreach (var relation in RandomGraphs.Schema.Relations)
            {
                var before = graph.Edges(relation);
                var after = permuted.Edges(relation);
                var expected = Enumerable.Range(0, before.Count)
                    .Select(e => (Map(relation.Source, before.Sources[e]), Map(relation.Target, before.Targets[e]),
                        string.Join(",", before.Features.Skip(e * relation.EdgeFeatureCount).Take(relation.EdgeFeatureCount))))
                    .OrderBy(x => x.Item2).ThenBy(x => x.Item1).ToArray();
                var actual = Enumerable.Range(0, after.Count)
                    .Select(e => (after.Sources[e], after.Targets[e],
                        string.Join(",", after.Features.Skip(e * relation.EdgeFeatureCount).Take(relation.EdgeFeatureCount))))
                    .ToArray();
                Assert.That(actual, Is.EqualTo(expected), $"{what}: edges of {relation} (relabelled, in (target, source) order)");
            }
        }
    }

    [Test]
    public void Permute_leaves_the_original_graph_untouched_and_the_identity_changes_nothing()
    {
        var rng = new Random(402);
        var graph = RandomGraphs.GenerateSized(rng, 4, 3);
        var apFeatures = graph.NodeFeatureMatrix("ap");
        var serves = graph.Edges(RandomGraphs.Serves);
        graph.Permute("ap", new[] { 3, 2, 1, 0 });
        Assert.That(graph.NodeFeatureMatrix("ap"), Is.EqualTo(apFeatures));
        Assert.That(graph.Edges(RandomGraphs.Serves).Features, Is.EqualTo(serves.Features));
        var same = graph.Permute("ap", new[] { 0, 1, 2, 3 });
        Assert.That(same.NodeFeatureMatrix("ap"), Is.EqualTo(apFeatures));
        Assert.That(same.Edges(RandomGraphs.Serves).Features, Is.EqualTo(serves.Features));
        // A reversal moves AP 0's row to the end.
        var reversed = graph.Permute("ap", new[] { 3, 2, 1, 0 });
        Assert.That(reversed.NodeFeatures("ap", 3), Is.EqualTo(graph.NodeFeatures("ap", 0)));
    }

    [TestCase(new[] { 0, 1, 2 }, TestName = "Permute rejects a permutation of the wrong length")]
    [TestCase(new[] { 0, 1, 1, 3 }, TestName = "Permute rejects a repeated index")]
    [TestCase(new[] { 0, 1, 2, 4 }, TestName = "Permute rejects an index out of range")]
    [TestCase(new[] { -1, 1, 2, 3 }, TestName = "Permute rejects a negative index")]
    public void Permute_rejects_a_non_permutation(int[] perm)
    {
        var graph = RandomGraphs.GenerateSized(new Random(403), 4, 2);
        var e = Assert.Throws<ArgumentException>(() => graph.Permute("ap", perm));
        Assert.That(e!.Message, Does.Contain("permutation of 'ap'").And.Contain("0..3"));
    }

    [Test]
    public void Aggregations_are_equivariant_and_readouts_invariant([ValueSource(nameof(Layouts))] GraphLayout layout)
    {
        foreach (var (trial, graph, type, perm) in Cases(404))
        {
            var permuted = graph.Permute(type, perm);
            using var scope = NewDisposeScope();
            // Both graphs in one batch: graph 0 is the original, graph 1 the relabelled one.
            using var batch = GraphBatch.Collate(new[] { graph, permuted });
            var view = batch.View(layout);
            var output = GraphProbe.Run(view);
            string what = $"{layout}, trial {trial}, '{type}' permuted by [{string.Join(",", perm)}]";
            foreach (var t in RandomGraphs.NodeTypes)
            {
                var parts = view.Nodes(t).Split(output[t]);
                var expected = t == type ? parts[0].index_select(0, tensor(perm.Select(p => (long)p).ToArray())) : parts[0];
                TensorAssert.Close(expected, parts[1], Tol, $"{what}: outputs of '{t}' follow the relabelling");
                foreach (var aggregation in new[] { Aggregation.Sum, Aggregation.Mean, Aggregation.Max })
                {
                    var readout = view.Nodes(t).Readout(output[t], aggregation);
                    TensorAssert.Close(readout[0], readout[1], Tol, $"{what}: {aggregation} readout of '{t}'");
                }
            }
            // Edge-level: the softmax of a relabelled edge is the softmax of the original edge.
            foreach (var relation in RandomGraphs.Schema.Relations)
            {
                var r = view.Relation(relation);
                var softmax = r.Softmax(r.EdgeFeatures.narrow(-1, 0, 1) * 5);
                var rows = layout == GraphLayout.Sparse ? softmax : BatchLayout.DenseEdgesToRows(batch, relation, softmax);
                var (g, s, d) = BatchLayout.EdgeCells(batch, relation);
                var values = TensorAssert.ToDoubles(rows);
                var original = new Dictionary<(long, long), double>();
                for (int e = 0; e < g.Length; e++) if (g[e] == 0) original[(s[e], d[e])] = values[e];
                var newIndex = new long[perm.Length];
                for (int i = 0; i < perm.Length; i++) newIndex[perm[i]] = i;
                long Map(string nodeType, long i) => nodeType == type ? newIndex[i] : i;
                int checkedEdges = 0;
                for (int e = 0; e < g.Length; e++)
                {
                    if (g[e] != 1) continue;
                    var key = original.Keys.Single(k => Map(relation.Source, k.Item1) == s[e] && Map(relation.Target, k.Item2) == d[e]);
                    Assert.That(values[e], Is.EqualTo(original[key]).Within(Tol), $"{what}: softmax of edge {s[e]}->{d[e]} of {relation}");
                    checkedEdges++;
                }
                Assert.That(checkedEdges, Is.EqualTo(original.Count), $"{what}: {relation} keeps its edge count");
            }
        }
    }

    [Test]
    public void The_equivariance_check_catches_an_order_dependent_computation()
    {
        // Guard against a vacuous test: adding a node's position to its output must break the relation above.
        var (_, graph, type, perm) = Cases(405).First(c => c.Perm.Select((p, i) => p != i).Any(x => x));
        var permuted = graph.Permute(type, perm);
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(new[] { graph, permuted });
        var x = batch.Sparse.Features(type);
        long n = graph.NodeCount(type);
        var position = cat(new[] { arange(n, dtype: x.dtype), arange(n, dtype: x.dtype) }).unsqueeze(1);   // index within its graph
        var positional = batch.Sparse.Nodes(type).Split(x + position);
        var expected = positional[0].index_select(0, tensor(perm.Select(p => (long)p).ToArray()));
        Assert.That(TensorAssert.MaxError(expected, positional[1]), Is.GreaterThan(0.1));
    }
}
