using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.SumCapacity;

/// <summary>
/// The derived oracle policy of P4 (spec mtl-routing §7.4). For fixed duals each realisation solves
/// <c>max_{0≤P≤P_tot} log2(1 + Σ g_n P_n) − Σ λ_n P_n</c>: fill bands in descending <c>g_n/λ_n</c>, band k getting
/// <c>clip((g_k/(λ_k ln 2) − 1 − S)/g_k, 0, P_tot)</c> with S the signal so far, and stop at the first band not full.
/// A common λ is set by bisection so that the sample mean of ΣP meets the budget. Also the capacity in double precision.
/// </summary>
public static class CapacityOracle
{
    /// <summary>The optimal powers (W) of one realisation for duals <paramref name="dual"/> (one per band, > 0).</summary>
    public static double[] Allocate(IReadOnlyList<double> gain, IReadOnlyList<double> dual, double maxPower)
    {
        int n = gain.Count;
        if (dual.Count != n) throw new ArgumentException($"dual: {dual.Count} values; expected one per band ({n}).", nameof(dual));
        for (int i = 0; i < n; i++) Require.Valid(dual[i] > 0 && double.IsFinite(dual[i]), $"dual[{i}]", dual[i], "a finite value > 0");
        var order = Enumerable.Range(0, n).OrderByDescending(i => gain[i] / dual[i]).ToArray();
        var power = new double[n];
        double signal = 0;
        foreach (var k in order)
        {
            if (gain[k] <= 0) break;
            double p = Math.Clamp((gain[k] / (dual[k] * Math.Log(2)) - 1 - signal) / gain[k], 0, maxPower);
            power[k] = p;
            signal += gain[k] * p;
            if (p < maxPower) break;
        }
        return power;
    }

    /// <summary>The common dual λ (same for every band) at which the sample mean of the constraint is met (bisection on log λ).</summary>
    public static double CommonDual(IReadOnlyList<double[]> gains, SumCapacityConfig config)
    {
        Require.Valid(gains.Count > 0, "gains.Count", gains.Count, ">= 1 realisation");
        int n = gains[0].Length;
        double budget = config.Constraint == CapacityConstraint.PerUser ? n * config.AveragePower : config.AveragePower;
        double MeanTotal(double lambda)
        {
            var dual = Enumerable.Repeat(lambda, n).ToArray();
            return gains.Average(g => Allocate(g, dual, config.MaxPower).Sum());
        }
        // Total power decreases in λ; with λ tiny every band is full, so bracket and bisect.
        double lo = Math.Log(1e-8), hi = Math.Log(1e4);
        if (MeanTotal(Math.Exp(lo)) <= budget) return Math.Exp(lo);
        for (int it = 0; it < 100; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (MeanTotal(Math.Exp(mid)) > budget) lo = mid; else hi = mid;
            if (hi - lo < 1e-10) break;
        }
        return Math.Exp(hi);
    }

    /// <summary>The capacity <c>log2(1 + Σ g_n P_n)</c> in double precision, bit/s/Hz.</summary>
    public static double Capacity(IReadOnlyList<double> gain, IReadOnlyList<double> power)
    {
        double signal = 0;
        for (int i = 0; i < gain.Count; i++) signal += gain[i] * power[i];
        return Math.Log2(1 + signal);
    }

    /// <summary>The constant policy <c>P_n = P_av</c> per user (or <c>P_av/N</c> as printed): meets the budget exactly.</summary>
    public static double[] EqualPower(int bands, SumCapacityConfig config) =>
        Enumerable.Repeat(config.Constraint == CapacityConstraint.PerUser ? Math.Min(config.AveragePower, config.MaxPower) : config.AveragePower / bands, bands).ToArray();
}
