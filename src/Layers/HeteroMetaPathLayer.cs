using TorchSharp;
using TorchSharp.Modules;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// One heterogeneous layer in the style of HAN / CF-HGNN: for every node type with incoming meta-paths, a
/// <see cref="MetaPathMessagePassing"/> per meta-path and a <see cref="SemanticAttention"/> across them; node types
/// without incoming meta-paths pass through unchanged. Synchronous: every output is computed from the inputs.
/// Input and output: one node-layout tensor per node type (widths kept, because of the residual connections).
/// </summary>
public sealed class HeteroMetaPathLayer : nn.Module<IReadOnlyDictionary<string, Tensor>, GraphView, Dictionary<string, Tensor>>
{
    private readonly ModuleDict<MetaPathMessagePassing> paths = new();
    private readonly ModuleDict<SemanticAttention> attention = new();
    private readonly Dictionary<string, List<(string Key, Relation Relation)>> incoming = new();

    /// <param name="metaPaths">The relations (meta-paths realised as relations) to pass messages along.</param>
    /// <param name="widths">Embedding width of each node type.</param>
    /// <param name="options">Message-passing settings shared by every meta-path (each has its own weights).</param>
    /// <param name="attentionWidth">Width of the semantic attention projection.</param>
    /// <param name="tanhAttention">Tanh in the attention projection (HAN) or not (CF-HGNN literal).</param>
    public HeteroMetaPathLayer(IEnumerable<Relation> metaPaths, IReadOnlyDictionary<string, int> widths,
        MessagePassingOptions? options = null, int attentionWidth = 64, bool tanhAttention = false) : base(nameof(HeteroMetaPathLayer))
    {
        options ??= new MessagePassingOptions();
        foreach (var r in metaPaths)
        {
            int Width(string type) => widths.TryGetValue(type, out var w) ? w
                : throw new ArgumentException($"No embedding width given for node type '{type}' (used by {r}).", nameof(widths));
            var key = $"{r.Source}__{r.Name}__{r.Target}".Replace('.', '_');
            paths.Add((key, new MetaPathMessagePassing(r, Width(r.Source), Width(r.Target), options with { Output = null })));
            if (!incoming.TryGetValue(r.Target, out var list)) incoming[r.Target] = list = new();
            list.Add((key, r));
        }
        if (incoming.Count == 0) throw new ArgumentException("A meta-path layer needs at least one meta-path.", nameof(metaPaths));
        foreach (var (type, list) in incoming)
            if (list.Count > 1) attention.Add((type.Replace('.', '_'), new SemanticAttention(widths[type], attentionWidth, tanhAttention)));
        RegisterComponents();
    }

    /// <summary>The semantic-attention weights β <c>[B, P]</c> of <paramref name="nodeType"/>, in meta-path order.</summary>
    public Tensor AttentionWeights(IReadOnlyDictionary<string, Tensor> x, GraphView graph, string nodeType) =>
        attention[nodeType.Replace('.', '_')].Weights(PerPath(x, graph, nodeType), graph.Nodes(nodeType));

    public override Dictionary<string, Tensor> forward(IReadOnlyDictionary<string, Tensor> x, GraphView graph)
    {
        var output = new Dictionary<string, Tensor>(x);
        foreach (var type in incoming.Keys)
        {
            var perPath = PerPath(x, graph, type);
            output[type] = perPath.Count == 1 ? perPath[0] : attention[type.Replace('.', '_')].call(perPath, graph.Nodes(type));
        }
        return output;
    }

    private List<Tensor> PerPath(IReadOnlyDictionary<string, Tensor> x, GraphView graph, string type) =>
        incoming[type].Select(p => paths[p.Key].call(Input(x, p.Relation.Source), Input(x, type), graph)).ToList();

    private static Tensor Input(IReadOnlyDictionary<string, Tensor> x, string type) =>
        x.TryGetValue(type, out var t) ? t : throw new ArgumentException($"No embeddings given for node type '{type}'.", nameof(x));
}
