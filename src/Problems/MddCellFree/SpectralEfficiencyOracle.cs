namespace WirelessGnn.Problems.MddCellFree;

/// <summary>SINRs, per-MS rates and the SE of one layout under one power allocation (double precision).</summary>
/// <param name="DlSinr">SINR_dm <c>[D, M]</c>.</param>
/// <param name="UlSinr">SINR_dm̄ <c>[D, M̄]</c>.</param>
/// <param name="DlRate">R_d^DL = Σ_m ln(1 + SINR_dm), nats/s/Hz, <c>[D]</c>.</param>
/// <param name="UlRate">R_d^UL = Σ_m̄ ln(1 + SINR_dm̄), nats/s/Hz, <c>[D]</c>.</param>
/// <param name="SpectralEfficiency">Λ_SE = (Σ_d R_d^DL + R_d^UL) / M_sum, nats/s/Hz (eq. 8a).</param>
public sealed record SpectralEfficiencyResult(double[,] DlSinr, double[,] UlSinr, double[] DlRate, double[] UlRate, double SpectralEfficiency);

/// <summary>
/// The double-precision oracle of the MDD cell-free objective (spec §2.9–2.10, and §8 with multi-user leakage): plain
/// loops over the noise-normalised <see cref="MddCellFreeInstance"/>, written independently of the batched tensor
/// version that training uses, so that tests can hold one against the other. Powers on pairs an AP does not serve are
/// ignored. The pieces (denominators, amplitudes) are public because QT-SCA works with the SINRs in ratio form.
/// </summary>
public static class SpectralEfficiencyOracle
{
    public static SpectralEfficiencyResult Evaluate(MddCellFreeInstance x, MddPowers p)
    {
        int nd = x.Mss, m = x.DlSubcarriers, mb = x.UlSubcarriers;
        var dlDen = DlDenominator(x, p);
        var ulDen = UlDenominator(x, p);
        var dl = new double[nd, m];
        var ul = new double[nd, mb];
        var dlRate = new double[nd];
        var ulRate = new double[nd];
        double total = 0;
        for (int d = 0; d < nd; d++)
        {
            double ulGain = UlSignalGain(x, d);
            for (int k = 0; k < m; k++)
            {
                double a = DlAmplitude(x, p, d, k);
                dl[d, k] = a * a / dlDen[d, k];
                dlRate[d] += Math.Log(1 + dl[d, k]);
            }
            for (int k = 0; k < mb; k++)
            {
                ul[d, k] = ulGain * p.Ms[d, k] / ulDen[d, k];
                ulRate[d] += Math.Log(1 + ul[d, k]);
            }
            total += dlRate[d] + ulRate[d];
        }
        return new SpectralEfficiencyResult(dl, ul, dlRate, ulRate, total / x.Subcarriers);
    }

    public static double SpectralEfficiency(MddCellFreeInstance x, MddPowers p) => Evaluate(x, p).SpectralEfficiency;

    /// <summary>Coherent DL amplitude <c>a_dm = Σ_{l serves d} ω̃_ldm √p_ldm</c> (so SINR_dm = a²/denominator).</summary>
    public static double DlAmplitude(MddCellFreeInstance x, MddPowers p, int d, int m)
    {
        double a = 0;
        for (int l = 0; l < x.Aps; l++)
            if (x.Serves[l, d]) a += x.Omega[l, d, m] * Math.Sqrt(p.Ap[l, d, m]);
        return a;
    }

    /// <summary>UL signal gain at the CPU, <c>|𝓛_d|²</c> (ZF combiners with <c>w_ld^H h_ld = 1</c>, summed with equal weights).</summary>
    public static double UlSignalGain(MddCellFreeInstance x, int d)
    {
        int n = 0;
        for (int l = 0; l < x.Aps; l++) if (x.Serves[l, d]) n++;
        return (double)n * n;
    }

    /// <summary>
    /// DL denominator over σ², <c>[D, M]</c>: <c>B_d + MUI_dm</c> with
    /// <c>B_d = ξ̃SI_d T_d + (ξ̃IMI_d/M_sum) Σ_{d'≠d} β_dd' T_d' + 1</c> and <c>MUI_dm = Σ_l Σ_{d'≠d} p_ld'm leak_ldm</c>.
    /// </summary>
    public static double[,] DlDenominator(MddCellFreeInstance x, MddPowers p)
    {
        int nl = x.Aps, nd = x.Mss, m = x.DlSubcarriers;
        var ulPower = UlPowers(x, p);
        var den = new double[nd, m];
        for (int d = 0; d < nd; d++)
        {
            double imi = 0;
            for (int e = 0; e < nd; e++) if (e != d) imi += x.BetaMs[d, e] * ulPower[e];
            double b = x.MsSelfInterference[d] * ulPower[d] + x.InterMs[d] / x.Subcarriers * imi + 1;
            for (int k = 0; k < m; k++)
            {
                double mui = 0;
                if (x.DlLeakage is { } leak)
                    for (int l = 0; l < nl; l++)
                        for (int e = 0; e < nd; e++)
                            if (e != d && x.Serves[l, e]) mui += p.Ap[l, e, k] * leak[l, d, k];
                den[d, k] = b + mui;
            }
        }
        return den;
    }

    /// <summary>
    /// Residual interference at each AP over σ², <c>[L]</c>: <c>I_l = ξ̃SI_l Q_l + (ξ̃IAI_l/M_sum) Σ_{l'≠l} β_ll' Q_l'</c>,
    /// with <c>Q_l</c> AP l's DL power.
    /// </summary>
    public static double[] ApInterference(MddCellFreeInstance x, MddPowers p)
    {
        int nl = x.Aps;
        var q = DlPowers(x, p);
        var i = new double[nl];
        for (int l = 0; l < nl; l++)
        {
            double iai = 0;
            for (int k = 0; k < nl; k++) if (k != l) iai += x.BetaAp[l, k] * q[k];
            i[l] = x.ApSelfInterference[l] * q[l] + x.InterAp[l] / x.Subcarriers * iai;
        }
        return i;
    }

    /// <summary>
    /// UL denominator at the CPU, <c>[D, M̄]</c>: <c>Σ_{l serves d} υ̃_ldm̄ (I_l + 1) + Σ_{d'≠d} p_d'm̄ leak_dd'm̄</c>
    /// (so SINR_dm̄ = |𝓛_d|² p_dm̄ / denominator).
    /// </summary>
    public static double[,] UlDenominator(MddCellFreeInstance x, MddPowers p)
    {
        int nl = x.Aps, nd = x.Mss, mb = x.UlSubcarriers;
        var i = ApInterference(x, p);
        var den = new double[nd, mb];
        for (int d = 0; d < nd; d++)
            for (int k = 0; k < mb; k++)
            {
                double c = 0;
                for (int l = 0; l < nl; l++) if (x.Serves[l, d]) c += x.Upsilon[l, d, k] * (i[l] + 1);
                if (x.UlLeakage is { } leak)
                    for (int e = 0; e < nd; e++) if (e != d) c += p.Ms[e, k] * leak[d, e, k];
                den[d, k] = c;
            }
        return den;
    }

    /// <summary>DL power of each AP on the pairs it serves, <c>Q_l</c> <c>[L]</c>.</summary>
    public static double[] DlPowers(MddCellFreeInstance x, MddPowers p)
    {
        var q = new double[x.Aps];
        for (int l = 0; l < x.Aps; l++)
            for (int d = 0; d < x.Mss; d++)
                if (x.Serves[l, d])
                    for (int k = 0; k < x.DlSubcarriers; k++) q[l] += p.Ap[l, d, k];
        return q;
    }

    /// <summary>UL power of each MS, <c>T_d</c> <c>[D]</c>.</summary>
    public static double[] UlPowers(MddCellFreeInstance x, MddPowers p) => p.MsTotals();
}
