using QuikGraph;

namespace WirelessGnn.Graphs;

/// <summary>The edges of one relation as arrays: indices and row-major features <c>[E * F]</c>, ordered by (target, source).</summary>
public sealed record RelationEdges(Relation Relation, int[] Sources, int[] Targets, float[] Features)
{
    public int Count => Sources.Length;
}

/// <summary>
/// An immutable heterogeneous graph: per-relation edge arrays and per-type node features, with a QuikGraph view of the
/// topology (for inspection and pruning). Convert to tensors with <see cref="GraphBatch.Collate"/>; no QuikGraph object is
/// touched in a training step.
/// </summary>
public sealed class HeteroGraph
{
    private readonly Dictionary<string, float[][]> _features;
    private readonly Dictionary<Relation, RelationEdges> _edges;
    private BidirectionalGraph<GraphNode, GraphEdge>? _topology;

    internal HeteroGraph(GraphSchema schema, BidirectionalGraph<GraphNode, GraphEdge> topology, Dictionary<string, float[][]> features)
    {
        Schema = schema;
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
        // The builder's topology is not kept: its per-edge objects cost about 150 bytes an edge (3.5 MB for one HBGNN
        // scene of 21 600 edges, against 0.2 MB for the arrays), which a pool of thousands of cached training graphs
        // cannot afford. The view is rebuilt from the arrays on first use.
    }

    public GraphSchema Schema { get; }

    /// <summary>
    /// The topology; vertices are typed nodes, edges are tagged with their relation and features. Built from the edge
    /// arrays on first access and kept from then on.
    /// </summary>
    public IBidirectionalGraph<GraphNode, GraphEdge> Topology => _topology ??= BuildTopology();

    private BidirectionalGraph<GraphNode, GraphEdge> BuildTopology()
    {
        var topology = new BidirectionalGraph<GraphNode, GraphEdge>(allowParallelEdges: true);
        foreach (var t in Schema.NodeTypes)
            for (int i = 0; i < NodeCount(t.Name); i++) topology.AddVertex(new GraphNode(t.Name, i));
        foreach (var (relation, edges) in _edges)
        {
            int f = relation.EdgeFeatureCount;
            for (int e = 0; e < edges.Count; e++)
                topology.AddEdge(new GraphEdge(new GraphNode(relation.Source, edges.Sources[e]), new GraphNode(relation.Target, edges.Targets[e]),
                    new EdgeData(relation, edges.Features.AsSpan(e * f, f).ToArray())));
        }
        return topology;
    }

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
        foreach (var (relation, edges) in _edges)
            for (int e = 0; e < edges.Count; e++)
                builder.AddEdge(relation, Map(relation.Source, edges.Sources[e]), Map(relation.Target, edges.Targets[e]),
                    edges.Features.AsSpan(e * relation.EdgeFeatureCount, relation.EdgeFeatureCount).ToArray());
        return builder.Build();
    }

    public override string ToString() =>
        string.Join(", ", Schema.NodeTypes.Select(t => $"{NodeCount(t.Name)} {t.Name}")) + "; " +
        string.Join(", ", Schema.Relations.Select(r => $"{Edges(r).Count} {r.Name}"));
}
