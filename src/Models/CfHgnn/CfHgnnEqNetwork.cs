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
/// served pairs) and UL powers <c>[B, D_max, M̄]</c>.
/// </summary>
public sealed class CfHgnnEqNetwork : nn.Module<GraphView, (Tensor Ap, Tensor Ms)>
{
    private readonly Mlp embedAp, embedMs, headDl, headUl;
    private readonly HeteroMetaPathLayer[] layers;
    private readonly Relation downlink;

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
        headUl = new Mlp(new[] { h, h, h, config.Problem.UlSubcarriers }, Activation.LeakyReLU, activateLast: false, leakySlope: 0.01);
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
        var apPower = headDl.call(edges).relu() * served * dl.Adjacency.unsqueeze(-1).to(edges.dtype);
        var mss = graph.Nodes("ms");
        return (apPower, mss.ToPadded(mss.Nodewise(headUl, z["ms"]).relu()));
    }
}
