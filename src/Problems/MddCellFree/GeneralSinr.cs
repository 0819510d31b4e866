using System.Numerics;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// The general SINRs of spec §2.6–2.7, in physical units, from explicit complex vectors: channels from the layout,
/// precoders and combiners from <see cref="Beamformers"/>. It keeps every term the closed form drops or folds: the
/// coherent DL sum <c>|Σ_l √p_ldm h_ld^H f_ld|²</c>, the DL multi-user interference
/// <c>Σ_l Σ_{d'≠d} p_ld'm |h_ld^H f_ld'|²</c>, the UL signal <c>p_dm̄ |Σ_l w_ld^H h_ld|²</c> and multi-user interference
/// <c>Σ_{d'≠d} p_d'm̄ |Σ_l w_ld^H h_ld'|²</c> after the CPU's equal-weight sum, and the residual SI/IMI at the MS and
/// SI/IAI at the AP (with the AP's transmit power <c>Σ p ‖f‖²</c>) weighted by <c>‖w_ld‖²</c>. Written independently of
/// <see cref="SpectralEfficiencyOracle"/>, so that tests can hold the closed forms (ZF, clusters) against it.
/// </summary>
public static class GeneralSinr
{
    public static SpectralEfficiencyResult Evaluate(MddCellFreeLayout layout, MddCellFreeConfig config, Beamformers beamformers, MddPowers powers)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(beamformers);
        ArgumentNullException.ThrowIfNull(powers);
        int nl = layout.Aps, nd = layout.Mss, n = layout.Antennas, m = layout.DlSubcarriers, mb = layout.UlSubcarriers;
        double total = layout.Subcarriers;
        if (beamformers.Precoders.GetLength(0) != nl || beamformers.Precoders.GetLength(1) != nd || beamformers.Precoders.GetLength(2) != m || beamformers.Precoders.GetLength(3) != n)
            throw new ArgumentException($"beamformers.precoders: expected [{nl}, {nd}, {m}, {n}].", nameof(beamformers));
        if (beamformers.Combiners.GetLength(0) != nl || beamformers.Combiners.GetLength(1) != nd || beamformers.Combiners.GetLength(2) != mb || beamformers.Combiners.GetLength(3) != n)
            throw new ArgumentException($"beamformers.combiners: expected [{nl}, {nd}, {mb}, {n}].", nameof(beamformers));
        if (powers.Ap.GetLength(0) != nl || powers.Ap.GetLength(1) != nd || powers.Ap.GetLength(2) != m || powers.Ms.GetLength(0) != nd || powers.Ms.GetLength(1) != mb)
            throw new ArgumentException($"powers: expected ap [{nl}, {nd}, {m}] and ms [{nd}, {mb}].", nameof(powers));

        double noise = config.NoiseW;
        double xiSiAp = MddCellFreeConfig.DbToLinear(config.ApSelfInterferenceDb), xiIai = MddCellFreeConfig.DbToLinear(config.InterApDb);
        double xiSiMs = MddCellFreeConfig.DbToLinear(config.MsSelfInterferenceDb), xiImi = MddCellFreeConfig.DbToLinear(config.InterMsDb);
        var f = beamformers.Precoders;
        var w = beamformers.Combiners;

        // Residual interference at the MSs (var z^SI + var z^IMI) and at the APs (per unit ‖w‖²).
        var ulTotal = new double[nd];
        for (int d = 0; d < nd; d++)
            for (int k = 0; k < mb; k++) ulTotal[d] += powers.Ms[d, k];
        var msResidual = new double[nd];
        for (int d = 0; d < nd; d++)
        {
            double imi = 0;
            for (int e = 0; e < nd; e++) if (e != d) imi += layout.BetaMs[d, e] * ulTotal[e];
            msResidual[d] = xiSiMs * ulTotal[d] + xiImi / total * imi;
        }
        var apTransmit = new double[nl];
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
                for (int k = 0; k < m; k++) apTransmit[l] += powers.Ap[l, d, k] * Energy(f, l, d, k, n);
        var apResidual = new double[nl];
        for (int l = 0; l < nl; l++)
        {
            double iai = 0;
            for (int j = 0; j < nl; j++) if (j != l) iai += layout.BetaAp[l, j] * apTransmit[j];
            apResidual[l] = xiSiAp * apTransmit[l] + xiIai / total * iai;
        }

        var dl = new double[nd, m];
        var ul = new double[nd, mb];
        var dlRate = new double[nd];
        var ulRate = new double[nd];
        double sum = 0;
        for (int d = 0; d < nd; d++)
        {
            for (int k = 0; k < m; k++)
            {
                int bin = layout.Bins.Dl[k];
                Complex signal = 0;
                double mui = 0;
                for (int l = 0; l < nl; l++)
                {
                    signal += Math.Sqrt(powers.Ap[l, d, k]) * ChannelInner(layout, l, d, bin, f, l, d, k, n);
                    for (int e = 0; e < nd; e++)
                        if (e != d) mui += powers.Ap[l, e, k] * Norm2(ChannelInner(layout, l, d, bin, f, l, e, k, n));
                }
                dl[d, k] = Norm2(signal) / (mui + msResidual[d] + noise);
                dlRate[d] += Math.Log(1 + dl[d, k]);
            }
            for (int k = 0; k < mb; k++)
            {
                int bin = layout.Bins.Ul[k];
                double residual = 0;
                for (int l = 0; l < nl; l++) residual += Energy(w, l, d, k, n) * (apResidual[l] + noise);
                double signal = 0, mui = 0;
                for (int e = 0; e < nd; e++)
                {
                    Complex s = 0;
                    for (int l = 0; l < nl; l++) s += Complex.Conjugate(ChannelInner(layout, l, e, bin, w, l, d, k, n));
                    if (e == d) signal = powers.Ms[d, k] * Norm2(s);
                    else mui += powers.Ms[e, k] * Norm2(s);
                }
                ul[d, k] = signal / (mui + residual);
                ulRate[d] += Math.Log(1 + ul[d, k]);
            }
            sum += dlRate[d] + ulRate[d];
        }
        return new SpectralEfficiencyResult(dl, ul, dlRate, ulRate, sum / total);
    }

    /// <summary><c>h_ld[bin]^H v</c> for the vector v = <paramref name="vectors"/>[l', d', k, :].</summary>
    private static Complex ChannelInner(MddCellFreeLayout layout, int l, int d, int bin, Complex[,,,] vectors, int lv, int dv, int k, int n)
    {
        Complex s = 0;
        for (int a = 0; a < n; a++) s += Complex.Conjugate(layout.Channels[l, d, a, bin]) * vectors[lv, dv, k, a];
        return s;
    }

    private static double Energy(Complex[,,,] v, int l, int d, int k, int n)
    {
        double s = 0;
        for (int a = 0; a < n; a++) s += Norm2(v[l, d, k, a]);
        return s;
    }

    private static double Norm2(Complex c) => c.Real * c.Real + c.Imaginary * c.Imaginary;
}
