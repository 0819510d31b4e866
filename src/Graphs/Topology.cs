using QuikGraph;

namespace WirelessGnn.Graphs;

/// <summary>A vertex of the QuikGraph topology: its node type and its index among the nodes of that type.</summary>
public readonly record struct GraphNode(string Type, int Index)
{
    public override string ToString() => $"{Type}#{Index}";
}

/// <summary>The tag of a topology edge: the relation it belongs to and its feature vector.</summary>
public sealed record EdgeData(Relation Relation, float[] Features);

/// <summary>A topology edge: a QuikGraph edge between two typed nodes, tagged with its relation and features.</summary>
public sealed class GraphEdge : TaggedEdge<GraphNode, EdgeData>
{
    public GraphEdge(GraphNode source, GraphNode target, EdgeData tag) : base(source, target, tag) { }
    public Relation Relation => Tag.Relation;
}

/// <summary>Edge features of the edge from source node <paramref name="source"/> to target node <paramref name="target"/>.</summary>
public delegate float[] EdgeFeatureFunc(int source, int target);
