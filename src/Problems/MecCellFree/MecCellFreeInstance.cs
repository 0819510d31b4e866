using System.Numerics;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>
/// One channel realisation of the MEC-aided cell-free downlink: the geometry and every channel
/// <c>H^b_{n,i} ∈ C^{M_t×M_r}</c> (spec §2.2) as a dimensionless complex amplitude gain, indexed
/// <c>[b, n, i, m_t, m_r]</c> from 0. The budgets, noise and minimum rate are the config's.
/// </summary>
public sealed record MecCellFreeInstance
{
    /// <summary>Channels <c>[B, N, I, M_t, M_r]</c>.</summary>
    public required Complex[,,,,] Channel { get; init; }
    /// <summary>SBS coordinates, m, <c>[B, 2]</c>.</summary>
    public required double[,] SbsPositions { get; init; }
    /// <summary>User coordinates, m, <c>[I, 2]</c>.</summary>
    public required double[,] UserPositions { get; init; }
    /// <summary>Whether link (b, i) is line of sight, <c>[B, I]</c>.</summary>
    public required bool[,] LineOfSight { get; init; }
    /// <summary>Path loss plus shadow fading of link (b, i), dB, <c>[B, I]</c>; <c>E|G_kl|² = 10^{−loss/10}</c>.</summary>
    public required double[,] LargeScaleLossDb { get; init; }
    /// <summary>Seed this realisation was drawn with (−1 when built by hand).</summary>
    public int Seed { get; init; } = -1;

    public int Sbss => Channel.GetLength(0);
    public int Subcarriers => Channel.GetLength(1);
    public int Users => Channel.GetLength(2);
    public int TxAntennas => Channel.GetLength(3);
    public int RxAntennas => Channel.GetLength(4);

    /// <summary>2-D distance between SBS <paramref name="b"/> and user <paramref name="i"/>, m.</summary>
    public double Distance(int b, int i)
    {
        double dx = SbsPositions[b, 0] - UserPositions[i, 0], dy = SbsPositions[b, 1] - UserPositions[i, 1];
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
