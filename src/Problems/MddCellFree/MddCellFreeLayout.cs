using System.Numerics;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// One drawn layout in physical units (spec §2.3–2.4): positions, large-scale fading of every node pair, the U-tap
/// channel impulse responses of every AP antenna–MS link and their frequency responses on all M_sum FFT bins. The
/// <see cref="MddCellFreeSampler"/> turns it into the noise-normalised <see cref="MddCellFreeInstance"/>; tests and the
/// Case 2 construction read the complex channels from here. Indices from 0: AP l, MS d, antenna n, tap u, bin k.
/// </summary>
public sealed record MddCellFreeLayout
{
    /// <summary>The seed of this layout's generator.</summary>
    public required int Seed { get; init; }
    /// <summary>AP positions in metres, <c>[L, 2]</c>.</summary>
    public required double[,] ApPositions { get; init; }
    /// <summary>MS positions in metres, <c>[D, 2]</c>.</summary>
    public required double[,] MsPositions { get; init; }
    /// <summary>Large-scale fading AP–MS β_ld (linear), <c>[L, D]</c>.</summary>
    public required double[,] BetaApMs { get; init; }
    /// <summary>Large-scale fading AP–AP β_ll' (linear, symmetric, diagonal 0), <c>[L, L]</c>.</summary>
    public required double[,] BetaAp { get; init; }
    /// <summary>Large-scale fading MS–MS β_dd' (linear, symmetric, diagonal 0), <c>[D, D]</c>.</summary>
    public required double[,] BetaMs { get; init; }
    /// <summary>CIR taps <c>g_ld^n[u] = √(β_ld/U)·α</c>, α ~ CN(0,1), <c>[L, D, N, U]</c>.</summary>
    public required Complex[,,,] Taps { get; init; }
    /// <summary>Frequency responses <c>h_ld^n[k] = M_sum^{-1/2} Σ_u g_ld^n[u] e^{−j2πku/M_sum}</c> (unitary DFT), <c>[L, D, N, M_sum]</c>.</summary>
    public required Complex[,,,] Channels { get; init; }
    /// <summary>FFT bins of the DL and UL subcarriers.</summary>
    public required SubcarrierBins Bins { get; init; }

    public int Aps => BetaApMs.GetLength(0);
    public int Mss => BetaApMs.GetLength(1);
    public int Antennas => Channels.GetLength(2);
    public int Subcarriers => Channels.GetLength(3);
    public int DlSubcarriers => Bins.Dl.Length;
    public int UlSubcarriers => Bins.Ul.Length;

    /// <summary>The N-vector <c>h_ld[k]</c> on FFT bin <paramref name="bin"/>.</summary>
    public Complex[] Channel(int l, int d, int bin)
    {
        var h = new Complex[Antennas];
        for (int n = 0; n < h.Length; n++) h[n] = Channels[l, d, n, bin];
        return h;
    }

    /// <summary><c>h_ld[m]</c> on DL subcarrier <paramref name="m"/>, <c>[N]</c>.</summary>
    public Complex[] DlChannel(int l, int d, int m) => Channel(l, d, Bins.Dl[m]);

    /// <summary><c>h_ld[m̄]</c> on UL subcarrier <paramref name="mb"/>, <c>[N]</c>.</summary>
    public Complex[] UlChannel(int l, int d, int mb) => Channel(l, d, Bins.Ul[mb]);

    /// <summary>The channels of every MS at AP l on one bin, rows <c>h_ld</c>: the input of <see cref="ZeroForcing"/>, <c>[D][N]</c>.</summary>
    public Complex[][] ApChannels(int l, int bin) => Enumerable.Range(0, Mss).Select(d => Channel(l, d, bin)).ToArray();
}
