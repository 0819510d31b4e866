using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>
/// HBGNN (spec §4): <see cref="HbgnnConfig.Layers"/> bipartite-aggregation layers (1st- and 2nd-order sum kernels per node
/// type, each <c>Linear → ReLU → Linear → ReLU</c>, L2-normalised node embeddings), a power head on the BS nodes
/// (<c>sigmoid(g·(w·h_j + b))</c>, the fraction of p_max,j, g = <see cref="HbgnnConfig.PowerLogitGain"/>) and an association head on the UE nodes (<c>z_i = W h_i + b ∈ ℝ^K</c>,
/// one score per candidate slot). Weights Glorot-uniform, biases zero (spec §5.2). The softmax temperature of §4.5 is a
/// buffer, so checkpoints carry it from GRL to SRL.
/// With <see cref="UaHead.EdgeScorer"/> (not in the paper) each candidate edge is scored from both ends instead:
/// <c>z_{i,k} = v·ReLU(W[h_i, h_{C(i)_k}, s_{i,C(i)_k}] + b)</c>, so a UE sees which of its candidates the power head keeps on.
/// Input: a dense <see cref="GraphView"/> of <see cref="HetNetGraph"/>s and each UE's candidate BSs <c>[B, I_max, K]</c>;
/// output: slot scores <c>[B, I_max, K]</c> and power fractions <c>[B, J_max]</c> (zero on padding).
/// </summary>
public sealed class HbgnnNetwork : nn.Module<GraphView, Tensor, (Tensor Scores, Tensor PowerFraction)>
{
    public const string TemperatureBuffer = "temperature";

    private readonly TorchSharp.Modules.ModuleList<BipartiteAggregation> layers = new();
    private readonly TorchSharp.Modules.Linear powerHead;
    private readonly TorchSharp.Modules.Linear? associationHead;
    private readonly PairScorer? edgeScorer;
    private readonly int candidates;
    private readonly double powerLogitGain;

    public HbgnnNetwork(HbgnnConfig config, HetNetGraph graph) : base(nameof(HbgnnNetwork))
    {
        var neighbourhoods = new[]
        {
            new BipartiteNeighbourhood(HetNetGraph.Ue, HetNetGraph.Reaches, HetNetGraph.SharesBs),
            new BipartiteNeighbourhood(HetNetGraph.Bs, HetNetGraph.Hears, HetNetGraph.SharesUe),
        };
        var widths = new Dictionary<string, int> { [HetNetGraph.Ue] = graph.UeType.FeatureCount, [HetNetGraph.Bs] = graph.BsType.FeatureCount };
        for (int k = 0; k < config.Layers; k++)
        {
            var layer = new BipartiteAggregation(neighbourhoods, widths, new[] { config.KernelHidden, config.KernelOutput });
            layers.Add(layer);
            widths = new Dictionary<string, int> { [HetNetGraph.Ue] = layer.OutputWidth(HetNetGraph.Ue), [HetNetGraph.Bs] = layer.OutputWidth(HetNetGraph.Bs) };
        }
        powerHead = nn.Linear(widths[HetNetGraph.Bs], 1);
        candidates = graph.Candidates;
        powerLogitGain = config.PowerLogitGain;
        if (config.UaHead == UaHead.EdgeScorer)
            edgeScorer = new PairScorer(widths[HetNetGraph.Ue], widths[HetNetGraph.Bs], 1, config.KernelHidden);
        else
            associationHead = nn.Linear(widths[HetNetGraph.Ue], graph.Candidates);
        RegisterComponents();
        register_buffer(TemperatureBuffer, tensor(config.InitialTemperature, float32).DetachFromDisposeScope());
        using var noGrad = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (p.dim() == 2) nn.init.xavier_uniform_(p);
            else if (name.EndsWith("bias")) nn.init.zeros_(p);
        }
    }

    /// <summary>The current softmax temperature T (spec §4.5).</summary>
    public double Temperature
    {
        get => Buffer.item<float>();
        set
        {
            using var noGrad = no_grad();
            Buffer.fill_(value);
        }
    }

    private Tensor Buffer => named_buffers().First(b => b.name == TemperatureBuffer).buffer;

    public override (Tensor Scores, Tensor PowerFraction) forward(GraphView graph, Tensor candidateBs)
    {
        IReadOnlyDictionary<string, Tensor> h = graph.AllFeatures();
        foreach (var layer in layers) h = layer.call(h, graph);
        var ues = graph.Nodes(HetNetGraph.Ue);
        var bss = graph.Nodes(HetNetGraph.Bs);
        var scores = edgeScorer is null
            ? ues.ToPadded(ues.Nodewise(associationHead!, h[HetNetGraph.Ue]))
            : EdgeScores(ues.ToPadded(h[HetNetGraph.Ue]), bss.ToPadded(h[HetNetGraph.Bs]), ues.ToPadded(graph.Features(HetNetGraph.Ue)), candidateBs);
        var power = bss.ToPadded(bss.Nodewise(powerHead, h[HetNetGraph.Bs]).mul(powerLogitGain).sigmoid()).squeeze(-1);
        return (scores, power);
    }

    /// <summary>
    /// Multiply-accumulates of one forward pass on a scene with <paramref name="ues"/> UEs and <paramref name="bss"/> BSs
    /// (about half the FLOPs): every layer's kernels, the power head and the association head over the K candidate slots.
    /// </summary>
    public long MultiplyAccumulates(int ues, int bss)
    {
        Require.Valid(ues >= 1, nameof(ues), ues, ">= 1");
        Require.Valid(bss >= 1, nameof(bss), bss, ">= 1");
        var counts = new Dictionary<string, int> { [HetNetGraph.Ue] = ues, [HetNetGraph.Bs] = bss };
        long macs = layers.Sum(l => l.MultiplyAccumulates(counts));
        macs += (long)bss * powerHead.in_features;
        macs += edgeScorer is null
            ? (long)ues * associationHead!.in_features * associationHead.out_features
            : edgeScorer.MultiplyAccumulates(ues, bss, (long)ues * candidates);
        return macs;
    }

    /// <summary>Edge-scorer scores <c>[B, I, K]</c> from UE <c>[B, I, d]</c> and BS <c>[B, J, d']</c> embeddings and the slot SNRs.</summary>
    private Tensor EdgeScores(Tensor ue, Tensor bs, Tensor ueFeatures, Tensor candidateBs)
    {
        var snr = ueFeatures.narrow(-1, 0, candidates).unsqueeze(-1);                        // s_{i,C(i)_k} [B, I, K, 1]
        return edgeScorer!.call(ue, bs, candidateBs, snr).squeeze(-1);
    }
}
