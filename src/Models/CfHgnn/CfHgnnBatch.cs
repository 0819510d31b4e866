using WirelessGnn.Graphs;
using WirelessGnn.Problems.MddCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Models.CfHgnn;

/// <summary>A batch of MDD cell-free layouts: their graphs, the objective's tensors and the output decoder's slots.</summary>
public sealed class CfHgnnBatch : IDisposable
{
    public required GraphBatch Graphs { get; init; }
    /// <summary>The layouts for the objective (float32, zero-padded).</summary>
    public required MddCellFreeTensors Problem { get; init; }
    /// <summary>
    /// Paper variant: where each <c>p_ldm</c> sits in AP l's output vector, <c>[B, L, D·M]</c> (int64; the last slot reads
    /// a zero). Null for the equivariant variant, whose DL powers come per AP–MS edge.
    /// </summary>
    public Tensor? ApSlots { get; init; }
    /// <summary>The loss's penalty weights κ1..κ4, for the penalised validation metric.</summary>
    public required double[] Kappa { get; init; }

    public void Dispose()
    {
        Graphs.Dispose();
        Problem.Dispose();
        ApSlots?.Dispose();
    }
}
