namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// The analytic gradient of spec §2.10 of the weighted sum rate
/// <c>J = Σ_{d,m} w_dm ln(1+S_dm) + Σ_{d,m̄} w_dm̄ ln(1+S_dm̄)</c> (with <c>w ≡ 1/M_sum</c>, J = Λ_SE) with respect to every
/// power, in the noise-normalised units of <see cref="MddCellFreeInstance"/> (W⁻¹, since the powers are in W). With
/// <c>G_l = −Σ_{d: l serves d, m̄} w_dm̄ S_dm̄ υ̃_ldm̄ / ((1+S_dm̄) C_dm̄)</c> and
/// <c>H_d = −Σ_m w_dm S_dm / ((1+S_dm) B_dm)</c>:
/// <list type="bullet">
/// <item><c>∂J/∂p_ldm = w_dm a_dm ω̃_ldm / ((1+S_dm) B_dm √p_ldm) + ξ̃SI_l G_l + Σ_{l''≠l} (ξ̃IAI_l''/M_sum) β_l''l G_l''</c>
/// for the pairs AP l serves (0 elsewhere: those powers do not enter J);</item>
/// <item><c>∂J/∂p_dm̄ = w_dm̄ |𝓛_d|² / ((1+S_dm̄) C_dm̄) + ξ̃SI_d H_d + Σ_{d''≠d} (ξ̃IMI_d''/M_sum) β_d''d H_d''</c>.</item>
/// </list>
/// Case 2 instances (with leakage) add the multi-user terms: <c>Σ_{d'≠d} h_d'm leak_ld'm</c> to <c>∂J/∂p_ldm</c> with
/// <c>h_dm = −w_dm S_dm/((1+S_dm) B_dm)</c>, and <c>Σ_{d'≠d} g_d'm̄ leak_d'dm̄</c> to <c>∂J/∂p_dm̄</c> with
/// <c>g_dm̄ = −w_dm̄ S_dm̄/((1+S_dm̄) C_dm̄)</c>. The denominators B, C are those of <see cref="SpectralEfficiencyOracle"/>.
/// At <c>p_ldm = 0</c> the first DL term is +∞ when the other APs already send to (d, m) (spec A15); when none does it is
/// the one-sided limit <c>w_dm ω̃²_ldm / B_dm</c>.
/// </summary>
public static class SpectralEfficiencyGradient
{
    /// <param name="dlWeights">w_dm <c>[D, M]</c>; null: 1/M_sum.</param>
    /// <param name="ulWeights">w_dm̄ <c>[D, M̄]</c>; null: 1/M_sum.</param>
    public static MddPowers Compute(MddCellFreeInstance x, MddPowers p, double[,]? dlWeights = null, double[,]? ulWeights = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(p);
        int nl = x.Aps, nd = x.Mss, m = x.DlSubcarriers, mb = x.UlSubcarriers;
        double total = x.Subcarriers;
        if (p.Ap.GetLength(0) != nl || p.Ap.GetLength(1) != nd || p.Ap.GetLength(2) != m || p.Ms.GetLength(0) != nd || p.Ms.GetLength(1) != mb)
            throw new ArgumentException($"powers: expected ap [{nl}, {nd}, {m}] and ms [{nd}, {mb}].", nameof(p));
        if (dlWeights is not null && (dlWeights.GetLength(0) != nd || dlWeights.GetLength(1) != m))
            throw new ArgumentException($"dlWeights: shape [{dlWeights.GetLength(0)}, {dlWeights.GetLength(1)}]; expected [{nd}, {m}].", nameof(dlWeights));
        if (ulWeights is not null && (ulWeights.GetLength(0) != nd || ulWeights.GetLength(1) != mb))
            throw new ArgumentException($"ulWeights: shape [{ulWeights.GetLength(0)}, {ulWeights.GetLength(1)}]; expected [{nd}, {mb}].", nameof(ulWeights));
        double Wdl(int d, int k) => dlWeights?[d, k] ?? 1 / total;
        double Wul(int d, int k) => ulWeights?[d, k] ?? 1 / total;

        var dlDen = SpectralEfficiencyOracle.DlDenominator(x, p);
        var ulDen = SpectralEfficiencyOracle.UlDenominator(x, p);
        var amp = new double[nd, m];
        var hDl = new double[nd, m]; // ∂J/∂B_dm
        var gUl = new double[nd, mb]; // ∂J/∂C_dm̄
        var ulFactor = new double[nd, mb]; // w/((1+S) C)
        for (int d = 0; d < nd; d++)
        {
            for (int k = 0; k < m; k++)
            {
                double a = SpectralEfficiencyOracle.DlAmplitude(x, p, d, k);
                double s = a * a / dlDen[d, k];
                amp[d, k] = a;
                hDl[d, k] = -Wdl(d, k) * s / ((1 + s) * dlDen[d, k]);
            }
            double gain = SpectralEfficiencyOracle.UlSignalGain(x, d);
            for (int k = 0; k < mb; k++)
            {
                double s = gain * p.Ms[d, k] / ulDen[d, k];
                ulFactor[d, k] = Wul(d, k) / ((1 + s) * ulDen[d, k]);
                gUl[d, k] = -ulFactor[d, k] * s;
            }
        }

        var apG = new double[nl];
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
                if (x.Serves[l, d])
                    for (int k = 0; k < mb; k++) apG[l] += gUl[d, k] * x.Upsilon[l, d, k];
        var apCoupling = new double[nl]; // ∂J/∂Q_l
        for (int l = 0; l < nl; l++)
        {
            double s = x.ApSelfInterference[l] * apG[l];
            for (int j = 0; j < nl; j++) if (j != l) s += x.InterAp[j] / total * x.BetaAp[j, l] * apG[j];
            apCoupling[l] = s;
        }
        var msH = new double[nd];
        for (int d = 0; d < nd; d++)
            for (int k = 0; k < m; k++) msH[d] += hDl[d, k];
        var msCoupling = new double[nd]; // ∂J/∂T_d through the DL denominators
        for (int d = 0; d < nd; d++)
        {
            double s = x.MsSelfInterference[d] * msH[d];
            for (int e = 0; e < nd; e++) if (e != d) s += x.InterMs[e] / total * x.BetaMs[e, d] * msH[e];
            msCoupling[d] = s;
        }

        var grad = MddPowers.Zero(nl, nd, m, mb);
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
            {
                if (!x.Serves[l, d]) continue;
                for (int k = 0; k < m; k++)
                {
                    double omega = x.Omega[l, d, k], power = p.Ap[l, d, k], a = amp[d, k];
                    double s = a * a / dlDen[d, k];
                    double signal = power > 0 ? Wdl(d, k) * a * omega / ((1 + s) * dlDen[d, k] * Math.Sqrt(power))
                        : a > 0 && omega > 0 ? double.PositiveInfinity
                        : Wdl(d, k) * omega * omega / dlDen[d, k];
                    double mui = 0;
                    if (x.DlLeakage is { } leak)
                        for (int e = 0; e < nd; e++) if (e != d) mui += hDl[e, k] * leak[l, e, k];
                    grad.Ap[l, d, k] = signal + mui + apCoupling[l];
                }
            }
        for (int d = 0; d < nd; d++)
        {
            double gain = SpectralEfficiencyOracle.UlSignalGain(x, d);
            for (int k = 0; k < mb; k++)
            {
                double mui = 0;
                if (x.UlLeakage is { } leak)
                    for (int e = 0; e < nd; e++) if (e != d) mui += gUl[e, k] * leak[e, d, k];
                grad.Ms[d, k] = ulFactor[d, k] * gain + msCoupling[d] + mui;
            }
        }
        return grad;
    }
}
