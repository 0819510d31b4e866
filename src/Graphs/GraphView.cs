using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Graphs;

/// <summary>The two tensor layouts of a graph batch.</summary>
public enum GraphLayout
{
    /// <summary>Nodes stacked <c>[N_total, F]</c>; relations as edge index <c>[2, E]</c> + edge features <c>[E, Fe]</c>.</summary>
    Sparse,
    /// <summary>Nodes padded <c>[B, N_max, F]</c> + mask; relations as blocks <c>[B, N_src, N_dst, Fe]</c> + adjacency mask.</summary>
    Dense,
}

/// <summary>
/// A batch of graphs in one tensor layout. Layers are written once against this API (per-node functions, per-edge
/// gathers, aggregations, readouts) and give the same numbers on the sparse and the dense layout.
/// "Node layout" means <c>[N_total, F]</c> (sparse) or <c>[B, N_max, F]</c> (dense); "edge layout" means
/// <c>[E, F]</c> (sparse) or <c>[B, N_src, N_dst, F]</c> (dense).
/// </summary>
public abstract class GraphView
{
    protected GraphView(GraphBatch batch) => Batch = batch;

    public GraphBatch Batch { get; }
    public GraphSchema Schema => Batch.Schema;
    public int GraphCount => Batch.GraphCount;
    public abstract GraphLayout Layout { get; }

    /// <summary>Input features of <paramref name="nodeType"/> in node layout.</summary>
    public abstract Tensor Features(string nodeType);

    /// <summary>The nodes of <paramref name="nodeType"/>: per-node functions, readouts, splitting.</summary>
    public abstract NodeSet Nodes(string nodeType);

    /// <summary>The edges of <paramref name="relation"/>: gathers, aggregation, softmax.</summary>
    public abstract RelationView Relation(Relation relation);

    /// <summary>The relation of the schema called <paramref name="name"/>.</summary>
    public RelationView Relation(string name) => Relation(Schema.Relation(name));

    /// <summary>Input features of every node type, in node layout.</summary>
    public Dictionary<string, Tensor> AllFeatures() => Schema.NodeTypes.ToDictionary(t => t.Name, t => Features(t.Name));
}

/// <summary>The nodes of one type in a batch, in one layout.</summary>
public abstract class NodeSet
{
    protected NodeSet(string nodeType, IReadOnlyList<int> counts)
    {
        NodeType = nodeType;
        Counts = counts;
    }

    public string NodeType { get; }
    /// <summary>Nodes of this type in each graph.</summary>
    public IReadOnlyList<int> Counts { get; }
    public int GraphCount => Counts.Count;

    /// <summary>
    /// Applies a row-wise module (an MLP, say) to every real node: <c>node layout [.., F] -> [.., F']</c>. Padded rows
    /// never enter batch statistics, so a BatchNorm sees the same rows in both layouts.
    /// </summary>
    public abstract Tensor Nodewise(nn.Module<Tensor, Tensor> f, Tensor x);

    /// <summary>Graph-level readout: <c>node layout -> [B, F]</c>. Invariant to node order.</summary>
    public abstract Tensor Readout(Tensor x, Aggregation aggregation);

    /// <summary>Copies a per-graph tensor <c>[B, F]</c> to every node of its graph (node layout).</summary>
    public abstract Tensor Broadcast(Tensor perGraph);

    /// <summary>Splits a node-layout tensor into one <c>[N_b, F]</c> tensor per graph.</summary>
    public abstract Tensor[] Split(Tensor x);

    /// <summary>Stacks node-layout rows into <c>[N_total, F]</c> (graph-major order); the identity on the sparse layout.</summary>
    public abstract Tensor Flatten(Tensor x);

    /// <summary>
    /// Node-layout rows padded per graph to <c>[B, N_max, F]</c> with zeros in the padding (e.g. per-node decisions
    /// for a batched objective); the identity on the dense layout up to the zeroed padding.
    /// </summary>
    public abstract Tensor ToPadded(Tensor x);

    protected void CheckRows(Tensor x, long rows, string what)
    {
        if (x.dim() < 1 || x.shape[0] != rows)
            throw new ArgumentException($"{what} of node type '{NodeType}': expected {rows} rows, got shape [{string.Join(", ", x.shape)}].");
    }

    /// <summary>True when <paramref name="f"/> computes statistics across rows (a BatchNorm in training mode).</summary>
    protected static bool MixesRows(nn.Module f) =>
        f.training && f.modules().Prepend(f).Any(m => m is TorchSharp.Modules.BatchNorm);
}

/// <summary>The edges of one relation in a batch, in one layout. Messages flow from source to target.</summary>
public abstract class RelationView
{
    protected RelationView(Relation relation) => Relation = relation;

    public Relation Relation { get; }

    /// <summary>Source features on each edge: <c>source node layout -> edge layout</c>.</summary>
    public abstract Tensor Source(Tensor xSource);

    /// <summary>Target features on each edge: <c>target node layout -> edge layout</c>.</summary>
    public abstract Tensor Target(Tensor xTarget);

    /// <summary>Edge features in edge layout (<c>[E, Fe]</c> or <c>[B, N_src, N_dst, Fe]</c>).</summary>
    public abstract Tensor EdgeFeatures { get; }

    /// <summary>In-degree of every target node as a float column (target node layout, width 1).</summary>
    public abstract Tensor InDegree { get; }

    /// <summary>Applies a row-wise module to every real edge: <c>edge layout [.., F] -> [.., F']</c>.</summary>
    public abstract Tensor Edgewise(nn.Module<Tensor, Tensor> f, Tensor messages);

    /// <summary>Reduces edge messages at their targets: <c>edge layout -> target node layout</c>.</summary>
    public abstract Tensor Aggregate(Tensor messages, Aggregation aggregation);

    /// <summary>
    /// Reduces the source features themselves at each target (<c>Aggregate(Source(x))</c>): <c>source node layout -> target
    /// node layout</c>. The dense layout does a sum or mean as one adjacency matrix product instead of materialising
    /// <c>[B, N_src, N_dst, F]</c>, which dense 2nd-order relations (nearly every pair of nodes) need.
    /// </summary>
    public virtual Tensor AggregateSources(Tensor xSource, Aggregation aggregation) => Aggregate(Source(xSource), aggregation);

    /// <summary>Softmax of edge scores over the incoming edges of each target: <c>edge layout -> edge layout</c>.</summary>
    public abstract Tensor Softmax(Tensor scores);

    /// <summary>Number of real edges in the batch.</summary>
    public abstract long EdgeCount { get; }
}
