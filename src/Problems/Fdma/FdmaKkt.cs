using WirelessGnn.Graphs;
using WirelessGnn.Problems.Optimization;

namespace WirelessGnn.Problems.Fdma;

/// <summary>
/// The optimal P3 allocation from the KKT conditions (spec mtl-routing §6.2, derived): every band is active, the
/// budget is met with equality, and <c>ψ_n(P_n) = a_n g_n / ((1+g_n P_n) ln²(1+g_n P_n)) = μ</c> for one μ, so
/// <c>P_n(μ) = expm1(2 W₀(½√(a_n g_n/μ)))/g_n</c>; μ by bisection on log μ until <c>Σ P_n = P_tot</c>.
/// Also the plain double-precision objective (the oracle of <see cref="FdmaDelay"/>) and equal power.
/// </summary>
public static class FdmaKkt
{
    /// <summary>The optimal powers (W) for SNR gains <paramref name="snrGain"/> (1/W); all positive, summing to P_tot.</summary>
    public static double[] Solve(IReadOnlyList<double> snrGain, FdmaConfig config)
    {
        int n = snrGain.Count;
        Require.InRange(n, 1, 100_000, "snrGain.Length");
        for (int i = 0; i < n; i++)
            Require.Valid(snrGain[i] > 0 && double.IsFinite(snrGain[i]), $"snrGain[{i}]", snrGain[i], "a finite gain > 0");
        double a = Weight(n, config), total = config.TotalPower;
        var start = Enumerable.Range(0, n).Select(i => Psi(a, snrGain[i], total / n)).ToArray();
        double lo = Math.Log(start.Min()), hi = Math.Log(start.Max());
        if (hi - lo < 1e-15) return Enumerable.Repeat(total / n, n).ToArray();
        var power = new double[n];
        double sum = 0;
        for (int it = 0; it < 200; it++)
        {
            double logMu = 0.5 * (lo + hi);
            sum = Powers(a, snrGain, Math.Exp(logMu), power);
            if (Math.Abs(sum - total) <= 1e-12 * total) break;
            // S(μ) decreases in μ: too much power means μ is too small.
            if (sum > total) lo = logMu; else hi = logMu;
        }
        for (int i = 0; i < n; i++) power[i] *= total / sum;
        return power;
    }

    /// <summary><c>a_n = L_n ln 2 / (N W)</c>, s: the objective is <c>Σ_n a_n / ln(1 + g_n P_n)</c> in seconds.</summary>
    public static double Weight(int bands, FdmaConfig config) => config.BitsPerBand * Math.Log(2) / (bands * config.Bandwidth);

    /// <summary><c>ψ(P) = −∂/∂P [a/ln(1+gP)] = a g / ((1+gP) ln²(1+gP))</c>.</summary>
    public static double Psi(double a, double g, double p)
    {
        double x = ElementaryFunctions.Log1p(g * p);
        return a * g / ((1 + g * p) * x * x);
    }

    private static double Powers(double a, IReadOnlyList<double> g, double mu, double[] power)
    {
        double sum = 0;
        for (int i = 0; i < g.Count; i++)
        {
            double x = 2 * LambertW.Principal(0.5 * Math.Sqrt(a * g[i] / mu));
            power[i] = ElementaryFunctions.Expm1(x) / g[i];
            sum += power[i];
        }
        return sum;
    }

    /// <summary>The P3 objective in double precision: mean delay over the bands, ms.</summary>
    public static double MeanDelayMs(IReadOnlyList<double> snrGain, IReadOnlyList<double> power, FdmaConfig config)
    {
        double sum = 0;
        for (int i = 0; i < snrGain.Count; i++)
            sum += config.BitsPerBand / (config.Bandwidth * Math.Log2(1 + snrGain[i] * power[i]));
        return 1e3 * sum / snrGain.Count;
    }

    /// <summary>The sanity baseline: <c>P_n = P_tot/N</c>.</summary>
    public static double[] EqualPower(int bands, FdmaConfig config) => Enumerable.Repeat(config.TotalPower / bands, bands).ToArray();
}
