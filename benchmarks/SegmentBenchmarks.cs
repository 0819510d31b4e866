using BenchmarkDotNet.Attributes;
using TorchSharp;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Benchmarks;

/// <summary>
/// Edge tensors of the downlink relation (AP -> MS, complete bipartite) in both layouts, holding the same numbers:
/// messages <c>[E, Hidden]</c> / <c>[B, N_ap, N_ms, Hidden]</c> and attention scores (one per edge)
/// <c>[E, 1]</c> / <c>[B, N_ap, N_ms, 1]</c>.
/// </summary>
internal static class EdgeTensors
{
    public const int ScoreWidth = 1;

    /// <summary>
    /// Draws a dense edge tensor and returns it in <paramref name="layout"/>. The sparse layout orders each graph's
    /// edges by (target, source) and stacks graphs, so it is the dense block with source and target swapped, flattened.
    /// </summary>
    public static Tensor Draw(GraphLayout layout, int graphs, int aps, int mss, int width, Generator generator, Device device)
    {
        using var scope = NewDisposeScope();
        var dense = randn(new long[] { graphs, aps, mss, width }, generator: generator);
        var result = layout == GraphLayout.Dense
            ? dense
            : dense.permute(0, 2, 1, 3).reshape((long)graphs * aps * mss, width).contiguous();
        return result.to(device).DetachFromDisposeScope();
    }
}

/// <summary>
/// The aggregation and the edge softmax of one complete bipartite relation through the layout-neutral
/// <see cref="RelationView"/> API, as a layer calls them: segment kernels (index_add, padded max) on the sparse
/// layout, masked reductions over the source axis on the dense layout. Like for like: same relation, same numbers.
/// </summary>
public class RelationViewBenchmarks : CellFreeLayoutBenchmark
{
    private RelationView _edges = null!;
    private Tensor _messages = null!, _scores = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildBatch();
        _edges = View.Relation(CellFreeGraphs.Downlink);
        using var generator = new Generator(Seed);
        _messages = EdgeTensors.Draw(Layout, GraphCount, APs, MSs, Hidden, generator, ComputeDevice);
        _scores = EdgeTensors.Draw(Layout, GraphCount, APs, MSs, EdgeTensors.ScoreWidth, generator, ComputeDevice);
        // The views build masks and padding orders on first use and keep them; build them here, unmeasured.
        using var scope = NewDisposeScope();
        Finish(_edges.Aggregate(_messages, Aggregation.Sum));
        Finish(_edges.Softmax(_scores));
    }

    /// <summary>Sum of the incoming messages of every MS: <c>[E, H] -> [N_ms, H]</c> / <c>[B, N_ap, N_ms, H] -> [B, N_ms, H]</c>.</summary>
    [Benchmark]
    public long AggregateSum()
    {
        using var scope = NewDisposeScope();
        return Finish(_edges.Aggregate(_messages, Aggregation.Sum));
    }

    /// <summary>Softmax of one score per edge over the incoming edges of every MS.</summary>
    [Benchmark]
    public long Softmax()
    {
        using var scope = NewDisposeScope();
        return Finish(_edges.Softmax(_scores));
    }

    /// <summary>Both results in target-major order <c>[graph, MS, ...]</c> (the sparse order), for <see cref="LayoutCheck"/>.</summary>
    internal (float[] Sum, float[] Softmax) Outputs()
    {
        using var scope = NewDisposeScope();
        var sum = _edges.Aggregate(_messages, Aggregation.Sum);
        var softmax = _edges.Softmax(_scores);
        if (Layout == GraphLayout.Dense) softmax = softmax.permute(0, 2, 1, 3);
        return (sum.cpu().contiguous().data<float>().ToArray(), softmax.cpu().contiguous().data<float>().ToArray());
    }

    protected override void ReleaseTensors()
    {
        _messages?.Dispose();
        _scores?.Dispose();
    }
}

/// <summary>
/// The raw sparse segment kernels (<see cref="SegmentIndex"/>) on the target index of the downlink relation: what the
/// sparse layout pays for scatter arithmetic, without the view around it.
/// </summary>
public class SegmentIndexBenchmarks : CellFreeBenchmark
{
    private SegmentIndex _segments = null!;
    private Tensor _messages = null!, _scores = null!, _perTarget = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildBatch();
        _segments = ((SparseRelationView)Batch.Sparse.Relation(CellFreeGraphs.Downlink)).Segments;
        using var generator = new Generator(Seed);
        _messages = EdgeTensors.Draw(GraphLayout.Sparse, GraphCount, APs, MSs, Hidden, generator, ComputeDevice);
        _scores = EdgeTensors.Draw(GraphLayout.Sparse, GraphCount, APs, MSs, EdgeTensors.ScoreWidth, generator, ComputeDevice);
        _perTarget = RandomNormal(new[] { _segments.SegmentCount, (long)Hidden }, Seed + 1);
        using var scope = NewDisposeScope();
        Finish(_segments.Softmax(_scores));   // builds the padding order that Max and Softmax keep
    }

    /// <summary>index_add of <c>[E, H]</c> into <c>[N_ms, H]</c>.</summary>
    [Benchmark]
    public long SegmentSum()
    {
        using var scope = NewDisposeScope();
        return Finish(_segments.Sum(_messages));
    }

    /// <summary>Padded per-segment max of <c>[E, H]</c> (index_put into <c>[N_ms, max degree, H]</c>, then amax).</summary>
    [Benchmark]
    public long SegmentMax()
    {
        using var scope = NewDisposeScope();
        return Finish(_segments.Max(_messages));
    }

    /// <summary>Stable segment softmax of <c>[E, 1]</c> scores (max, gather, exp, sum, gather, divide).</summary>
    [Benchmark]
    public long SegmentSoftmax()
    {
        using var scope = NewDisposeScope();
        return Finish(_segments.Softmax(_scores));
    }

    /// <summary>index_select of per-target rows <c>[N_ms, H]</c> onto the edges <c>[E, H]</c>.</summary>
    [Benchmark]
    public long SegmentGather()
    {
        using var scope = NewDisposeScope();
        return Finish(_segments.Gather(_perTarget));
    }

    protected override void ReleaseTensors()
    {
        _messages?.Dispose();
        _scores?.Dispose();
        _perTarget?.Dispose();
    }
}
