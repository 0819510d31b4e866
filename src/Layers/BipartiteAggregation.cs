using TorchSharp;
using TorchSharp.Modules;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>The neighbourhoods of one node type in a <see cref="BipartiteAggregation"/> layer.</summary>
/// <param name="NodeType">The node type updated.</param>
/// <param name="FirstOrder">Relation from the other node type into <paramref name="NodeType"/> (1st-order neighbours).</param>
/// <param name="SecondOrder">Relation from <paramref name="NodeType"/> to itself joining nodes that share a 1st-order
/// neighbour (see <see cref="HeteroGraphBuilder.ComposeMetaPath"/>); null for none.</param>
public sealed record BipartiteNeighbourhood(string NodeType, Relation FirstOrder, Relation? SecondOrder);

/// <summary>
/// Bipartite aggregation with 1st- and 2nd-order kernels (HBGNN, Algorithm 1): for node v of type τ,
/// <c>f1 = L1_τ([h_v, AGG_{u∈N1(v)} h_u])</c>, <c>f2 = L2_τ([h_v, AGG_{u∈N2(v)} h_u])</c>,
/// <c>h_v' = [f1, f2] / max(‖[f1, f2]‖₂, 1e-12)</c>. Each node type and order has its own kernel MLP.
/// Input/output: one node-layout tensor per node type; output width is <see cref="OutputWidth"/> for updated types.
/// </summary>
public sealed class BipartiteAggregation : nn.Module<IReadOnlyDictionary<string, Tensor>, GraphView, Dictionary<string, Tensor>>
{
    private readonly ModuleDict<Mlp> kernels = new();
    private readonly IReadOnlyList<BipartiteNeighbourhood> neighbourhoods;
    private readonly Aggregation aggregation;
    private readonly bool normalize;

    /// <param name="neighbourhoods">One entry per node type to update.</param>
    /// <param name="widths">Input width of each node type.</param>
    /// <param name="kernelWidths">Hidden and output widths of each kernel, e.g. [128, 64].</param>
    /// <param name="activation">Activation inside each kernel.</param>
    /// <param name="aggregation">Neighbour reduction; HBGNN uses a sum.</param>
    /// <param name="l2Normalize">L2-normalise each node's output (HBGNN step 7).</param>
    public BipartiteAggregation(IReadOnlyList<BipartiteNeighbourhood> neighbourhoods, IReadOnlyDictionary<string, int> widths,
        IReadOnlyList<int> kernelWidths, Activation activation = Activation.ReLU, Aggregation aggregation = Aggregation.Sum,
        bool l2Normalize = true) : base(nameof(BipartiteAggregation))
    {
        if (neighbourhoods.Count == 0) throw new ArgumentException("At least one node type must be updated.", nameof(neighbourhoods));
        if (kernelWidths.Count == 0) throw new ArgumentException("kernelWidths needs at least the output width.", nameof(kernelWidths));
        int Width(string type) => widths.TryGetValue(type, out var w) ? w : throw new ArgumentException($"No input width for node type '{type}'.", nameof(widths));
        foreach (var n in neighbourhoods)
        {
            if (n.FirstOrder.Target != n.NodeType)
                throw new ArgumentException($"1st-order relation {n.FirstOrder} must end at '{n.NodeType}'.", nameof(neighbourhoods));
            if (n.SecondOrder is { } s && (s.Source != n.NodeType || s.Target != n.NodeType))
                throw new ArgumentException($"2nd-order relation {s} must join '{n.NodeType}' to itself.", nameof(neighbourhoods));
            kernels.Add(($"{n.NodeType}_first", new Mlp(new[] { Width(n.NodeType) + Width(n.FirstOrder.Source) }.Concat(kernelWidths).ToArray(), activation)));
            if (n.SecondOrder is not null)
                kernels.Add(($"{n.NodeType}_second", new Mlp(new[] { 2 * Width(n.NodeType) }.Concat(kernelWidths).ToArray(), activation)));
        }
        this.neighbourhoods = neighbourhoods;
        this.aggregation = aggregation;
        normalize = l2Normalize;
        KernelOutput = kernelWidths[^1];
        RegisterComponents();
    }

    public int KernelOutput { get; }

    /// <summary>Output width of <paramref name="nodeType"/>: one kernel output per order.</summary>
    public int OutputWidth(string nodeType) =>
        neighbourhoods.Single(n => n.NodeType == nodeType).SecondOrder is null ? KernelOutput : 2 * KernelOutput;

    /// <summary>
    /// Multiply-accumulates of the kernels in one forward pass over a graph with <paramref name="nodeCounts"/> nodes per
    /// type (about half the FLOPs; the sum aggregations and the normalisation add no multiplies worth counting).
    /// </summary>
    public long MultiplyAccumulates(IReadOnlyDictionary<string, int> nodeCounts) => neighbourhoods.Sum(n =>
    {
        if (!nodeCounts.TryGetValue(n.NodeType, out int count) || count < 0)
            throw new ArgumentException($"nodeCounts: no count >= 0 for node type '{n.NodeType}'.", nameof(nodeCounts));
        long perNode = kernels[$"{n.NodeType}_first"].MultiplyAccumulates + (n.SecondOrder is null ? 0 : kernels[$"{n.NodeType}_second"].MultiplyAccumulates);
        return count * perNode;
    });

    public override Dictionary<string, Tensor> forward(IReadOnlyDictionary<string, Tensor> x, GraphView graph)
    {
        var output = new Dictionary<string, Tensor>(x);
        foreach (var n in neighbourhoods)
        {
            var nodes = graph.Nodes(n.NodeType);
            var h = x[n.NodeType];
            var parts = new List<Tensor> { Kernel(graph, nodes, n.FirstOrder, x[n.FirstOrder.Source], h, $"{n.NodeType}_first") };
            if (n.SecondOrder is not null) parts.Add(Kernel(graph, nodes, n.SecondOrder, h, h, $"{n.NodeType}_second"));
            var y = parts.Count == 1 ? parts[0] : cat(parts.ToArray(), -1);
            output[n.NodeType] = normalize ? y / y.norm(-1, true).clamp_min(1e-12) : y;
        }
        return output;
    }

    private Tensor Kernel(GraphView graph, NodeSet nodes, Relation relation, Tensor source, Tensor self, string kernel)
    {
        var edges = graph.Relation(relation);
        var neighbours = edges.AggregateSources(source, aggregation);
        return nodes.Nodewise(kernels[kernel], cat(new[] { self, neighbours }, -1));
    }
}
