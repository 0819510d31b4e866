using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Graphs;

/// <summary>
/// Dense layout: node features padded to <c>[B, N_max, F]</c> with a node mask <c>[B, N_max]</c>; each relation as an
/// adjacency mask <c>[B, N_src_max, N_dst_max]</c> with edge features <c>[B, N_src_max, N_dst_max, Fe]</c>.
/// Complete bipartite relations pay no gather/scatter here: messages are broadcasts and aggregations are masked sums.
/// </summary>
public sealed class DenseGraphView : GraphView
{
    private readonly Dictionary<string, Tensor> _features = new();
    private readonly Dictionary<string, DenseNodeSet> _nodes = new();
    private readonly Dictionary<Relation, DenseRelationView> _relations = new();

    internal DenseGraphView(GraphBatch batch) : base(batch) { }

    public override GraphLayout Layout => GraphLayout.Dense;

    /// <summary>The padded size N_max of <paramref name="nodeType"/>.</summary>
    public int MaxNodes(string nodeType) => Batch.NodeCounts(nodeType).Max();

    public override Tensor Features(string nodeType)
    {
        var type = Schema.NodeType(nodeType);
        if (_features.TryGetValue(type.Name, out var x)) return x;
        int b = GraphCount, n = MaxNodes(type.Name), f = type.FeatureCount;
        var data = new float[b * n * f];
        for (int g = 0; g < b; g++)
            Batch.Graphs[g].NodeFeatureMatrix(type.Name).CopyTo(data, g * n * f);
        return _features[type.Name] = Batch.Own(tensor(data, new long[] { b, n, f }, device: Batch.Device));
    }

    public override NodeSet Nodes(string nodeType)
    {
        var type = Schema.NodeType(nodeType);
        if (_nodes.TryGetValue(type.Name, out var set)) return set;
        var counts = Batch.NodeCounts(type.Name);
        int n = MaxNodes(type.Name);
        var mask = new bool[counts.Count * n];
        for (int g = 0; g < counts.Count; g++)
            for (int i = 0; i < counts[g]; i++) mask[g * n + i] = true;
        var maskTensor = Batch.Own(tensor(mask, new long[] { counts.Count, n }, device: Batch.Device));
        var countTensor = Batch.Own(tensor(counts.Select(c => (float)c).ToArray(), device: Batch.Device));
        return _nodes[type.Name] = new DenseNodeSet(type.Name, counts, maskTensor, countTensor);
    }

    public override RelationView Relation(Relation relation)
    {
        Schema.Require(relation);
        if (_relations.TryGetValue(relation, out var view)) return view;
        int b = GraphCount, ns = MaxNodes(relation.Source), nd = MaxNodes(relation.Target), fe = relation.EdgeFeatureCount;
        var adjacency = new bool[b * ns * nd];
        var features = new float[b * ns * nd * fe];
        for (int g = 0; g < b; g++)
        {
            var edges = Batch.Graphs[g].Edges(relation);
            for (int e = 0; e < edges.Count; e++)
            {
                int cell = (g * ns + edges.Sources[e]) * nd + edges.Targets[e];
                adjacency[cell] = true;
                Array.Copy(edges.Features, e * fe, features, cell * fe, fe);
            }
        }
        var adjacencyTensor = Batch.Own(tensor(adjacency, new long[] { b, ns, nd }, device: Batch.Device));
        var featureTensor = Batch.Own(tensor(features, new long[] { b, ns, nd, fe }, device: Batch.Device));
        return _relations[relation] = new DenseRelationView(relation, adjacencyTensor, featureTensor, Batch);
    }
}

/// <summary>Nodes of one type padded to <c>[B, N_max, F]</c> with a mask of the real ones.</summary>
public sealed class DenseNodeSet : NodeSet
{
    private readonly Tensor _count;

    internal DenseNodeSet(string nodeType, IReadOnlyList<int> counts, Tensor mask, Tensor count) : base(nodeType, counts)
    {
        Mask = mask;
        _count = count;
    }

    /// <summary>True for real nodes, false for padding, <c>[B, N_max]</c>.</summary>
    public Tensor Mask { get; }

    public override Tensor Nodewise(nn.Module<Tensor, Tensor> f, Tensor x)
    {
        Check(x);
        if (!MixesRows(f)) return f.call(x);
        var rows = f.call(x[Mask]);
        var output = zeros(new long[] { x.shape[0], x.shape[1] }.Concat(rows.shape.Skip(1)).ToArray(), dtype: rows.dtype, device: rows.device);
        return output.index_put_(rows, Mask);
    }

    public override Tensor Readout(Tensor x, Aggregation aggregation)
    {
        Check(x);
        var valid = Mask.unsqueeze(-1);
        var count = _count.to(x.dtype).unsqueeze(-1);
        return aggregation switch
        {
            Aggregation.Sum => x.masked_fill(valid.logical_not(), 0).sum(1),
            Aggregation.Mean => x.masked_fill(valid.logical_not(), 0).sum(1) / count.clamp_min(1),
            _ => x.masked_fill(valid.logical_not(), double.NegativeInfinity).amax(new long[] { 1 }).masked_fill(count == 0, 0),
        };
    }

    public override Tensor Broadcast(Tensor perGraph)
    {
        if (perGraph.shape[0] != GraphCount)
            throw new ArgumentException($"per-graph tensor for '{NodeType}': expected {GraphCount} rows, got shape [{string.Join(", ", perGraph.shape)}].");
        return perGraph.unsqueeze(1).expand(new long[] { perGraph.shape[0], Mask.shape[1] }.Concat(perGraph.shape.Skip(1)).ToArray());
    }

    public override Tensor[] Split(Tensor x)
    {
        Check(x);
        return Counts.Select((c, b) => x[b].narrow(0, 0, c)).ToArray();
    }

    public override Tensor Flatten(Tensor x)
    {
        Check(x);
        return x[Mask];
    }

    public override Tensor ToPadded(Tensor x)
    {
        Check(x);
        var padding = Mask.logical_not();
        for (long d = 2; d < x.dim(); d++) padding = padding.unsqueeze(-1);
        return x.masked_fill(padding, 0);
    }

    private void Check(Tensor x)
    {
        if (x.dim() < 2 || x.shape[0] != Mask.shape[0] || x.shape[1] != Mask.shape[1])
            throw new ArgumentException($"node tensor of '{NodeType}': expected the dense layout [{Mask.shape[0]}, {Mask.shape[1]}, F], got shape [{string.Join(", ", x.shape)}].");
    }
}

/// <summary>One relation as an adjacency mask <c>[B, N_src, N_dst]</c> with edge features <c>[B, N_src, N_dst, Fe]</c>.</summary>
public sealed class DenseRelationView : RelationView
{
    private readonly GraphBatch _batch;
    private Tensor? _inDegree, _edgeMask, _noEdges, _transposedAdjacency;

    internal DenseRelationView(Relation relation, Tensor adjacency, Tensor edgeFeatures, GraphBatch batch) : base(relation)
    {
        Adjacency = adjacency;
        EdgeFeatures = edgeFeatures;
        _batch = batch;
    }

    /// <summary>True where an edge source -> target exists, <c>[B, N_src, N_dst]</c>.</summary>
    public Tensor Adjacency { get; }
    public override Tensor EdgeFeatures { get; }
    public override long EdgeCount => Adjacency.sum().item<long>();

    /// <summary>In-degree of every target, <c>[B, N_dst, 1]</c>.</summary>
    public override Tensor InDegree => _inDegree ??= _batch.Own(Adjacency.sum(1, type: float32).unsqueeze(-1));

    private Tensor EdgeMask => _edgeMask ??= _batch.Own(Adjacency.unsqueeze(-1));          // [B, Ns, Nd, 1]
    private Tensor NoEdges => _noEdges ??= _batch.Own((InDegree == 0).unsqueeze(1));     // [B, 1, Nd, 1]

    public override Tensor Source(Tensor xSource)
    {
        CheckNodes(xSource, 1, "source");
        return xSource.unsqueeze(2).expand(xSource.shape[0], xSource.shape[1], Adjacency.shape[2], xSource.shape[2]);
    }

    public override Tensor Target(Tensor xTarget)
    {
        CheckNodes(xTarget, 2, "target");
        return xTarget.unsqueeze(1).expand(xTarget.shape[0], Adjacency.shape[1], xTarget.shape[1], xTarget.shape[2]);
    }

    public override Tensor Edgewise(nn.Module<Tensor, Tensor> f, Tensor messages)
    {
        CheckEdges(messages);
        if (!f.training || !f.modules().Prepend(f).Any(m => m is TorchSharp.Modules.BatchNorm)) return f.call(messages);
        var rows = f.call(messages[Adjacency]);
        var output = zeros(messages.shape.SkipLast(1).Concat(rows.shape.Skip(1)).ToArray(), dtype: rows.dtype, device: rows.device);
        return output.index_put_(rows, Adjacency);
    }

    public override Tensor Aggregate(Tensor messages, Aggregation aggregation)
    {
        CheckEdges(messages);
        var absent = EdgeMask.logical_not();
        return aggregation switch
        {
            Aggregation.Sum => messages.masked_fill(absent, 0).sum(1),
            Aggregation.Mean => messages.masked_fill(absent, 0).sum(1) / InDegree.to(messages.dtype).clamp_min(1),
            _ => messages.masked_fill(absent, double.NegativeInfinity).amax(new long[] { 1 }).masked_fill(InDegree == 0, 0),
        };
    }

    public override Tensor AggregateSources(Tensor xSource, Aggregation aggregation)
    {
        if (aggregation is not (Aggregation.Sum or Aggregation.Mean)) return base.AggregateSources(xSource, aggregation);
        CheckNodes(xSource, 1, "source");
        var adjacency = _transposedAdjacency ??= _batch.Own(Adjacency.transpose(1, 2).to(float32).contiguous());   // [B, Nd, Ns]
        var sum = adjacency.to(xSource.dtype).bmm(xSource);
        return aggregation == Aggregation.Sum ? sum : sum / InDegree.to(xSource.dtype).clamp_min(1);
    }

    public override Tensor Softmax(Tensor scores)
    {
        CheckEdges(scores);
        var absent = EdgeMask.logical_not();
        // Targets without edges get finite scores, so that neither the value nor the gradient turns NaN.
        var masked = scores.masked_fill(absent, double.NegativeInfinity).masked_fill(NoEdges, 0);
        return masked.softmax(1).masked_fill(absent, 0);
    }

    private void CheckNodes(Tensor x, int adjacencyDim, string role)
    {
        if (x.dim() != 3 || x.shape[0] != Adjacency.shape[0] || x.shape[1] != Adjacency.shape[adjacencyDim])
            throw new ArgumentException($"{role} node tensor of {Relation}: expected [{Adjacency.shape[0]}, {Adjacency.shape[adjacencyDim]}, F], got shape [{string.Join(", ", x.shape)}].");
    }

    private void CheckEdges(Tensor m)
    {
        if (m.dim() != 4 || m.shape[0] != Adjacency.shape[0] || m.shape[1] != Adjacency.shape[1] || m.shape[2] != Adjacency.shape[2])
            throw new ArgumentException($"edge tensor of {Relation}: expected [{Adjacency.shape[0]}, {Adjacency.shape[1]}, {Adjacency.shape[2]}, F], got shape [{string.Join(", ", m.shape)}].");
    }
}
