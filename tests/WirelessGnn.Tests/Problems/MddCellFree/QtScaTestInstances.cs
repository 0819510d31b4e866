using System.Numerics;
using MathNet.Numerics.Distributions;
using WirelessGnn.Problems.MddCellFree;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// Hand-built, random but plausible noise-normalised MDD cell-free layouts for the QT-SCA tests (the real sampler lives
/// elsewhere): uniform positions in a square, the spec's path loss with 4 dB shadowing, Table I budgets and residual
/// levels, σ² = −94 dBm. Case 1 draws the ZF gains from their distributions (|ω|² ~ β/M_sum · Gamma(N−D+1), and υ as the
/// inverse of an independent such draw); Case 2 (N = 1) draws complex channels h ~ CN(0, β/M_sum) and derives ω, υ and
/// the multi-user leakage from them, with a simple clustering (each MS its best free AP, then each idle AP its best MS).
/// </summary>
internal static class QtScaTestInstances
{
    public const double NoiseW = 3.981071705534972e-13; // −94 dBm

    public static MddCellFreeInstance CaseOne(int aps, int mss, int antennas, int dl, int ul, int seed, double side = 400, double dlQos = 0.5, double ulQos = 0.1)
    {
        if (antennas < mss) throw new ArgumentException("Case 1 needs N ≥ D.");
        var rng = new Random(seed);
        var (apPos, msPos, betaApMs, betaAp, betaMs) = Geometry(aps, mss, side, rng);
        int sum = dl + ul;
        var omega = new double[aps, mss, dl];
        var upsilon = new double[aps, mss, ul];
        for (int l = 0; l < aps; l++)
            for (int d = 0; d < mss; d++)
            {
                double scale = betaApMs[l, d] / sum;
                for (int m = 0; m < dl; m++) omega[l, d, m] = Math.Sqrt(scale * Gamma.Sample(rng, antennas - mss + 1, 1) / NoiseW);
                for (int m = 0; m < ul; m++) upsilon[l, d, m] = NoiseW / (scale * Gamma.Sample(rng, antennas - mss + 1, 1));
            }
        var serves = new bool[aps, mss];
        for (int l = 0; l < aps; l++) for (int d = 0; d < mss; d++) serves[l, d] = true;
        return Build(omega, upsilon, betaAp, betaMs, betaApMs, serves, null, null, apPos, msPos, dlQos, ulQos, seed);
    }

    public static MddCellFreeInstance CaseTwo(int aps, int mss, int dl, int ul, int seed, double side = 400, double dlQos = 0.5, double ulQos = 0.1)
    {
        var rng = new Random(seed);
        var (apPos, msPos, betaApMs, betaAp, betaMs) = Geometry(aps, mss, side, rng);
        int sum = dl + ul;
        var hDl = new Complex[aps, mss, dl];
        var hUl = new Complex[aps, mss, ul];
        for (int l = 0; l < aps; l++)
            for (int d = 0; d < mss; d++)
            {
                double s = Math.Sqrt(betaApMs[l, d] / sum / 2);
                for (int m = 0; m < dl; m++) hDl[l, d, m] = new Complex(s * Normal.Sample(rng, 0, 1), s * Normal.Sample(rng, 0, 1));
                for (int m = 0; m < ul; m++) hUl[l, d, m] = new Complex(s * Normal.Sample(rng, 0, 1), s * Normal.Sample(rng, 0, 1));
            }
        var omega = new double[aps, mss, dl];
        var leakDl = new double[aps, mss, dl];
        var upsilon = new double[aps, mss, ul];
        for (int l = 0; l < aps; l++)
            for (int d = 0; d < mss; d++)
            {
                for (int m = 0; m < dl; m++) { omega[l, d, m] = hDl[l, d, m].Magnitude / Math.Sqrt(NoiseW); leakDl[l, d, m] = omega[l, d, m] * omega[l, d, m]; }
                for (int m = 0; m < ul; m++) upsilon[l, d, m] = NoiseW / (hUl[l, d, m].Magnitude * hUl[l, d, m].Magnitude);
            }
        // Clustering: MSs by best gain take their best free AP; idle APs join their best MS.
        var serves = new bool[aps, mss];
        var taken = new bool[aps];
        double Best(int l, int d) => Enumerable.Range(0, dl).Max(m => omega[l, d, m]);
        foreach (int d in Enumerable.Range(0, mss).OrderByDescending(d => Enumerable.Range(0, aps).Max(l => Best(l, d))))
        {
            int l = Enumerable.Range(0, aps).Where(l => !taken[l]).MaxBy(l => Best(l, d));
            taken[l] = true;
            serves[l, d] = true;
        }
        for (int l = 0; l < aps; l++)
            if (!taken[l]) serves[l, Enumerable.Range(0, mss).MaxBy(d => Best(l, d))] = true;
        var leakUl = new double[mss, mss, ul];
        for (int d = 0; d < mss; d++)
            for (int e = 0; e < mss; e++)
                if (e != d)
                    for (int m = 0; m < ul; m++)
                    {
                        Complex sum2 = 0;
                        for (int l = 0; l < aps; l++)
                            if (serves[l, d]) sum2 += Complex.Conjugate(hUl[l, d, m]) / (hUl[l, d, m].Magnitude * hUl[l, d, m].Magnitude) * hUl[l, e, m];
                        leakUl[d, e, m] = sum2.Magnitude * sum2.Magnitude;
                    }
        return Build(omega, upsilon, betaAp, betaMs, betaApMs, serves, leakDl, leakUl, apPos, msPos, dlQos, ulQos, seed);
    }

    private static (double[,], double[,], double[,], double[,], double[,]) Geometry(int aps, int mss, double side, Random rng)
    {
        var apPos = new double[aps, 2];
        var msPos = new double[mss, 2];
        for (int l = 0; l < aps; l++) { apPos[l, 0] = rng.NextDouble() * side; apPos[l, 1] = rng.NextDouble() * side; }
        for (int d = 0; d < mss; d++) { msPos[d, 0] = rng.NextDouble() * side; msPos[d, 1] = rng.NextDouble() * side; }
        double Beta(double dx, double dy) =>
            Math.Pow(10, (-30.5 - 36.7 * Math.Log10(Math.Max(1, Math.Sqrt(dx * dx + dy * dy))) + 4 * Normal.Sample(rng, 0, 1)) / 10);
        var betaApMs = new double[aps, mss];
        for (int l = 0; l < aps; l++)
            for (int d = 0; d < mss; d++) betaApMs[l, d] = Beta(apPos[l, 0] - msPos[d, 0], apPos[l, 1] - msPos[d, 1]);
        var betaAp = new double[aps, aps];
        for (int l = 0; l < aps; l++)
            for (int k = l + 1; k < aps; k++) betaAp[l, k] = betaAp[k, l] = Beta(apPos[l, 0] - apPos[k, 0], apPos[l, 1] - apPos[k, 1]);
        var betaMs = new double[mss, mss];
        for (int d = 0; d < mss; d++)
            for (int e = d + 1; e < mss; e++) betaMs[d, e] = betaMs[e, d] = Beta(msPos[d, 0] - msPos[e, 0], msPos[d, 1] - msPos[e, 1]);
        return (apPos, msPos, betaApMs, betaAp, betaMs);
    }

    private static MddCellFreeInstance Build(double[,,] omega, double[,,] upsilon, double[,] betaAp, double[,] betaMs, double[,] betaApMs, bool[,] serves,
        double[,,]? leakDl, double[,,]? leakUl, double[,] apPos, double[,] msPos, double dlQos, double ulQos, int seed)
    {
        int aps = omega.GetLength(0), mss = omega.GetLength(1);
        var instance = new MddCellFreeInstance
        {
            Omega = omega,
            Upsilon = upsilon,
            BetaAp = betaAp,
            BetaMs = betaMs,
            BetaApMs = betaApMs,
            ApBudget = Enumerable.Repeat(10.0, aps).ToArray(),
            MsBudget = Enumerable.Repeat(1.0, mss).ToArray(),
            ApSelfInterference = Enumerable.Repeat(1e-12 / NoiseW, aps).ToArray(),
            InterAp = Enumerable.Repeat(Math.Pow(10, -7.2) / NoiseW, aps).ToArray(),
            MsSelfInterference = Enumerable.Repeat(1e-11 / NoiseW, mss).ToArray(),
            InterMs = Enumerable.Repeat(Math.Pow(10, -4.2) / NoiseW, mss).ToArray(),
            Serves = serves,
            DlLeakage = leakDl,
            UlLeakage = leakUl,
            ApPositions = apPos,
            MsPositions = msPos,
            DlQos = dlQos,
            UlQos = ulQos,
            Seed = seed,
        };
        instance.Validate();
        return instance;
    }

    /// <summary>Equal power (spec §4.4) on the served pairs: each AP splits P_l over its served (d, m), each MS P_d over M̄.</summary>
    public static MddPowers EqualPower(MddCellFreeInstance x)
    {
        var p = MddPowers.Zero(x.Aps, x.Mss, x.DlSubcarriers, x.UlSubcarriers);
        for (int l = 0; l < x.Aps; l++)
        {
            int served = Enumerable.Range(0, x.Mss).Count(d => x.Serves[l, d]);
            for (int d = 0; d < x.Mss; d++)
                if (x.Serves[l, d])
                    for (int m = 0; m < x.DlSubcarriers; m++) p.Ap[l, d, m] = x.ApBudget[l] / (served * x.DlSubcarriers);
        }
        for (int d = 0; d < x.Mss; d++)
            for (int m = 0; m < x.UlSubcarriers; m++) p.Ms[d, m] = x.MsBudget[d] / x.UlSubcarriers;
        return p;
    }
}
