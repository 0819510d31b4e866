using QuikGraph;

namespace WirelessGnn.Graphs;

/// <summary>The edges of one relation as arrays: indices and row-major features <c>[E * F]</c>, ordered by (target, source).</summary>
public sealed record RelationEdges(Relation Relation, int[] Sources, int[] Targets, float[] Features)
{
    public int Count => Sources.Length;
}

/// <summary>
/// An immutable heterogeneous graph: a QuikGraph topology (for inspection and pruning) plus per-type node features.
/// Convert to tensors with <see cref="GraphBatch.Collate"/>; no QuikGraph object is touched in a training step.
/// </summary>
public sealed class HeteroGraph
{
    private readonly Dictionary<string, float[][]> _features;
    private readonly Dictionary<Relation, RelationEdges> _edges;

    internal HeteroGraph(GraphSchema schema, BidirectionalGraph<GraphNode, GraphEdge> topology, Dictionary<string, float[][]> features)
    {
        Schema = schema;
        Topology = topology;
        _features = features;
        var byRelation = schema.Relations.ToDictionary(r => r, _ => new List<GraphEdge>());
        foreach (var e in topology.Edges) byRelation[e.Relation].Add(e);
        _edges = byRelation.ToDictionary(kv => kv.Key, kv =>
        {
            var edges = kv.Value;
            edges.Sort((a, b) => a.Target.Index != b.Target.Index ? a.Target.Index.CompareTo(b.Target.Index) : a.Source.Index.CompareTo(b.Source.Index));
            var features = new float[edges.Count * kv.Key.EdgeFeatureCount];
            for (int i = 0; i < edges.Count; i++) edges[i].Tag.Features.CopyTo(features, i * kv.Key.EdgeFeatureCount);
            return new RelationEdges(kv.Key, edges.Select(e => e.Source.Index).ToArray(), edges.Select(e => e.Target.Index).ToArray(), features);
        });
    }

    public GraphSchema Schema { get; }

    /// <summary>The topology; vertices are typed nodes, edges are tagged with their relation and features.</summary>
    public IBidirectionalGraph<GraphNode, GraphEdge> Topology { get; }

    public int NodeCount(string type) => _features[Schema.NodeType(type).Name].Length;

    /// <summary>The feature vector of node <paramref name="index"/> of <paramref name="type"/>.</summary>
    public IReadOnlyList<float> NodeFeatures(string type, int index) => _features[Schema.NodeType(type).Name][index];

    /// <summary>All node features of <paramref name="type"/>, row-major <c>[N * F]</c>.</summary>
    public float[] NodeFeatureMatrix(string type) => _features[Schema.NodeType(type).Name].SelectMany(r => r).ToArray();

    /// <summary>The edges of <paramref name="relation"/>, ordered by (target, source).</summary>
    public RelationEdges Edges(Relation relation) => _edges[Schema.Require(relation)];

    /// <summary>
    /// The same graph with the nodes of <paramref name="type"/> relabelled: new node i is old node
    /// <paramref name="permutation"/>[i]. Features and edges move with their nodes.
    /// </summary>
    public HeteroGraph Permute(string type, IReadOnlyList<int> permutation)
    {
        int n = NodeCount(type);
        if (permutation.Count != n || permutation.Distinct().Count() != n || permutation.Any(p => p < 0 || p >= n))
            throw new ArgumentException($"permutation of '{type}' must be a permutation of 0..{n - 1}.", nameof(permutation));
        var newIndex = new int[n];
        for (int i = 0; i < n; i++) newIndex[permutation[i]] = i;
        int Map(string t, int i) => t == type ? newIndex[i] : i;

        var builder = new HeteroGraphBuilder(Schema);
        foreach (var t in Schema.NodeTypes)
            for (int i = 0; i < NodeCount(t.Name); i++)
                builder.AddNode(t.Name, _features[t.Name][t.Name == type ? permutation[i] : i]);
        foreach (var e in Topology.Edges)
            builder.AddEdge(e.Relation, Map(e.Relation.Source, e.Source.Index), Map(e.Relation.Target, e.Target.Index), e.Tag.Features);
        return builder.Build();
    }

    public override string ToString() =>
        string.Join(", ", Schema.NodeTypes.Select(t => $"{NodeCount(t.Name)} {t.Name}")) + "; " +
        string.Join(", ", Schema.Relations.Select(r => $"{Edges(r).Count} {r.Name}"));
}
