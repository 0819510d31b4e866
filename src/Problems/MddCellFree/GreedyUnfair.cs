namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// The paper's greedy unfair baseline (spec §4.3, A21): every AP and every MS water-fills its own budget over its own
/// subcarriers on noise-only gains, ignoring interference and QoS. In noise-normalised units:
/// <list type="bullet">
/// <item>AP l over every pair (d, m) it serves, gain <c>ω̃_ldm²</c> (Case 1: all D·M pairs; Case 2: its MS's M
/// subcarriers; an idle AP transmits nothing);</item>
/// <item>MS d over its M̄ UL subcarriers, gain <c>|𝓛_d|² / Σ_{l∈𝓛_d} υ̃_ldm̄</c> (the UL SNR per watt at the CPU).</item>
/// </list>
/// Evaluate the result with <see cref="SpectralEfficiencyOracle"/>, which includes all interference.
/// </summary>
public static class GreedyUnfair
{
    public static MddPowers Allocate(MddCellFreeInstance x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int nl = x.Aps, nd = x.Mss, m = x.DlSubcarriers, mb = x.UlSubcarriers;
        var p = MddPowers.Zero(nl, nd, m, mb);
        for (int l = 0; l < nl; l++)
        {
            var pairs = new List<(int D, int M)>();
            var gains = new List<double>();
            for (int d = 0; d < nd; d++)
                if (x.Serves[l, d])
                    for (int k = 0; k < m; k++)
                    {
                        pairs.Add((d, k));
                        gains.Add(x.Omega[l, d, k] * x.Omega[l, d, k]);
                    }
            var q = WaterFilling.Allocate(gains, x.ApBudget[l]);
            for (int i = 0; i < q.Length; i++) p.Ap[l, pairs[i].D, pairs[i].M] = q[i];
        }
        for (int d = 0; d < nd; d++)
        {
            var aps = x.ServingAps(d);
            var gains = new double[mb];
            for (int k = 0; k < mb; k++)
            {
                double energy = aps.Sum(l => x.Upsilon[l, d, k]);
                gains[k] = energy > 0 ? (double)aps.Length * aps.Length / energy : double.PositiveInfinity;
            }
            var q = WaterFilling.Allocate(gains, x.MsBudget[d]);
            for (int k = 0; k < mb; k++) p.Ms[d, k] = q[k];
        }
        return p;
    }
}
