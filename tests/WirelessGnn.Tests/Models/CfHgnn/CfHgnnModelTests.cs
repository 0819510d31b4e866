using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Models.CfHgnn;
using WirelessGnn.Problems.MddCellFree;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models.CfHgnn;

/// <summary>
/// CF-HGNN's graphs and networks (spec §12 items 20–27): graph construction, storage-order equivariance of the
/// paper's model (and its documented lack of relabelling equivariance), full relabelling equivariance of
/// <c>cf-hgnn-eq</c>, batch independence, output shapes and sizes a model does not hold.
/// </summary>
[TestFixture]
public class CfHgnnModelTests
{
    private static CfHgnnConfig Small(CfHgnnMode mode = CfHgnnMode.Dedicated) => new()
    {
        Problem = new MddCellFreeConfig { Aps = 6, Mss = 3, Antennas = 4, DlSubcarriers = 2, UlSubcarriers = 2 },
        Mode = mode, Hidden = 16, AttentionWidth = 8, EmbeddingWidth = 24, MaxAps = 8, MaxDlSubcarriers = 4, MaxUlSubcarriers = 2,
    };

    private static (Tensor Ap, Tensor Ms) Run(nn.Module<GraphView, (Tensor, Tensor)> network, IReadOnlyList<HeteroGraph> graphs)
    {
        using var batch = GraphBatch.Collate(graphs);
        var (ap, ms) = network.call(batch.View(GraphLayout.Dense));
        return (ap.detach().clone(), ms.detach().clone());
    }

    /// <summary>A network with BatchNorm running statistics from a few training-mode passes, then in eval mode.</summary>
    private static T Warmed<T>(T network, IReadOnlyList<HeteroGraph> graphs) where T : nn.Module<GraphView, (Tensor, Tensor)>
    {
        network.train();
        using (var scope = NewDisposeScope())
            for (int i = 0; i < 3; i++) Run(network, graphs);
        network.eval();
        return network;
    }

    [Test]
    public void Paper_graph_has_the_spec_feature_widths_edge_counts_and_distances()
    {
        var config = Small();
        var x = MddInstances.Random(6, 3, 2, 2, 1);
        var graph = new CfHgnnGraph(config);
        var g = graph.Build(x);
        Assert.That(graph.ApFeatures, Is.EqualTo(3 * 2 + 3), "F_AP = D·M + 3");
        Assert.That(graph.MsFeatures, Is.EqualTo(6 * 2 + 3), "F_MS = L·M̄ + 3");
        Assert.That(g.Edges(CfHgnnGraph.Uplink).Count, Is.EqualTo(18));
        Assert.That(g.Edges(CfHgnnGraph.Downlink).Count, Is.EqualTo(18));
        Assert.That(g.Edges(CfHgnnGraph.InterAp).Count, Is.EqualTo(36), "L² with self-loops");
        Assert.That(g.Edges(CfHgnnGraph.InterMs).Count, Is.EqualTo(9), "D² with self-loops");
        var iai = g.Edges(CfHgnnGraph.InterAp);
        for (int e = 0; e < iai.Count; e++)
        {
            int a = iai.Sources[e], b = iai.Targets[e];
            double expected = Math.Sqrt(Math.Pow(x.ApPositions[a, 0] - x.ApPositions[b, 0], 2) + Math.Pow(x.ApPositions[a, 1] - x.ApPositions[b, 1], 2)) / 100;
            Assert.That(iai.Features[e], Is.EqualTo(expected).Within(1e-5), $"distance {a}->{b}");
        }
        // AP feature layout: v_l[m·D + d] = log10 ω̃²_ldm, then P, ξSI, ξIAI.
        Assert.That(g.NodeFeatures("ap", 2)[1 * 3 + 2], Is.EqualTo((float)Math.Log10(x.Omega[2, 2, 1] * x.Omega[2, 2, 1])).Within(1e-5));
        Assert.That(g.NodeFeatures("ap", 2)[6], Is.EqualTo((float)Math.Log10(10)).Within(1e-6), "P_l = 10 W");
        Assert.That(g.NodeFeatures("ms", 1)[1 * 6 + 4], Is.EqualTo((float)-Math.Log10(x.Upsilon[4, 1, 1])).Within(1e-5), "v_d[m̄·L + l]");
    }

    [TestCase(FeaturePacking.Contiguous)]
    [TestCase(FeaturePacking.SlotAligned)]
    public void Adaptive_features_and_outputs_sit_where_the_packing_puts_them(FeaturePacking packing)
    {
        // N = 4 antennas, L' = 8, M_max = 4, M̄_max = 2; the layout has L = 6, D = 3, M = 2, M̄ = 2.
        var config = Small(CfHgnnMode.Adaptive) with { Packing = packing };
        var x = MddInstances.Random(6, 3, 2, 2, 2);
        var graph = new CfHgnnGraph(config);
        var g = graph.Build(x);
        Assert.That(graph.ApFeatures, Is.EqualTo(4 * 4 + 3), "F_AP = N·M_max + 3 either way");
        Assert.That(graph.MsFeatures, Is.EqualTo(8 * 2 + 3), "F_MS = L'·M̄_max + 3 either way");

        bool aligned = packing == FeaturePacking.SlotAligned;
        int apSlot(int d, int m) => m * (aligned ? 4 : 3) + d;       // (m−1)·N + d aligned, (m−1)·D + d contiguous
        int msSlot(int l, int m) => m * (aligned ? 8 : 6) + l;       // (m̄−1)·L' + l aligned, (m̄−1)·L + l contiguous
        int apScalars = aligned ? 16 : 3 * 2, msScalars = aligned ? 16 : 6 * 2;
        var slots = graph.ApOutputSlots(x);
        for (int l = 0; l < 6; l++)
        {
            var v = g.NodeFeatures("ap", l);
            for (int d = 0; d < 3; d++)
                for (int m = 0; m < 2; m++)
                {
                    Assert.That(v[apSlot(d, m)], Is.EqualTo((float)Math.Log10(x.Omega[l, d, m] * x.Omega[l, d, m])).Within(1e-5), $"ω of AP {l}, MS {d}, subcarrier {m}");
                    Assert.That(slots[l, d, m], Is.EqualTo(apSlot(d, m)), $"output slot of p_{l}{d}{m}");
                }
            Assert.That(v[apScalars], Is.EqualTo((float)Math.Log10(x.ApBudget[l])).Within(1e-6), $"P_l of AP {l} first among the scalars");
            AssertPadding(v, Used(3, 2, apSlot, apScalars), $"AP {l}");
        }
        for (int d = 0; d < 3; d++)
        {
            var v = g.NodeFeatures("ms", d);
            for (int l = 0; l < 6; l++)
                for (int m = 0; m < 2; m++)
                    Assert.That(v[msSlot(l, m)], Is.EqualTo((float)-Math.Log10(x.Upsilon[l, d, m])).Within(1e-5), $"υ of AP {l}, MS {d}, subcarrier {m}");
            Assert.That(v[msScalars], Is.EqualTo((float)Math.Log10(x.MsBudget[d])).Within(1e-6), $"P_d of MS {d} first among the scalars");
            AssertPadding(v, Used(6, 2, msSlot, msScalars), $"MS {d}");
        }

        static HashSet<int> Used(int others, int subcarriers, Func<int, int, int> slot, int scalars)
        {
            var used = Enumerable.Range(0, others).SelectMany(o => Enumerable.Range(0, subcarriers).Select(m => slot(o, m)))
                .Concat(Enumerable.Range(scalars, 3)).ToHashSet();
            Assert.That(used, Has.Count.EqualTo(others * subcarriers + 3), "no two values share a position");
            return used;
        }

        static void AssertPadding(IReadOnlyList<float> v, HashSet<int> used, string node)
        {
            for (int i = 0; i < v.Count; i++)
                if (!used.Contains(i)) Assert.That(v[i], Is.Zero, $"{node}: position {i} is padding");
        }
    }

    [TestCase(CfHgnnMode.Dedicated)]
    [TestCase(CfHgnnMode.Adaptive)]
    public void Paper_model_is_equivariant_to_the_storage_order_of_nodes(CfHgnnMode mode)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var config = Small(mode);
        var graph = new CfHgnnGraph(config);
        var graphs = Enumerable.Range(0, 4).Select(i => graph.Build(MddInstances.Random(6, 3, 2, 2, 10 + i))).ToList();
        var network = Warmed(new CfHgnnNetwork(config, graph), graphs);
        var (ap, ms) = Run(network, graphs);
        Assert.That(ap.max().item<float>(), Is.GreaterThan(0), "some power is allocated");

        int[] apOrder = { 3, 0, 5, 1, 4, 2 }, msOrder = { 2, 0, 1 };
        var (apPermuted, msSame) = Run(network, graphs.Select(g => g.Permute("ap", apOrder)).ToList());
        TensorAssert.Close(ap.index_select(1, tensor(apOrder.Select(i => (long)i).ToArray())), apPermuted, 1e-5, "AP outputs follow the AP storage order");
        TensorAssert.Close(ms, msSame, 1e-5, "MS outputs do not depend on the AP storage order");

        var (apSame, msPermuted) = Run(network, graphs.Select(g => g.Permute("ms", msOrder)).ToList());
        TensorAssert.Close(ap, apSame, 1e-5, "AP outputs do not depend on the MS storage order");
        TensorAssert.Close(ms.index_select(1, tensor(msOrder.Select(i => (long)i).ToArray())), msPermuted, 1e-5, "MS outputs follow the MS storage order");
    }

    [Test]
    public void Paper_model_is_not_equivariant_to_relabelling_the_MSs_as_the_spec_says()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        var config = Small();
        var graph = new CfHgnnGraph(config);
        var xs = Enumerable.Range(0, 4).Select(i => MddInstances.Random(6, 3, 2, 2, 20 + i)).ToList();
        var network = Warmed(new CfHgnnNetwork(config, graph), xs.Select(graph.Build).ToList());
        int[] msOrder = { 2, 0, 1 };
        // Raw AP outputs hold p_l[m·D + d]; an equivariant model would reorder the d inside each m.
        var (original, _) = Run(network, xs.Select(graph.Build).ToList());
        var (relabelled, _) = Run(network, xs.Select(x => Relabel.Mss(x, msOrder)).Select(graph.Build).ToList());
        var expected = original.reshape(4, 6, 2, 3).index_select(3, tensor(msOrder.Select(i => (long)i).ToArray())).reshape(4, 6, 6);
        Assert.That((expected - relabelled).abs().max().item<float>(), Is.GreaterThan(1e-4),
            "relabelling MSs reorders the entries inside AP features, which the paper's model does not undo (spec §12 item 23)");
    }

    [TestCase(0.0, false, PowerHead.Relu)]
    [TestCase(150.0, true, PowerHead.Relu)]
    [TestCase(0.0, false, PowerHead.BudgetShares)]
    [TestCase(150.0, true, PowerHead.BudgetShares)]
    public void Equivariant_model_permutes_its_powers_with_any_relabelling_of_APs_and_MSs(double radius, bool clustered, PowerHead head)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        var config = Small() with { EqNeighbourRadius = radius, PowerHead = head };
        var graph = new CfHgnnEqGraph(config);
        var xs = Enumerable.Range(0, 4).Select(i => MddInstances.Random(6, 3, 2, 2, 30 + i, clustered)).ToList();
        var network = Warmed(new CfHgnnEqNetwork(config, graph), xs.Select(graph.Build).ToList());
        var (ap, ms) = Run(network, xs.Select(graph.Build).ToList());
        Assert.That(ap.max().item<float>(), Is.GreaterThan(0), "some power is allocated");
        int[] apOrder = { 3, 0, 5, 1, 4, 2 }, msOrder = { 2, 0, 1 };
        var relabelled = xs.Select(x => Relabel.Mss(Relabel.Aps(x, apOrder), msOrder)).ToList();
        var (ap2, ms2) = Run(network, relabelled.Select(graph.Build).ToList());
        var apIndex = tensor(apOrder.Select(i => (long)i).ToArray());
        var msIndex = tensor(msOrder.Select(i => (long)i).ToArray());
        TensorAssert.Close(ap.index_select(1, apIndex).index_select(2, msIndex), ap2, 1e-5, "DL powers follow both relabellings");
        TensorAssert.Close(ms.index_select(1, msIndex), ms2, 1e-5, "UL powers follow the MS relabelling");
    }

    [Test]
    public void A_neighbour_radius_keeps_the_served_links_and_the_pairs_within_it()
    {
        var x = MddInstances.Random(10, 5, 2, 2, 50, clustered: true);
        var graph = new CfHgnnEqGraph(Small() with { EqNeighbourRadius = 150 }).Build(x);
        var complete = new CfHgnnEqGraph(Small()).Build(x);
        var schema = new CfHgnnEqGraph(Small());
        bool Near(double[,] a, int i, double[,] b, int j) => MddCellFreeInstance.Distance(a, i, b, j) <= 150;
        var dl = graph.Edges(schema.Downlink);
        var expected = (from l in Enumerable.Range(0, 10) from d in Enumerable.Range(0, 5)
                        where x.Serves[l, d] || Near(x.ApPositions, l, x.MsPositions, d) select (l, d)).ToHashSet();
        Assert.That(dl.Sources.Zip(dl.Targets).ToHashSet(), Is.EquivalentTo(expected), "DL edges: served or within 150 m");
        Assert.That(expected.Count, Is.LessThan(50), "the radius drops some AP–MS pairs of this layout");
        Assert.That(complete.Edges(schema.Downlink).Sources.Length, Is.EqualTo(50), "radius 0: every pair");
        var iai = graph.Edges(schema.InterAp);
        Assert.That(iai.Sources.Zip(iai.Targets).All(e => Near(x.ApPositions, e.First, x.ApPositions, e.Second)), "AP–AP edges within 150 m");
        Assert.That(Enumerable.Range(0, 10).All(l => iai.Sources.Zip(iai.Targets).Contains((l, l))), "self-loops kept");
        Assert.That(graph.Edges(schema.InterMs).Sources.Length, Is.LessThan(25));
    }

    [Test]
    public void Equivariant_model_runs_on_sizes_it_was_not_built_for()
    {
        using var scope = NewDisposeScope();
        var config = Small();
        var graph = new CfHgnnEqGraph(config);
        var network = new CfHgnnEqNetwork(config, graph);
        network.eval();
        var (ap, ms) = Run(network, new[] { graph.Build(MddInstances.Random(40, 12, 2, 2, 1)), graph.Build(MddInstances.Random(5, 2, 2, 2, 2)) });
        Assert.That(ap.shape, Is.EqualTo(new long[] { 2, 40, 12, 2 }));
        Assert.That(ms.shape, Is.EqualTo(new long[] { 2, 12, 2 }));
        Assert.That(ap[1].narrow(0, 5, 35).abs().sum().item<float>(), Is.EqualTo(0), "padding carries no power");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => graph.Build(MddInstances.Random(5, 2, 4, 2, 3)));
        Assert.That(ex!.Message, Does.Contain("(M, M̄)"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_layout_gets_the_same_outputs_alone_or_in_a_batch(bool equivariant)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(6);
        var config = Small(CfHgnnMode.Adaptive);
        var xs = new[] { MddInstances.Random(6, 3, 2, 2, 40), MddInstances.Random(8, 2, 4, 1, 41), MddInstances.Random(4, 3, 2, 2, 42) };
        if (equivariant) xs = xs.Where(x => x.DlSubcarriers == 2).ToArray();
        Func<MddCellFreeInstance, HeteroGraph> build = equivariant ? new CfHgnnEqGraph(config).Build : new CfHgnnGraph(config).Build;
        nn.Module<GraphView, (Tensor, Tensor)> network = equivariant
            ? Warmed(new CfHgnnEqNetwork(config, new CfHgnnEqGraph(config)), xs.Select(build).ToList())
            : Warmed(new CfHgnnNetwork(config, new CfHgnnGraph(config)), xs.Select(build).ToList());
        var (apAll, msAll) = Run(network, xs.Select(build).ToList());
        for (int n = 0; n < xs.Length; n++)
        {
            var (apOne, msOne) = Run(network, new[] { build(xs[n]) });
            var slice = apAll[n].narrow(0, 0, apOne.shape[1]);
            if (equivariant) slice = slice.narrow(1, 0, apOne.shape[2]);
            TensorAssert.Close(apOne[0], slice, 1e-5, $"AP outputs of layout {n}");
            TensorAssert.Close(msOne[0], msAll[n].narrow(0, 0, msOne.shape[1]).narrow(1, 0, msOne.shape[2]), 1e-5, $"MS outputs of layout {n}");
        }
    }

    [Test]
    public void Sizes_beyond_a_model_fail_early_naming_the_field()
    {
        var dedicated = new CfHgnnGraph(Small());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => dedicated.Build(MddInstances.Random(7, 3, 2, 2, 1)));
        Assert.That(ex!.Message, Does.Contain("aps").And.Contain("Adaptive"));
        var adaptive = new CfHgnnGraph(Small(CfHgnnMode.Adaptive));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => adaptive.Build(MddInstances.Random(9, 3, 2, 2, 1)));
        Assert.That(ex!.Message, Does.Contain("aps").And.Contain("1..8"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => adaptive.Build(MddInstances.Random(6, 5, 2, 2, 1)));
        Assert.That(ex!.Message, Does.Contain("mss"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => adaptive.Build(MddInstances.Random(6, 3, 8, 2, 1)));
        Assert.That(ex!.Message, Does.Contain("dlSubcarriers"));
    }
}
