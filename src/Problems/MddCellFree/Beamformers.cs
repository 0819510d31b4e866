using System.Numerics;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// Explicit per-AP beamforming vectors of one layout, the input of <see cref="GeneralSinr"/>: DL precoders
/// <c>f_ld[m]</c> <c>[L, D, M, N]</c> and UL combiners <c>w_ld[m̄]</c> <c>[L, D, M̄, N]</c>. A zero vector means AP l does
/// not serve MS d: no DL signal for d leaves l, and the CPU does not combine l's estimate for d.
/// </summary>
public sealed record Beamformers(Complex[,,,] Precoders, Complex[,,,] Combiners)
{
    /// <summary>Case 1 (spec §2.8): per AP and subcarrier, unit-norm ZF precoders and unnormalised ZF combiners over all D MSs.</summary>
    public static Beamformers FromZeroForcing(MddCellFreeLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int nl = layout.Aps, nd = layout.Mss, n = layout.Antennas, m = layout.DlSubcarriers, mb = layout.UlSubcarriers;
        var f = new Complex[nl, nd, m, n];
        var w = new Complex[nl, nd, mb, n];
        for (int l = 0; l < nl; l++)
        {
            for (int k = 0; k < m; k++) Put(f, l, k, ZeroForcing.Precoders(layout.ApChannels(l, layout.Bins.Dl[k])));
            for (int k = 0; k < mb; k++) Put(w, l, k, ZeroForcing.Combiners(layout.ApChannels(l, layout.Bins.Ul[k])));
        }
        return new Beamformers(f, w);
    }

    /// <summary>
    /// Case 2 (spec §8): AP l serves only the MSs with <c>serves[l, d]</c>, each with its single-user ZF vectors
    /// <c>f_ld = h_ld/‖h_ld‖</c> and <c>w_ld = h_ld/‖h_ld‖²</c>; zero vectors elsewhere.
    /// </summary>
    public static Beamformers FromClusters(MddCellFreeLayout layout, bool[,] serves)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(serves);
        int nl = layout.Aps, nd = layout.Mss, n = layout.Antennas, m = layout.DlSubcarriers, mb = layout.UlSubcarriers;
        if (serves.GetLength(0) != nl || serves.GetLength(1) != nd)
            throw new ArgumentException($"serves: shape [{serves.GetLength(0)}, {serves.GetLength(1)}]; expected [{nl}, {nd}].", nameof(serves));
        var f = new Complex[nl, nd, m, n];
        var w = new Complex[nl, nd, mb, n];
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
            {
                if (!serves[l, d]) continue;
                for (int k = 0; k < m; k++)
                {
                    var h = layout.DlChannel(l, d, k);
                    double norm = Math.Sqrt(Energy(h));
                    for (int a = 0; a < n; a++) f[l, d, k, a] = h[a] / norm;
                }
                for (int k = 0; k < mb; k++)
                {
                    var h = layout.UlChannel(l, d, k);
                    double energy = Energy(h);
                    for (int a = 0; a < n; a++) w[l, d, k, a] = h[a] / energy;
                }
            }
        return new Beamformers(f, w);
    }

    private static void Put(Complex[,,,] target, int l, int k, Complex[][] vectors)
    {
        for (int d = 0; d < vectors.Length; d++)
            for (int a = 0; a < vectors[d].Length; a++) target[l, d, k, a] = vectors[d][a];
    }

    private static double Energy(Complex[] h) => h.Sum(c => c.Real * c.Real + c.Imaginary * c.Imaginary);
}
