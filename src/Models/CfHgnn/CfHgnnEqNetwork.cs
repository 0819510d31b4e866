using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.CfHgnn;

/// <summary>
/// The permutation-equivariant CF-HGNN variant (<c>cf-hgnn-eq</c>) on a <see cref="CfHgnnEqGraph"/>: per-type MLP
/// embeddings of the per-node features, K <see cref="HeteroMetaPathLayer"/>s whose messages see the per-link edge
/// features (<c>Ξ_1(z_j ⊕ e_ij)</c>, mean aggregation, Ξ_2 with BatchNorm, residual, graph-level semantic attention),
/// an edge head for the DL powers (<c>p_ld· = ReLU(Ξ_DL(z_l ⊕ z_d ⊕ e_ld))</c>) and a node head for the UL powers.
/// Every operation is per node, per edge or a mean over a neighbourhood or graph, so relabelling APs or MSs permutes the
/// outputs alike (tested). Needs the dense layout. Output: DL powers <c>[B, L_max, D_max, M]</c> (zero off the
/// served pairs) and UL powers <c>[B, D_max, M̄]</c>; in watts with <see cref="PowerHead.Relu"/>, as fractions of each
/// node's budget with <see cref="PowerHead.BudgetShares"/> (the plugin multiplies by the budgets).
/// </summary>
public sealed class CfHgnnEqNetwork : nn.Module<GraphView, (Tensor Ap, Tensor Ms)>
{
    private readonly Mlp embedAp, embedMs, headDl, headUl;
    private readonly Mlp? headApShare;
    private readonly HeteroMetaPathLayer[] layers;
    private readonly Relation downlink;
    private readonly bool shares;
    private readonly int dlSubcarriers, ulSubcarriers;

    public CfHgnnEqNetwork(CfHgnnConfig config, CfHgnnEqGraph graph) : base(nameof(CfHgnnEqNetwork))
    {
        int h = config.Hidden;
        downlink = graph.Downlink;
        embedAp = new Mlp(new[] { CfHgnnEqGraph.Ap.FeatureCount, h }, Activation.LeakyReLU, leakySlope: 0.01);
        embedMs = new Mlp(new[] { CfHgnnEqGraph.Ms.FeatureCount, h }, Activation.LeakyReLU, leakySlope: 0.01);
        var options = new MessagePassingOptions
        {
            Hidden = h, Aggregation = Aggregation.Mean, EdgeFeatures = EdgeFeatureUse.Concat, Residual = true,
            Activation = Activation.LeakyReLU, Normalization = Normalization.BatchNorm, LeakySlope = 0.01, Depth = 2,
        };
        var widths = new Dictionary<string, int> { ["ap"] = h, ["ms"] = h };
        layers = Enumerable.Range(0, config.Layers)
            .Select(_ => new HeteroMetaPathLayer(graph.Schema.Relations, widths, options, config.AttentionWidth, config.TanhAttention))
            .ToArray();
        headDl = new Mlp(new[] { 2 * h + graph.LinkFeatures, h, h, config.Problem.DlSubcarriers }, Activation.LeakyReLU, activateLast: false, leakySlope: 0.01);
        shares = config.PowerHead == PowerHead.BudgetShares;
        dlSubcarriers = config.Problem.DlSubcarriers;
        ulSubcarriers = config.Problem.UlSubcarriers;
        // With budget shares the UL head gives M̄ logits and the MS's share; a node head gives each AP's share.
        headUl = new Mlp(new[] { h, h, h, ulSubcarriers + (shares ? 1 : 0) }, Activation.LeakyReLU, activateLast: false, leakySlope: 0.01);
        if (shares) headApShare = new Mlp(new[] { h, h, 1 }, Activation.LeakyReLU, activateLast: false, leakySlope: 0.01);
        RegisterComponents();
        for (int i = 0; i < layers.Length; i++) register_module($"layer{i}", layers[i]);
    }

    public override (Tensor Ap, Tensor Ms) forward(GraphView graph)
    {
        if (graph is not DenseGraphView) throw new ArgumentException("cf-hgnn-eq decodes DL powers from the dense AP–MS blocks; pass graphs.View(GraphLayout.Dense).", nameof(graph));
        IReadOnlyDictionary<string, Tensor> z = new Dictionary<string, Tensor>
        {
            ["ap"] = graph.Nodes("ap").Nodewise(embedAp, graph.Features("ap")),
            ["ms"] = graph.Nodes("ms").Nodewise(embedMs, graph.Features("ms")),
        };
        foreach (var layer in layers) z = layer.call(z, graph);
        var dl = (DenseRelationView)graph.Relation(downlink);
        var edges = cat(new[] { dl.Source(z["ap"]), dl.Target(z["ms"]), dl.EdgeFeatures }, -1);   // [B, L, D, 2H + Fe]
        var served = dl.EdgeFeatures[.., .., .., ^1..];                                            // [B, L, D, 1], 1 on served pairs
        var link = served * dl.Adjacency.unsqueeze(-1).to(edges.dtype);                           // [B, L, D, 1]
        var mss = graph.Nodes("ms");
        var ul = mss.Nodewise(headUl, z["ms"]);                                                    // [B, D, M̄ (+1)]
        if (!shares) return (headDl.call(edges).relu() * link, mss.ToPadded(ul.relu()));

        // Budget shares: logits ln ω²_ldm (edge features 0..M−1 hold log10 ω²) plus the head's, softmax over each AP's
        // served (d, m), times the AP's share σ(u_l). Padding and unserved pairs get 0.
        long b = edges.shape[0], l = edges.shape[1], d = edges.shape[2];
        var logits = headDl.call(edges) + dl.EdgeFeatures.narrow(-1, 0, dlSubcarriers) * Math.Log(10);     // [B, L, D, M]
        var valid = link.expand(b, l, d, dlSubcarriers).reshape(b, l, -1);
        var aps = graph.Nodes("ap");
        var apShare = aps.Nodewise(headApShare!, z["ap"]).squeeze(-1);                            // [B, L]
        var dlShares = BudgetSplit.Fractions(logits.reshape(b, l, -1), valid, apShare).reshape(b, l, d, dlSubcarriers);
        var ulLogits = ul.narrow(-1, 0, ulSubcarriers);                                           // [B, D, M̄]
        var ulShares = BudgetSplit.Fractions(ulLogits, ones_like(ulLogits), ul[.., .., ulSubcarriers]);
        return (aps.ToPadded(dlShares), mss.ToPadded(ulShares));
    }
}
