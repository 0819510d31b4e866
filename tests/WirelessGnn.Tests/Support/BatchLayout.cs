using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Support;

/// <summary>
/// Moves per-edge and per-node tensors between the sparse and the dense layout of one <see cref="GraphBatch"/>, so
/// that both views can be fed the same numbers and their results compared row by row.
/// The sparse edge order is the batch's: graph by graph, and within a graph by (target, source).
/// </summary>
public static class BatchLayout
{
    /// <summary>Batch-global (graph, source, target) of each edge of <paramref name="relation"/>, in sparse edge order.</summary>
    public static (long[] Graph, long[] Source, long[] Target) EdgeCells(GraphBatch batch, Relation relation)
    {
        var g = new List<long>();
        var s = new List<long>();
        var t = new List<long>();
        for (int b = 0; b < batch.GraphCount; b++)
        {
            var edges = batch.Graphs[b].Edges(relation);
            for (int e = 0; e < edges.Count; e++) { g.Add(b); s.Add(edges.Sources[e]); t.Add(edges.Targets[e]); }
        }
        return (g.ToArray(), s.ToArray(), t.ToArray());
    }

    /// <summary>
    /// The real edges of a dense edge-layout tensor <c>[B, N_src, N_dst, F]</c> as rows <c>[E, F]</c> in sparse edge
    /// order (differentiable).
    /// </summary>
    public static Tensor DenseEdgesToRows(GraphBatch batch, Relation relation, Tensor dense)
    {
        var (g, s, t) = EdgeCells(batch, relation);
        return dense.index(TensorIndex.Tensor(tensor(g, device: dense.device)), TensorIndex.Tensor(tensor(s, device: dense.device)),
            TensorIndex.Tensor(tensor(t, device: dense.device)));
    }

    /// <summary>
    /// Rows <c>[E, F]</c> in sparse edge order as a dense edge-layout tensor <c>[B, N_src_max, N_dst_max, F]</c>
    /// (differentiable). Cells without an edge hold <paramref name="fill"/>: pass a conspicuous value to check that a
    /// dense operation ignores them.
    /// </summary>
    public static Tensor RowsToDenseEdges(GraphBatch batch, Relation relation, Tensor rows, double fill = 0)
    {
        var (g, s, t) = EdgeCells(batch, relation);
        if (rows.dim() != 2 || rows.shape[0] != g.Length)
            throw new ArgumentException($"rows: expected [{g.Length}, F] for {relation}, got {TensorAssert.Shape(rows.shape)}.", nameof(rows));
        long ns = batch.NodeCounts(relation.Source).Max(), nd = batch.NodeCounts(relation.Target).Max();
        var dense = full(new[] { batch.GraphCount, ns, nd, rows.shape[1] }, fill, dtype: rows.dtype, device: rows.device);
        return dense.index_put_(rows, tensor(g, device: rows.device), tensor(s, device: rows.device), tensor(t, device: rows.device));
    }

    /// <summary>
    /// Sparse node rows <c>[N_total, F]</c> in the dense node layout <c>[B, N_max, F]</c> (differentiable); padding rows
    /// hold <paramref name="fill"/>.
    /// </summary>
    public static Tensor RowsToDenseNodes(GraphBatch batch, string nodeType, Tensor rows, double fill = 0)
    {
        var counts = batch.NodeCounts(nodeType);
        if (rows.dim() != 2 || rows.shape[0] != counts.Sum())
            throw new ArgumentException($"rows: expected [{counts.Sum()}, F] for '{nodeType}', got {TensorAssert.Shape(rows.shape)}.", nameof(rows));
        var g = counts.SelectMany((n, b) => Enumerable.Repeat((long)b, n)).ToArray();
        var i = counts.SelectMany(n => Enumerable.Range(0, n).Select(k => (long)k)).ToArray();
        var dense = full(new long[] { counts.Count, counts.Max(), rows.shape[1] }, fill, dtype: rows.dtype, device: rows.device);
        return dense.index_put_(rows, tensor(g, device: rows.device), tensor(i, device: rows.device));
    }

    /// <summary>Batch-global target node of each edge of <paramref name="relation"/>, in sparse edge order.</summary>
    public static long[] GlobalTargets(GraphBatch batch, Relation relation) =>
        GlobalEndpoints(batch, relation.Target, graph => graph.Edges(relation).Targets);

    /// <summary>Batch-global source node of each edge of <paramref name="relation"/>, in sparse edge order.</summary>
    public static long[] GlobalSources(GraphBatch batch, Relation relation) =>
        GlobalEndpoints(batch, relation.Source, graph => graph.Edges(relation).Sources);

    private static long[] GlobalEndpoints(GraphBatch batch, string nodeType, Func<HeteroGraph, int[]> endpoints)
    {
        var result = new List<long>();
        long offset = 0;
        foreach (var graph in batch.Graphs)
        {
            result.AddRange(endpoints(graph).Select(n => n + offset));
            offset += graph.NodeCount(nodeType);
        }
        return result.ToArray();
    }

    /// <summary>All node features of <paramref name="nodeType"/> over the batch, <c>[N_total, F]</c> in graph order, as float64.</summary>
    public static double[,] NodeFeatures(GraphBatch batch, string nodeType)
    {
        int f = batch.Schema.NodeType(nodeType).FeatureCount;
        var flat = batch.Graphs.SelectMany(g => g.NodeFeatureMatrix(nodeType)).Select(v => (double)v).ToArray();
        return SegmentReference.Matrix(flat, flat.Length / Math.Max(f, 1), f);
    }

    /// <summary>All edge features of <paramref name="relation"/> over the batch, <c>[E, Fe]</c> in sparse edge order, as float64.</summary>
    public static double[,] EdgeFeatures(GraphBatch batch, Relation relation)
    {
        int f = relation.EdgeFeatureCount;
        var flat = batch.Graphs.SelectMany(g => g.Edges(relation).Features).Select(v => (double)v).ToArray();
        int edges = batch.Graphs.Sum(g => g.Edges(relation).Count);
        return SegmentReference.Matrix(flat, edges, f);
    }
}
