using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using static TorchSharp.torch;
using static WirelessGnn.Tests.Layers.LayerHarness;

namespace WirelessGnn.Tests.Layers;

/// <summary>
/// The properties every graph layer must have: permutation equivariance (per node type), sparse view == dense view,
/// batched forward == per-graph forward, and finite gradients. Each case runs over random graph sizes, features and
/// relabellings.
/// </summary>
[TestFixture]
public class GraphLayerPropertyTests
{
    private const double Tolerance = 2e-5;

    public static IEnumerable<TestCaseData> Layers()
    {
        yield return Case("MetaPathMessagePassing concat/mean", () => MessagePassing(new MessagePassingOptions { Hidden = 16 }));
        yield return Case("MetaPathMessagePassing scale/sum-then-transform (CF-HGNN eq. 11)", () => MessagePassing(new MessagePassingOptions
        { Hidden = 16, EdgeFeatures = EdgeFeatureUse.Scale, TransformAfterAggregation = true, Aggregation = Aggregation.Mean }));
        yield return Case("MetaPathMessagePassing max, no edge features", () => MessagePassing(new MessagePassingOptions
        { Hidden = 16, EdgeFeatures = EdgeFeatureUse.None, Aggregation = Aggregation.Max, Activation = Activation.Tanh }));
        yield return Case("MetaPathMessagePassing sum, batch norm", () => MessagePassing(new MessagePassingOptions
        { Hidden = 16, Aggregation = Aggregation.Sum, Normalization = Normalization.BatchNorm }));
        yield return Case("HeteroMetaPathLayer (2 meta-paths per type + semantic attention)", () => MetaPathLayer(tanh: false));
        yield return Case("HeteroMetaPathLayer, tanh attention, two layers stacked", () => MetaPathLayer(tanh: true, layers: 2));
        yield return Case("BipartiteAggregation 1st+2nd order, L2 norm", () => Bipartite(Aggregation.Sum));
        yield return Case("BipartiteAggregation mean", () => Bipartite(Aggregation.Mean));
        yield return Case("AdaptiveEmbedding per node type + readout broadcast", Embedding);
    }

    private static TestCaseData Case(string name, Func<(nn.Module Module, LayerRun Run)> build) =>
        new TestCaseData(build).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Layers))]
    public void Layer_is_permutation_equivariant_over_APs_and_MSs(Func<(nn.Module Module, LayerRun Run)> build)
    {
        var rng = new Random(11);
        foreach (var layout in new[] { GraphLayout.Sparse, GraphLayout.Dense })
            for (int trial = 0; trial < 4; trial++)
            {
                var (module, run) = Seeded(build, trial);
                module.eval();
                var error = EquivarianceError(run, Generate(rng, 3), layout, rng);
                Assert.That(error, Is.LessThan(Tolerance), $"{layout} view, trial {trial}: outputs do not follow the relabelled nodes");
            }
    }

    [TestCaseSource(nameof(Layers))]
    public void Sparse_view_equals_dense_view_in_eval_and_in_training(Func<(nn.Module Module, LayerRun Run)> build)
    {
        var rng = new Random(12);
        for (int trial = 0; trial < 4; trial++)
        {
            var (module, run) = Seeded(build, trial);
            var graphs = Generate(rng, 4);
            module.eval();
            Assert.That(LayoutError(run, graphs), Is.LessThan(Tolerance), $"trial {trial}, eval mode");
            module.train();   // batch statistics must see the same (real) rows in both layouts
            Assert.That(LayoutError(run, graphs), Is.LessThan(1e-4), $"trial {trial}, training mode");
        }
    }

    [TestCaseSource(nameof(Layers))]
    public void Batched_forward_equals_per_graph_forward(Func<(nn.Module Module, LayerRun Run)> build)
    {
        var rng = new Random(13);
        foreach (var layout in new[] { GraphLayout.Sparse, GraphLayout.Dense })
        {
            var (module, run) = Seeded(build, 0);
            module.eval();
            Assert.That(BatchingError(run, Generate(rng, 5), layout), Is.LessThan(Tolerance), $"{layout} view");
        }
    }

    [TestCaseSource(nameof(Layers))]
    public void Gradients_reach_every_parameter_and_are_finite(Func<(nn.Module Module, LayerRun Run)> build)
    {
        foreach (var layout in new[] { GraphLayout.Sparse, GraphLayout.Dense })
        {
            var (module, run) = Seeded(build, 0);
            module.train();
            using var scope = NewDisposeScope();
            // Large enough graphs that every meta-path has edges somewhere in the batch.
            using var batch = GraphBatch.Collate(Generate(new Random(14), 4, maxAps: 6, maxMss: 6));
            var view = batch.View(layout);
            var loss = run(view).Select(kv => view.Nodes(kv.Key).Readout(kv.Value, Aggregation.Mean).square().sum()).Aggregate((a, b) => a + b);
            loss.backward();
            foreach (var (name, p) in module.named_parameters())
            {
                Assert.That(p.grad, Is.Not.Null, $"{layout}: no gradient for {name}");
                Assert.That(p.grad!.isfinite().all().item<bool>(), Is.True, $"{layout}: non-finite gradient for {name}");
            }
        }
    }

    /// <summary>
    /// The equivariance check must catch a layer that depends on node order. This one adds each node's index to its
    /// output (a positional encoding): a classic way to break equivariance.
    /// </summary>
    [Test]
    public void Equivariance_check_catches_a_layer_that_depends_on_node_order()
    {
        var (module, run) = Seeded(() => MessagePassing(new MessagePassingOptions { Hidden = 16 }), 0);
        module.eval();
        LayerRun broken = view =>
        {
            var output = run(view);
            var ms = output["ms"];
            var position = view.Layout == GraphLayout.Dense
                ? arange(ms.shape[1], dtype: ms.dtype).reshape(1, -1, 1)
                : arange(ms.shape[0], dtype: ms.dtype).reshape(-1, 1);
            output["ms"] = ms + 0.1 * position;
            return output;
        };
        var rng = new Random(15);
        var graphs = Generate(rng, 3, maxAps: 5, maxMss: 6);
        foreach (var layout in new[] { GraphLayout.Sparse, GraphLayout.Dense })
            Assert.That(EquivarianceError(broken, graphs, layout, rng), Is.GreaterThan(1e-2), $"{layout}: broken layer not caught");
    }

    [Test]
    public void Semantic_attention_weights_are_a_distribution_per_graph_and_ignore_batch_mates()
    {
        torch.manual_seed(3);
        var layer = new HeteroMetaPathLayer(new[] { Uplink, CoServing, Downlink, CoServed }, Widths, new MessagePassingOptions { Hidden = 8 });
        layer.eval();
        var graphs = Generate(new Random(16), 3);
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(graphs);
        using var alone = GraphBatch.Collate(new[] { graphs[1] });
        foreach (var layout in new[] { GraphLayout.Sparse, GraphLayout.Dense })
        {
            var beta = layer.AttentionWeights(batch.View(layout).AllFeatures(), batch.View(layout), "ap");
            Assert.That(beta.shape, Is.EqualTo(new long[] { 3, 2 }));
            Assert.That((beta.sum(1) - 1).abs().max().item<float>(), Is.LessThan(1e-6));
            var betaAlone = layer.AttentionWeights(alone.View(layout).AllFeatures(), alone.View(layout), "ap");
            Assert.That((beta[1] - betaAlone[0]).abs().max().item<float>(), Is.LessThan(1e-6));
        }
    }

    [Test]
    public void Layers_reject_inputs_of_the_wrong_width_naming_the_problem()
    {
        torch.manual_seed(0);
        var layer = new MetaPathMessagePassing(Downlink, 3, 2);
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(Generate(new Random(1), 2));
        var view = batch.Sparse;
        var wrong = cat(new[] { view.Features("ap"), view.Features("ap") }, 1);   // width 6, layer built for 3
        var e = Assert.Throws<ArgumentException>(() => layer.call(wrong, view.Features("ms"), view));
        Assert.That(e!.Message, Does.Contain("expected last dimension"));
        var missing = Assert.Throws<ArgumentException>(() =>
            new HeteroMetaPathLayer(new[] { Downlink }, new Dictionary<string, int> { ["ms"] = 2 }));
        Assert.That(missing!.Message, Does.Contain("'ap'"));
        Assert.Throws<ArgumentException>(() => new MetaPathMessagePassing(CoServed, 2, 2, new MessagePassingOptions { Output = 5 }),
            "a residual with a different output width must be refused");
    }

    // --- the layers under test -------------------------------------------------------------------------------

    private static (nn.Module, LayerRun) Seeded(Func<(nn.Module Module, LayerRun Run)> build, int seed)
    {
        torch.manual_seed(100 + seed);
        return build();
    }

    private static (nn.Module, LayerRun) MessagePassing(MessagePassingOptions options)
    {
        var toMs = new MetaPathMessagePassing(Downlink, 3, 2, options);
        var toAp = new MetaPathMessagePassing(CoServing, 3, 3, options);
        var both = new ModuleGroup(toMs, toAp);
        return (both, view => new Dictionary<string, Tensor>
        {
            ["ms"] = toMs.call(view.Features("ap"), view.Features("ms"), view),
            ["ap"] = toAp.call(view.Features("ap"), view.Features("ap"), view),
        });
    }

    private static (nn.Module, LayerRun) MetaPathLayer(bool tanh, int layers = 1)
    {
        var stack = Enumerable.Range(0, layers).Select(_ => new HeteroMetaPathLayer(new[] { Uplink, CoServing, Downlink, CoServed }, Widths,
            new MessagePassingOptions { Hidden = 16, Normalization = Normalization.BatchNorm }, attentionWidth: 8, tanhAttention: tanh)).ToArray();
        return (new ModuleGroup(stack), view =>
        {
            IReadOnlyDictionary<string, Tensor> x = view.AllFeatures();
            foreach (var layer in stack) x = layer.call(x, view);
            return new Dictionary<string, Tensor>(x);
        });
    }

    private static (nn.Module, LayerRun) Bipartite(Aggregation aggregation)
    {
        var layer1 = new BipartiteAggregation(new[]
        {
            new BipartiteNeighbourhood("ms", Downlink, CoServed),
            new BipartiteNeighbourhood("ap", Uplink, CoServing),
        }, Widths, new[] { 16, 8 }, aggregation: aggregation);
        var widths2 = new Dictionary<string, int> { ["ap"] = 16, ["ms"] = 16 };
        var layer2 = new BipartiteAggregation(new[] { new BipartiteNeighbourhood("ms", Downlink, CoServed), new BipartiteNeighbourhood("ap", Uplink, null) },
            widths2, new[] { 16, 8 }, aggregation: aggregation);
        return (new ModuleGroup(layer1, layer2), view => layer2.call(layer1.call(view.AllFeatures(), view), view));
    }

    private static (nn.Module, LayerRun) Embedding()
    {
        var ap = new AdaptiveEmbedding(5, 4);
        var ms = new AdaptiveEmbedding(2, 4);
        return (new ModuleGroup(ap, ms), view =>
        {
            var apNodes = view.Nodes("ap");
            var apEmbedded = apNodes.Nodewise(ap, view.Features("ap"));
            // A graph-level context added to every node: invariant readout, equivariant broadcast.
            var context = apNodes.Broadcast(apNodes.Readout(apEmbedded, Aggregation.Max));
            return new Dictionary<string, Tensor>
            {
                ["ap"] = apEmbedded + context,
                ["ms"] = view.Nodes("ms").Nodewise(ms, view.Features("ms")),
            };
        });
    }

    /// <summary>
    /// Groups modules so that train()/eval() and parameters() reach them all. (TorchSharp 0.107's nn.ModuleList
    /// built from items does not register them as children: eval() on it leaves them in training mode.)
    /// </summary>
    private sealed class ModuleGroup : nn.Module
    {
        public ModuleGroup(params nn.Module[] modules) : base(nameof(ModuleGroup))
        {
            for (int i = 0; i < modules.Length; i++) register_module($"m{i}", modules[i]);
        }
    }
}
