using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Graphs;

/// <summary>
/// Sparse layout: node features stacked <c>[N_total, F]</c> in graph order; each relation as a block-diagonal edge
/// index <c>[2, E]</c> (node offsets added per graph) with edge features <c>[E, Fe]</c>.
/// </summary>
public sealed class SparseGraphView : GraphView
{
    private readonly Dictionary<string, Tensor> _features = new();
    private readonly Dictionary<string, SparseNodeSet> _nodes = new();
    private readonly Dictionary<Relation, SparseRelationView> _relations = new();

    internal SparseGraphView(GraphBatch batch) : base(batch) { }

    public override GraphLayout Layout => GraphLayout.Sparse;

    public override Tensor Features(string nodeType)
    {
        var type = Schema.NodeType(nodeType);
        if (_features.TryGetValue(type.Name, out var x)) return x;
        var data = Batch.Graphs.SelectMany(g => g.NodeFeatureMatrix(type.Name)).ToArray();
        long rows = Batch.NodeCounts(type.Name).Sum();
        x = Batch.Own(tensor(data, new long[] { rows, type.FeatureCount }, device: Batch.Device));
        return _features[type.Name] = x;
    }

    public override NodeSet Nodes(string nodeType)
    {
        var type = Schema.NodeType(nodeType);
        if (_nodes.TryGetValue(type.Name, out var set)) return set;
        var counts = Batch.NodeCounts(type.Name);
        var graphOf = counts.SelectMany((n, b) => Enumerable.Repeat((long)b, n)).ToArray();
        var index = Batch.Own(tensor(graphOf, device: Batch.Device));
        return _nodes[type.Name] = new SparseNodeSet(type.Name, counts, Batch.Own(new SegmentIndex(index, counts.Count)));
    }

    public override RelationView Relation(Relation relation)
    {
        Schema.Require(relation);
        if (_relations.TryGetValue(relation, out var view)) return view;
        var sources = new List<long>();
        var targets = new List<long>();
        var features = new List<float>();
        long sourceOffset = 0, targetOffset = 0;
        foreach (var g in Batch.Graphs)
        {
            var edges = g.Edges(relation);
            sources.AddRange(edges.Sources.Select(s => s + sourceOffset));
            targets.AddRange(edges.Targets.Select(t => t + targetOffset));
            features.AddRange(edges.Features);
            sourceOffset += g.NodeCount(relation.Source);
            targetOffset += g.NodeCount(relation.Target);
        }
        var sourceIndex = Batch.Own(tensor(sources.ToArray(), device: Batch.Device));
        var targetIndex = Batch.Own(tensor(targets.ToArray(), device: Batch.Device));
        var edgeFeatures = Batch.Own(tensor(features.ToArray(), new long[] { sources.Count, relation.EdgeFeatureCount }, device: Batch.Device));
        var segments = Batch.Own(new SegmentIndex(targetIndex, targetOffset));
        return _relations[relation] = new SparseRelationView(relation, sourceIndex, segments, edgeFeatures, Batch);
    }

    /// <summary>Edge index <c>[2, E]</c> (row 0 sources, row 1 targets, with per-graph offsets) of <paramref name="relation"/>.</summary>
    public Tensor EdgeIndex(Relation relation)
    {
        var view = (SparseRelationView)Relation(relation);
        return stack(new[] { view.SourceIndex, view.Segments.Index });
    }
}

/// <summary>Nodes of one type stacked <c>[N_total, F]</c>, with the graph of each node as a segment index.</summary>
public sealed class SparseNodeSet : NodeSet
{
    internal SparseNodeSet(string nodeType, IReadOnlyList<int> counts, SegmentIndex graphOf) : base(nodeType, counts) => GraphOf = graphOf;

    /// <summary>The graph of each node, <c>[N_total]</c>.</summary>
    public SegmentIndex GraphOf { get; }

    public override Tensor Nodewise(nn.Module<Tensor, Tensor> f, Tensor x)
    {
        CheckRows(x, GraphOf.Index.shape[0], "node tensor");
        return f.call(x);
    }

    public override Tensor Readout(Tensor x, Aggregation aggregation)
    {
        CheckRows(x, GraphOf.Index.shape[0], "node tensor");
        return aggregation switch
        {
            Aggregation.Sum => GraphOf.Sum(x),
            Aggregation.Mean => GraphOf.Mean(x),
            _ => GraphOf.Max(x),
        };
    }

    public override Tensor Broadcast(Tensor perGraph)
    {
        if (perGraph.shape[0] != GraphCount)
            throw new ArgumentException($"per-graph tensor for '{NodeType}': expected {GraphCount} rows, got shape [{string.Join(", ", perGraph.shape)}].");
        return GraphOf.Gather(perGraph);
    }

    public override Tensor[] Split(Tensor x)
    {
        CheckRows(x, GraphOf.Index.shape[0], "node tensor");
        return x.split(Counts.Select(c => (long)c).ToArray(), 0);
    }

    public override Tensor Flatten(Tensor x)
    {
        CheckRows(x, GraphOf.Index.shape[0], "node tensor");
        return x;
    }

    public override Tensor ToPadded(Tensor x)
    {
        CheckRows(x, GraphOf.Index.shape[0], "node tensor");
        var parts = Split(x);
        long max = Counts.Max();
        var padded = parts.Select(p => nn.functional.pad(p, new long[] { 0, 0, 0, max - p.shape[0] })).ToArray();
        return stack(padded);
    }
}

/// <summary>One relation as source index <c>[E]</c> + target segment index + edge features <c>[E, Fe]</c>.</summary>
public sealed class SparseRelationView : RelationView
{
    private readonly GraphBatch _batch;
    private Tensor? _inDegree;

    internal SparseRelationView(Relation relation, Tensor sourceIndex, SegmentIndex segments, Tensor edgeFeatures, GraphBatch batch)
        : base(relation)
    {
        SourceIndex = sourceIndex;
        Segments = segments;
        EdgeFeatures = edgeFeatures;
        _batch = batch;
    }

    /// <summary>Source node of each edge (batch-global), <c>[E]</c>.</summary>
    public Tensor SourceIndex { get; }
    /// <summary>Target node of each edge (batch-global) as a segment index.</summary>
    public SegmentIndex Segments { get; }
    public override Tensor EdgeFeatures { get; }
    public override long EdgeCount => SourceIndex.shape[0];

    public override Tensor InDegree => _inDegree ??= _batch.Own(Segments.Counts.to(float32).unsqueeze(1));

    public override Tensor Source(Tensor xSource) => CheckNodes(xSource, Relation.Source, "source").index_select(0, SourceIndex);
    public override Tensor Target(Tensor xTarget) => Segments.Gather(CheckNodes(xTarget, Relation.Target, "target"));

    public override Tensor Edgewise(nn.Module<Tensor, Tensor> f, Tensor messages)
    {
        if (messages.dim() < 1 || messages.shape[0] != EdgeCount)
            throw new ArgumentException($"edge tensor of {Relation}: expected {EdgeCount} rows, got shape [{string.Join(", ", messages.shape)}].");
        return f.call(messages);
    }

    public override Tensor Aggregate(Tensor messages, Aggregation aggregation) => aggregation switch
    {
        Aggregation.Sum => Segments.Sum(messages),
        Aggregation.Mean => Segments.Mean(messages),
        _ => Segments.Max(messages),
    };

    public override Tensor Softmax(Tensor scores) => Segments.Softmax(scores);

    // Without this check a tensor of the wrong node type gathers wrong rows silently (more rows) or fails inside libtorch (fewer).
    private Tensor CheckNodes(Tensor x, string nodeType, string role)
    {
        long rows = _batch.NodeCounts(nodeType).Sum();
        if (x.dim() < 1 || x.shape[0] != rows)
            throw new ArgumentException($"{role} node tensor of {Relation}: expected {rows} rows (the '{nodeType}' nodes of the batch), got shape [{string.Join(", ", x.shape)}].");
        return x;
    }
}
