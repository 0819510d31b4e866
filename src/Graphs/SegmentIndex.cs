using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Graphs;

/// <summary>
/// Segment kernels over an index: rows of a source tensor <c>[E, ...]</c> belong to segments given by
/// <c>index [E]</c> (int64 in [0, S)), and are reduced per segment to <c>[S, ...]</c>. This is the one place that does
/// scatter arithmetic. TorchSharp 0.107 has <c>index_add</c> but no <c>scatter_reduce</c>: max is computed on a
/// padded <c>[S, maxDegree, ...]</c> layout built once per index, softmax subtracts the (detached) segment max.
/// All kernels are differentiable with respect to the source. An empty segment reduces to 0.
/// </summary>
/// <remarks>Built once per graph batch and reused every step: its tensors are detached from dispose scopes and
/// released by <see cref="Dispose"/>. The <see cref="Index"/> tensor passed in is not owned.</remarks>
public sealed class SegmentIndex : IDisposable
{
    private Tensor? _order, _sortedIndex, _position;
    private long _maxDegree = -1;
    private bool _disposed;

    /// <param name="index">Segment of each row, <c>[E]</c>, int64 in [0, <paramref name="segmentCount"/>).</param>
    /// <param name="segmentCount">Number of segments S (may exceed the largest index: trailing empty segments).</param>
    public SegmentIndex(Tensor index, long segmentCount)
    {
        if (index.dim() != 1) throw new ArgumentException($"index: expected a 1-D tensor [E], got shape [{string.Join(", ", index.shape)}].", nameof(index));
        if (index.dtype != ScalarType.Int64) throw new ArgumentException($"index: expected int64, got {index.dtype}.", nameof(index));
        if (segmentCount < 0) throw new ArgumentOutOfRangeException(nameof(segmentCount), segmentCount, "segmentCount must be >= 0.");
        if (index.shape[0] > 0)
        {
            long min = index.min().item<long>(), max = index.max().item<long>();
            if (min < 0 || max >= segmentCount)
                throw new ArgumentOutOfRangeException(nameof(index), $"index values span [{min}, {max}]; expected values in [0, {segmentCount - 1}].");
        }
        Index = index;
        SegmentCount = segmentCount;
        using var scope = NewDisposeScope();
        Counts = zeros(segmentCount, dtype: int64, device: index.device)
            .index_add(0, index, ones_like(index), 1).DetachFromDisposeScope();
    }

    /// <summary>Segment of each row, <c>[E]</c>.</summary>
    public Tensor Index { get; }
    /// <summary>S, the number of segments.</summary>
    public long SegmentCount { get; }
    /// <summary>Rows per segment, <c>[S]</c> int64.</summary>
    public Tensor Counts { get; }

    /// <summary>Per-segment sum: <c>[E, ...] -> [S, ...]</c>.</summary>
    public Tensor Sum(Tensor source)
    {
        CheckSource(source);
        var shape = source.shape.ToArray();
        shape[0] = SegmentCount;
        return zeros(shape, dtype: source.dtype, device: source.device).index_add(0, Index, source, 1);
    }

    /// <summary>Per-segment mean: <c>[E, ...] -> [S, ...]</c>; empty segments give 0.</summary>
    public Tensor Mean(Tensor source)
    {
        var sum = Sum(source);
        return sum / Broadcastable(Counts.clamp_min(1).to(source.dtype), sum.dim());
    }

    /// <summary>Per-segment maximum: <c>[E, ...] -> [S, ...]</c>; empty segments give 0. The gradient goes to the arg max.</summary>
    public Tensor Max(Tensor source)
    {
        CheckSource(source);
        EnsurePadding();
        var shape = source.shape.ToArray();
        var padded = full(new long[] { SegmentCount, Math.Max(_maxDegree, 1) }.Concat(shape.Skip(1)).ToArray(),
            double.NegativeInfinity, dtype: source.dtype, device: source.device);
        padded.index_put_(source.index_select(0, _order!), _sortedIndex!, _position!);
        var max = padded.amax(new long[] { 1 });
        var nonEmpty = Broadcastable(Counts > 0, max.dim());
        return where(nonEmpty, max, zeros_like(max));
    }

    /// <summary>
    /// Softmax over the rows of each segment: <c>[E, ...] -> [E, ...]</c>. Stable for inputs spanning ±1e4 (the
    /// segment max is subtracted first; softmax is shift-invariant, so the max is detached).
    /// </summary>
    public Tensor Softmax(Tensor source)
    {
        var shift = Max(source.detach()).index_select(0, Index);
        var exp = (source - shift).exp();
        return exp / Sum(exp).index_select(0, Index);
    }

    /// <summary>Per-row copy of a per-segment tensor: <c>[S, ...] -> [E, ...]</c>.</summary>
    public Tensor Gather(Tensor perSegment) => perSegment.index_select(0, Index);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Counts.Dispose();
        _order?.Dispose(); _sortedIndex?.Dispose(); _position?.Dispose();
    }

    private void CheckSource(Tensor source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (source.dim() < 1 || source.shape[0] != Index.shape[0])
            throw new ArgumentException($"source: expected {Index.shape[0]} rows (one per index entry), got shape [{string.Join(", ", source.shape)}].", nameof(source));
    }

    /// <summary>Sorted order, segment and slot of each row in the padded layout; computed once.</summary>
    private void EnsurePadding()
    {
        if (_maxDegree >= 0) return;
        using var scope = NewDisposeScope();
        var (sorted, order) = Index.sort(stable: true);
        var start = Counts.cumsum(0) - Counts;
        var position = arange(Index.shape[0], dtype: int64, device: Index.device) - start.index_select(0, sorted);
        _order = order.DetachFromDisposeScope();
        _sortedIndex = sorted.DetachFromDisposeScope();
        _position = position.DetachFromDisposeScope();
        _maxDegree = Index.shape[0] == 0 ? 0 : Counts.max().item<long>();
    }

    private static Tensor Broadcastable(Tensor perSegment, long dims)
    {
        var t = perSegment;
        for (long d = 1; d < dims; d++) t = t.unsqueeze(-1);
        return t;
    }
}
