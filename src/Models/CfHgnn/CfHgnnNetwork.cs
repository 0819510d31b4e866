using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.CfHgnn;

/// <summary>
/// CF-HGNN (spec §6), composed from the layer library: the adaptive node embedding Ξ_ada (eq. 10; the frozen identity
/// plus BatchNorm in the dedicated mode), K <see cref="HeteroMetaPathLayer"/>s — meta-path message passing with the
/// distance scaling each neighbour, Ξ_1/Ξ_2 of Linear–LeakyReLU–BatchNorm stages and a residual (eq. 11), then
/// graph-level semantic attention over each type's two meta-paths (eq. 12) — and the PA heads Ξ_PA (no BatchNorm, final
/// ReLU; eq. 13) whose outputs are sliced per layout by the decoder. Input: a <see cref="GraphView"/> of
/// <see cref="CfHgnnGraph"/>s; output: raw AP outputs <c>[B, L_max, ApOutputs]</c> and MS outputs
/// <c>[B, D_max, MsOutputs]</c>, ≥ 0, zero on padding. With <see cref="PowerHead.BudgetShares"/> the outputs are scores
/// (any sign) with one more column each, the node's share logit, decoded by <see cref="CfHgnnPlugin.Powers"/>.
/// </summary>
public sealed class CfHgnnNetwork : nn.Module<GraphView, (Tensor Ap, Tensor Ms)>
{
    private readonly AdaptiveEmbedding embedAp, embedMs;
    private readonly HeteroMetaPathLayer[] layers;
    private readonly Mlp headAp, headMs;
    private readonly bool shares;

    public CfHgnnNetwork(CfHgnnConfig config, CfHgnnGraph graph) : base(nameof(CfHgnnNetwork))
    {
        bool learnable = config.Mode != CfHgnnMode.Dedicated;
        int apWidth = learnable ? config.EmbeddingWidth : graph.ApFeatures;
        int msWidth = learnable ? config.EmbeddingWidth : graph.MsFeatures;
        embedAp = new AdaptiveEmbedding(graph.ApFeatures, apWidth, learnable);
        embedMs = new AdaptiveEmbedding(graph.MsFeatures, msWidth, learnable);
        var options = new MessagePassingOptions
        {
            Hidden = config.Hidden,
            Aggregation = Aggregation.Mean,
            EdgeFeatures = EdgeFeatureUse.Scale,
            TransformAfterAggregation = config.LiteralAggregation,
            Residual = true,
            Activation = Activation.LeakyReLU,
            Normalization = Normalization.BatchNorm,
            LeakySlope = 0.01,
            Depth = 2,
        };
        var widths = new Dictionary<string, int> { ["ap"] = apWidth, ["ms"] = msWidth };
        layers = Enumerable.Range(0, config.Layers)
            .Select(_ => new HeteroMetaPathLayer(CfHgnnGraph.MetaPaths, widths, options, config.AttentionWidth, config.TanhAttention))
            .ToArray();
        // Budget shares (beyond the paper): the heads give scores, not powers, and one more output per node, its share
        // logit; the plugin decodes them (CfHgnnPlugin.Powers).
        shares = config.PowerHead == PowerHead.BudgetShares;
        int extra = shares ? 1 : 0;
        headAp = new Mlp(new[] { apWidth, config.Hidden, config.Hidden, graph.ApOutputs + extra }, Activation.LeakyReLU, activateLast: false, leakySlope: 0.01);
        headMs = new Mlp(new[] { msWidth, config.Hidden, config.Hidden, graph.MsOutputs + extra }, Activation.LeakyReLU, activateLast: false, leakySlope: 0.01);
        RegisterComponents();
        for (int i = 0; i < layers.Length; i++) register_module($"layer{i}", layers[i]);
    }

    public IReadOnlyList<HeteroMetaPathLayer> Layers => layers;

    /// <summary>The node embeddings z^(0) (after Ξ_ada) of both types.</summary>
    public Dictionary<string, Tensor> Embed(GraphView graph) => new()
    {
        ["ap"] = graph.Nodes("ap").Nodewise(embedAp, graph.Features("ap")),
        ["ms"] = graph.Nodes("ms").Nodewise(embedMs, graph.Features("ms")),
    };

    public override (Tensor Ap, Tensor Ms) forward(GraphView graph)
    {
        IReadOnlyDictionary<string, Tensor> z = Embed(graph);
        foreach (var layer in layers) z = layer.call(z, graph);
        var aps = graph.Nodes("ap");
        var mss = graph.Nodes("ms");
        var ap = aps.Nodewise(headAp, z["ap"]);
        var ms = mss.Nodewise(headMs, z["ms"]);
        return shares ? (aps.ToPadded(ap), mss.ToPadded(ms)) : (aps.ToPadded(ap.relu()), mss.ToPadded(ms.relu()));
    }
}
