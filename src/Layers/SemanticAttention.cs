using TorchSharp;
using WirelessGnn.Graphs;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace WirelessGnn.Layers;

/// <summary>
/// Semantic attention across meta-paths (HAN; CF-HGNN eq. 12): each meta-path p gets one graph-level weight
/// <c>β_p = softmax_p( mean_{i in graph} qᵀ Ξ_att(z_i^p) )</c>, and the node embedding is <c>Σ_p β_p z_i^p</c>.
/// The mean is per graph, so a graph's output does not depend on its batch-mates. Inputs: P tensors in node
/// layout of width F; output: node layout of width F.
/// </summary>
public sealed class SemanticAttention : nn.Module<IReadOnlyList<Tensor>, NodeSet, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> project;
    private readonly Parameter query;
    private readonly bool useTanh;

    /// <param name="width">Width F of each meta-path embedding.</param>
    /// <param name="attentionWidth">Width of the projection (64 in CF-HGNN).</param>
    /// <param name="tanh">Apply tanh after the projection (HAN); CF-HGNN's literal form has none.</param>
    public SemanticAttention(int width, int attentionWidth = 64, bool tanh = false) : base(nameof(SemanticAttention))
    {
        Width = width;
        project = nn.Linear(width, attentionWidth);
        query = new Parameter(nn.init.xavier_uniform_(empty(attentionWidth, 1)).squeeze(1));
        useTanh = tanh;
        RegisterComponents();
    }

    public int Width { get; }

    /// <summary>The weights β <c>[B, P]</c> of each graph over the meta-paths; rows sum to 1.</summary>
    public Tensor Weights(IReadOnlyList<Tensor> perPath, NodeSet nodes)
    {
        if (perPath.Count == 0) throw new ArgumentException("Semantic attention needs at least one meta-path embedding.", nameof(perPath));
        var scores = perPath.Select(z =>
        {
            if (z.shape[^1] != Width)
                throw new ArgumentException($"Semantic attention input: expected width {Width}, got shape [{string.Join(", ", z.shape)}].", nameof(perPath));
            var h = project.call(z);
            if (useTanh) h = h.tanh();
            return nodes.Readout(h.matmul(query).unsqueeze(-1), Aggregation.Mean);   // [B, 1]
        });
        return cat(scores.ToArray(), 1).softmax(1);
    }

    public override Tensor forward(IReadOnlyList<Tensor> perPath, NodeSet nodes)
    {
        if (perPath.Count == 1) return perPath[0];
        var beta = Weights(perPath, nodes);
        Tensor? sum = null;
        for (int p = 0; p < perPath.Count; p++)
        {
            var term = nodes.Broadcast(beta.narrow(1, p, 1)) * perPath[p];
            sum = sum is null ? term : sum + term;
        }
        return sum!;
    }
}
