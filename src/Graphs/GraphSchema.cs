namespace WirelessGnn.Graphs;

/// <summary>A node type and the width of its feature vector, e.g. <c>new NodeType("ap", 27)</c>.</summary>
public sealed record NodeType
{
    public NodeType(string name, int featureCount)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Node type name must not be empty.", nameof(name));
        if (featureCount < 0) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, $"Node type '{name}': feature count must be >= 0.");
        Name = name;
        FeatureCount = featureCount;
    }

    public string Name { get; }
    public int FeatureCount { get; }
    public override string ToString() => $"{Name}[{FeatureCount}]";
}

/// <summary>
/// A typed relation (source type, name, target type), as PyG's canonical edge types. Messages flow from source to
/// target. <see cref="EdgeFeatureCount"/> is the width of each edge's feature vector (0 for none).
/// </summary>
public sealed record Relation
{
    public Relation(string source, string name, string target, int edgeFeatureCount = 0)
    {
        if (string.IsNullOrWhiteSpace(source)) throw new ArgumentException("Relation source type must not be empty.", nameof(source));
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Relation name must not be empty.", nameof(name));
        if (string.IsNullOrWhiteSpace(target)) throw new ArgumentException("Relation target type must not be empty.", nameof(target));
        if (edgeFeatureCount < 0) throw new ArgumentOutOfRangeException(nameof(edgeFeatureCount), edgeFeatureCount, $"Relation '{name}': edge feature count must be >= 0.");
        Source = source; Name = name; Target = target; EdgeFeatureCount = edgeFeatureCount;
        _hash = HashCode.Combine(source, name, target, edgeFeatureCount);
    }

    // Relations key the per-edge dictionaries of the builder; hashing three strings per edge showed in profiles.
    private readonly int _hash;
    public override int GetHashCode() => _hash;

    public string Source { get; }
    public string Name { get; }
    public string Target { get; }
    public int EdgeFeatureCount { get; }

    /// <summary>True when source and target are the same node type (e.g. a 2nd-order UE-UE relation).</summary>
    public bool IsHomogeneous => Source == Target;

    public override string ToString() => $"({Source})-[{Name}]->({Target})";
}

/// <summary>
/// A meta-path: a chain of relations whose target type of one is the source type of the next, e.g. MS-AP-MS.
/// In a graph a meta-path is realised as a relation whose edges join its end points (see
/// <see cref="HeteroGraphBuilder.ComposeMetaPath"/>), so layers treat every meta-path as one relation.
/// </summary>
public sealed record MetaPath
{
    public MetaPath(string name, params Relation[] relations)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Meta-path name must not be empty.", nameof(name));
        if (relations.Length == 0) throw new ArgumentException($"Meta-path '{name}' needs at least one relation.", nameof(relations));
        for (int i = 1; i < relations.Length; i++)
            if (relations[i - 1].Target != relations[i].Source)
                throw new ArgumentException($"Meta-path '{name}': relation {relations[i - 1]} ends at '{relations[i - 1].Target}' but the next, {relations[i]}, starts at '{relations[i].Source}'.", nameof(relations));
        Name = name;
        Relations = relations;
    }

    public string Name { get; }
    public IReadOnlyList<Relation> Relations { get; }
    public string Source => Relations[0].Source;
    public string Target => Relations[^1].Target;
    public override string ToString() => $"{Name}: {Source}->{string.Join("->", Relations.Select(r => r.Target))}";
}

/// <summary>
/// The schema of a heterogeneous graph, as data: node types, relations and meta-paths. One schema describes every
/// graph a model sees; graphs of different sizes share it.
/// </summary>
public sealed class GraphSchema
{
    private readonly Dictionary<string, NodeType> _nodeTypes;
    private readonly List<Relation> _relations;

    public GraphSchema(IEnumerable<NodeType> nodeTypes, IEnumerable<Relation> relations)
    {
        _nodeTypes = new Dictionary<string, NodeType>();
        foreach (var t in nodeTypes)
            if (!_nodeTypes.TryAdd(t.Name, t)) throw new ArgumentException($"Node type '{t.Name}' is declared twice.", nameof(nodeTypes));
        if (_nodeTypes.Count == 0) throw new ArgumentException("A schema needs at least one node type.", nameof(nodeTypes));
        _relations = new List<Relation>();
        foreach (var r in relations)
        {
            RequireNodeType(r.Source, $"source of relation {r}");
            RequireNodeType(r.Target, $"target of relation {r}");
            if (_relations.Any(x => x.Source == r.Source && x.Name == r.Name && x.Target == r.Target))
                throw new ArgumentException($"Relation {r} is declared twice.", nameof(relations));
            _relations.Add(r);
        }
    }

    public IReadOnlyCollection<NodeType> NodeTypes => _nodeTypes.Values;
    public IReadOnlyList<Relation> Relations => _relations;

    /// <summary>The node type called <paramref name="name"/>; throws naming the known types when there is none.</summary>
    public NodeType NodeType(string name) => RequireNodeType(name, "node type");

    public bool HasNodeType(string name) => _nodeTypes.ContainsKey(name);

    /// <summary>The relation with this name (names must then be unique), or with this (source, name, target).</summary>
    public Relation Relation(string name)
    {
        var matches = _relations.Where(r => r.Name == name).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"Unknown relation '{name}'. Known relations: {string.Join(", ", _relations)}."),
            _ => throw new ArgumentException($"Relation name '{name}' is ambiguous: {string.Join(", ", matches)}. Use the (source, name, target) triple."),
        };
    }

    /// <summary>Throws unless <paramref name="relation"/> is part of this schema.</summary>
    public Relation Require(Relation relation)
    {
        if (!_relations.Contains(relation))
            throw new KeyNotFoundException($"Relation {relation} is not in the schema. Known relations: {string.Join(", ", _relations)}.");
        return relation;
    }

    /// <summary>The relations whose target is <paramref name="nodeType"/>.</summary>
    public IEnumerable<Relation> RelationsInto(string nodeType) => _relations.Where(r => r.Target == nodeType);

    private NodeType RequireNodeType(string name, string what) =>
        _nodeTypes.TryGetValue(name, out var t)
            ? t
            : throw new KeyNotFoundException($"Unknown node type '{name}' ({what}). Known node types: {string.Join(", ", _nodeTypes.Keys)}.");

    public override string ToString() =>
        $"nodes: {string.Join(", ", _nodeTypes.Values)}; relations: {string.Join(", ", _relations)}";
}
