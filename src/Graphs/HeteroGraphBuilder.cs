using QuikGraph;

namespace WirelessGnn.Graphs;

/// <summary>
/// Builds a <see cref="HeteroGraph"/> on a QuikGraph topology: typed nodes with feature vectors, typed edges with
/// feature vectors, and the usual wireless constructions (complete bipartite, k nearest, threshold-pruned, self-loops,
/// meta-path composition). Every call checks its input and names what is wrong.
/// </summary>
public sealed class HeteroGraphBuilder
{
    private readonly BidirectionalGraph<GraphNode, GraphEdge> _topology = new(allowParallelEdges: true);
    private readonly Dictionary<string, List<float[]>> _features = new();
    private readonly HashSet<(Relation, int, int)> _edgeKeys = new();

    public HeteroGraphBuilder(GraphSchema schema)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        foreach (var t in schema.NodeTypes) _features[t.Name] = new List<float[]>();
    }

    public GraphSchema Schema { get; }

    /// <summary>The number of nodes of <paramref name="type"/> added so far.</summary>
    public int NodeCount(string type) => _features[Schema.NodeType(type).Name].Count;

    /// <summary>Adds one node of <paramref name="type"/> and returns its index.</summary>
    public int AddNode(string type, ReadOnlySpan<float> features)
    {
        var nodeType = Schema.NodeType(type);
        if (features.Length != nodeType.FeatureCount)
            throw new ArgumentException($"Node type '{type}': feature vector has length {features.Length}; expected {nodeType.FeatureCount}.", nameof(features));
        var list = _features[type];
        Require.Finite(features, $"features of {type}#{list.Count}");
        list.Add(features.ToArray());
        _topology.AddVertex(new GraphNode(type, list.Count - 1));
        return list.Count - 1;
    }

    /// <summary>Adds the rows of <paramref name="features"/> <c>[N, F]</c> as N nodes of <paramref name="type"/>.</summary>
    public HeteroGraphBuilder AddNodes(string type, float[,] features)
    {
        var nodeType = Schema.NodeType(type);
        if (features.GetLength(1) != nodeType.FeatureCount)
            throw new ArgumentException($"Node type '{type}': feature matrix has {features.GetLength(1)} columns; expected {nodeType.FeatureCount}.", nameof(features));
        var row = new float[nodeType.FeatureCount];
        for (int i = 0; i < features.GetLength(0); i++)
        {
            for (int j = 0; j < row.Length; j++) row[j] = features[i, j];
            AddNode(type, row);
        }
        return this;
    }

    /// <summary>Adds the edge <paramref name="source"/> -> <paramref name="target"/> of <paramref name="relation"/>.</summary>
    public HeteroGraphBuilder AddEdge(Relation relation, int source, int target, params float[] features)
    {
        Schema.Require(relation);
        return AddCheckedRelationEdge(relation, source, target, features ?? Array.Empty<float>(), clone: true);
    }

    // The relation is known to be in the schema. Messages are formatted only on failure: this runs once per edge.
    private HeteroGraphBuilder AddCheckedRelationEdge(Relation relation, int source, int target, float[] features, bool clone = true)
    {
        int sources = _features[relation.Source].Count, targets = _features[relation.Target].Count;
        if ((uint)source >= (uint)sources) Require.InRange(source, 0, sources - 1, $"source index of {relation}");
        if ((uint)target >= (uint)targets) Require.InRange(target, 0, targets - 1, $"target index of {relation}");
        if (features.Length != relation.EdgeFeatureCount)
            throw new ArgumentException($"Edge {source}->{target} of {relation}: feature vector has length {features.Length}; expected {relation.EdgeFeatureCount}.", nameof(features));
        foreach (var f in features)
            if (!float.IsFinite(f)) Require.Finite(features, $"features of edge {source}->{target} of {relation}");
        if (!_edgeKeys.Add((relation, source, target)))
            throw new ArgumentException($"Edge {source}->{target} of {relation} was added twice.");
        _topology.AddEdge(new GraphEdge(new GraphNode(relation.Source, source), new GraphNode(relation.Target, target),
            new EdgeData(relation, clone ? (float[])features.Clone() : features)));
        return this;
    }

    /// <summary>Adds every source -> target edge for which <paramref name="keep"/> holds.</summary>
    public HeteroGraphBuilder AddWhere(Relation relation, Func<int, int, bool> keep, EdgeFeatureFunc? features = null)
    {
        Schema.Require(relation);
        for (int s = 0; s < NodeCount(relation.Source); s++)
            for (int t = 0; t < NodeCount(relation.Target); t++)
                if (keep(s, t)) AddCheckedRelationEdge(relation, s, t, Features(relation, features, s, t), clone: true);
        return this;
    }

    /// <summary>Adds every source -> target edge: the complete bipartite relation (all of cell-free massive MIMO).</summary>
    public HeteroGraphBuilder AddCompleteBipartite(Relation relation, EdgeFeatureFunc? features = null) =>
        AddWhere(relation, (_, _) => true, features);

    /// <summary>
    /// Adds the edges whose <paramref name="value"/> is above <paramref name="threshold"/>, e.g. received power above
    /// the noise floor.
    /// </summary>
    public HeteroGraphBuilder AddAboveThreshold(Relation relation, Func<int, int, double> value, double threshold, EdgeFeatureFunc? features = null) =>
        AddWhere(relation, (s, t) => value(s, t) > threshold, features);

    /// <summary>
    /// Connects each target node to its <paramref name="k"/> nearest source nodes (ties: the smaller source index),
    /// e.g. each MS to its k nearest APs. Targets with fewer than k sources get all of them.
    /// </summary>
    public HeteroGraphBuilder AddKNearest(Relation relation, int k, Func<int, int, double> distance, EdgeFeatureFunc? features = null)
    {
        Schema.Require(relation);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be >= 1.");
        int sources = NodeCount(relation.Source);
        for (int t = 0; t < NodeCount(relation.Target); t++)
        {
            var nearest = Enumerable.Range(0, sources)
                .Where(s => !(relation.IsHomogeneous && s == t))
                .Select(s => (s, d: distance(s, t)))
                .Select(x => double.IsNaN(x.d) ? throw new ArgumentException($"distance({x.s}, {t}) of {relation} is NaN.") : x)
                .OrderBy(x => x.d).ThenBy(x => x.s).Take(k);
            foreach (var (s, _) in nearest) AddEdge(relation, s, t, Features(relation, features, s, t));
        }
        return this;
    }

    /// <summary>Adds a self-loop i -> i for every node of a relation whose source and target types are the same.</summary>
    public HeteroGraphBuilder AddSelfLoops(Relation relation, EdgeFeatureFunc? features = null)
    {
        if (!Schema.Require(relation).IsHomogeneous)
            throw new ArgumentException($"Self-loops need a relation from a node type to itself; {relation} is not.", nameof(relation));
        for (int i = 0; i < NodeCount(relation.Source); i++) AddEdge(relation, i, i, Features(relation, features, i, i));
        return this;
    }

    /// <summary>
    /// Realises <paramref name="path"/> as the relation <paramref name="result"/>: one edge s -> t for every pair joined
    /// by at least one chain of existing edges along the path (set semantics: each pair once), e.g. UE -> BS -> UE for
    /// the 2nd-order neighbours of a UE. With <paramref name="excludeSelf"/>, s -> s is left out.
    /// </summary>
    public HeteroGraphBuilder ComposeMetaPath(MetaPath path, Relation result, bool excludeSelf = true, EdgeFeatureFunc? features = null)
    {
        Schema.Require(result);
        foreach (var r in path.Relations) Schema.Require(r);
        if (result.Source != path.Source || result.Target != path.Target)
            throw new ArgumentException($"Meta-path {path} joins '{path.Source}' to '{path.Target}', but the result relation {result} joins '{result.Source}' to '{result.Target}'.", nameof(result));
        for (int s = 0; s < NodeCount(path.Source); s++)
        {
            var frontier = new HashSet<int> { s };
            foreach (var r in path.Relations)
            {
                var next = new HashSet<int>();
                foreach (var v in frontier)
                    foreach (var e in _topology.OutEdges(new GraphNode(r.Source, v)))
                        if (e.Relation == r) next.Add(e.Target.Index);
                frontier = next;
            }
            foreach (var t in frontier.Order())
                if (!(excludeSelf && path.Source == path.Target && t == s))
                    AddEdge(result, s, t, Features(result, features, s, t));
        }
        return this;
    }

    /// <summary>Checks the graph and freezes it. Every node type of the schema needs at least one node.</summary>
    public HeteroGraph Build()
    {
        foreach (var t in Schema.NodeTypes)
            if (_features[t.Name].Count == 0)
                throw new InvalidOperationException($"Node type '{t.Name}' has no nodes; every node type of the schema needs at least one (an empty graph cannot be batched).");
        return new HeteroGraph(Schema, _topology, _features.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()));
    }

    private static float[] Features(Relation relation, EdgeFeatureFunc? features, int s, int t)
    {
        if (features is not null) return features(s, t);
        if (relation.EdgeFeatureCount != 0)
            throw new ArgumentException($"{relation} has {relation.EdgeFeatureCount} edge features; pass a feature function.");
        return Array.Empty<float>();
    }
}
