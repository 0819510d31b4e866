using WirelessGnn.Graphs;
using WirelessGnn.Problems.UltraDenseHetNet;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>A batch of HUDN scenes: their graphs, the objective's tensors and each UE's candidate slots.</summary>
public sealed class HbgnnBatch : IDisposable
{
    public required IReadOnlyList<HetNetScene> Scenes { get; init; }
    public required GraphBatch Graphs { get; init; }
    /// <summary>Noise-normalised gains <c>g/σ²</c> per watt <c>[B, I, J]</c>, zero-padded.</summary>
    public required Tensor GainOverNoise { get; init; }
    /// <summary>p_max,j in watts <c>[B, J]</c>, zero on padding.</summary>
    public required Tensor MaxPower { get; init; }
    /// <summary>1 on real UEs <c>[B, I]</c>.</summary>
    public required Tensor UeMask { get; init; }
    /// <summary>BS index of each UE's k-th candidate <c>[B, I, K]</c> (int64; 0 on unused slots).</summary>
    public required Tensor CandidateBs { get; init; }
    /// <summary>1 on used candidate slots <c>[B, I, K]</c>.</summary>
    public required Tensor CandidateMask { get; init; }
    public required SinrMode SinrMode { get; init; }
    public required bool SilenceIdleBs { get; init; }

    public long Ues => GainOverNoise.shape[1];
    public long Bss => GainOverNoise.shape[2];

    public void Dispose()
    {
        Graphs.Dispose();
        GainOverNoise.Dispose();
        MaxPower.Dispose();
        UeMask.Dispose();
        CandidateBs.Dispose();
        CandidateMask.Dispose();
    }
}
