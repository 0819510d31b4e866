using WirelessGnn.Problems.MddCellFree;

namespace WirelessGnn.Tests.Support;

/// <summary>
/// Hand-made MDD cell-free layouts with random but plausible noise-normalised values (independent of the sampler), for
/// tests of the objective and of the models: ω̃ around 10²–10⁴, υ̃ around 10⁻³–10², ξ̃ and β as at the spec's defaults.
/// </summary>
public static class MddInstances
{
    public static MddCellFreeInstance Random(int aps, int mss, int dl, int ul, int seed, bool clustered = false)
    {
        var rng = new System.Random(seed);
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        double LogU(double lo, double hi) => Math.Pow(10, U(Math.Log10(lo), Math.Log10(hi)));
        var apPos = new double[aps, 2];
        var msPos = new double[mss, 2];
        for (int i = 0; i < aps; i++) { apPos[i, 0] = U(0, 400); apPos[i, 1] = U(0, 400); }
        for (int i = 0; i < mss; i++) { msPos[i, 0] = U(0, 400); msPos[i, 1] = U(0, 400); }
        var omega = new double[aps, mss, dl];
        var upsilon = new double[aps, mss, ul];
        var betaApMs = new double[aps, mss];
        var serves = new bool[aps, mss];
        for (int l = 0; l < aps; l++)
            for (int d = 0; d < mss; d++)
            {
                betaApMs[l, d] = LogU(1e-13, 1e-8);
                for (int m = 0; m < dl; m++) omega[l, d, m] = LogU(1e2, 1e4);
                for (int m = 0; m < ul; m++) upsilon[l, d, m] = LogU(1e-3, 1e2);
                serves[l, d] = !clustered;
            }
        double[,] Beta(int n)
        {
            var b = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) b[i, j] = b[j, i] = LogU(1e-12, 1e-7);
            return b;
        }
        double[] Fill(int n, double value) => Enumerable.Repeat(value, n).ToArray();
        double noise = MddCellFreeConfig.DbmToW(-94);
        double[,,]? dlLeak = null, ulLeak = null;
        if (clustered)
        {
            // Each MS gets APs d, d + D, d + 2D, ...; leakage as with N = 1 (|h|² = ω̃² for the DL).
            for (int l = 0; l < aps; l++) serves[l, l % mss] = true;
            dlLeak = new double[aps, mss, dl];
            for (int l = 0; l < aps; l++)
                for (int d = 0; d < mss; d++)
                    for (int m = 0; m < dl; m++) dlLeak[l, d, m] = omega[l, d, m] * omega[l, d, m];
            ulLeak = new double[mss, mss, ul];
            for (int d = 0; d < mss; d++)
                for (int e = 0; e < mss; e++)
                    for (int m = 0; m < ul; m++) ulLeak[d, e, m] = d == e ? 0 : U(0, 2);
        }
        return new MddCellFreeInstance
        {
            Omega = omega, Upsilon = upsilon, BetaAp = Beta(aps), BetaMs = Beta(mss), BetaApMs = betaApMs,
            ApBudget = Fill(aps, 10), MsBudget = Fill(mss, 1),
            ApSelfInterference = Fill(aps, 1e-12 / noise), InterAp = Fill(aps, 6.31e-8 / noise),
            MsSelfInterference = Fill(mss, 1e-11 / noise), InterMs = Fill(mss, 6.31e-5 / noise),
            Serves = serves, DlLeakage = dlLeak, UlLeakage = ulLeak,
            ApPositions = apPos, MsPositions = msPos, DlQos = 0.5, UlQos = 0.1, Seed = seed,
        };
    }

    /// <summary>Random powers: AP totals up to about 1.5 budgets, MS up to about 1.5 budgets, some exactly zero.</summary>
    public static MddPowers RandomPowers(MddCellFreeInstance x, int seed)
    {
        var rng = new System.Random(seed);
        var p = MddPowers.Zero(x.Aps, x.Mss, x.DlSubcarriers, x.UlSubcarriers);
        for (int l = 0; l < x.Aps; l++)
            for (int d = 0; d < x.Mss; d++)
                for (int m = 0; m < x.DlSubcarriers; m++)
                    p.Ap[l, d, m] = x.Serves[l, d] && rng.NextDouble() > 0.1 ? rng.NextDouble() * 3 * x.ApBudget[l] / (x.Mss * x.DlSubcarriers) : 0;
        for (int d = 0; d < x.Mss; d++)
            for (int m = 0; m < x.UlSubcarriers; m++) p.Ms[d, m] = rng.NextDouble() * 3 * x.MsBudget[d] / x.UlSubcarriers;
        return p;
    }
}
