namespace WirelessGnn.Graphs;

/// <summary>How messages (or node embeddings) are reduced over a neighbourhood or a graph.</summary>
public enum Aggregation
{
    Sum,
    /// <summary>Sum divided by the count; an empty set gives 0.</summary>
    Mean,
    /// <summary>Element-wise maximum; an empty set gives 0.</summary>
    Max,
}
