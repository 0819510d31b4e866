namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// The max-sum-utility association of Ye et al. 2013 as reconstructed in spec §6.3 [K]: maximise
/// <c>Σ_i ln(c_{i,a_i} / N_{a_i})</c> (proportional fairness over load-shared rates) by dual decomposition. UEs pick
/// <c>argmax_j [ln c_{i,j} − μ_j]</c>; BSs set <c>K_j = min(e^{μ_j − 1}, I)</c>; <c>μ_j ← μ_j − δ_t (K_j − N_j)</c>, <c>δ_t = 0.1/√t</c>.
/// At most 1000 iterations; stops after 50 without a change of association; returns the best association seen.
/// </summary>
public static class MaxSumUtilityAssociation
{
    public const int MaxIterations = 1000, StableIterations = 50;
    public const double RateFloor = 1e-12;

    /// <param name="linkRates"><c>c_{i,j}</c> at the powers in force, <c>[I, J]</c>.</param>
    /// <returns>The best association and its log-utility, and the first iterate's log-utility.</returns>
    public static (int[] Association, double Utility, double FirstUtility) Solve(double[,] linkRates)
    {
        int ues = linkRates.GetLength(0), bss = linkRates.GetLength(1);
        var logRate = new double[ues, bss];
        for (int i = 0; i < ues; i++)
            for (int j = 0; j < bss; j++) logRate[i, j] = Math.Log(Math.Max(linkRates[i, j], RateFloor));
        var mu = new double[bss];
        var a = new int[ues];
        int[]? best = null;
        double bestUtility = double.NegativeInfinity, first = double.NaN;
        int unchanged = 0;
        for (int t = 1; t <= MaxIterations && unchanged < StableIterations; t++)
        {
            bool changed = false;
            for (int i = 0; i < ues; i++)
            {
                int arg = 0;
                double v = double.NegativeInfinity;
                for (int j = 0; j < bss; j++)
                    if (logRate[i, j] - mu[j] > v) { v = logRate[i, j] - mu[j]; arg = j; }
                if (arg != a[i] || t == 1) changed = true;
                a[i] = arg;
            }
            unchanged = changed ? 0 : unchanged + 1;
            double u = Utility(logRate, a);
            if (t == 1) first = u;
            if (u > bestUtility) { bestUtility = u; best = (int[])a.Clone(); }
            var load = new int[bss];
            foreach (var x in a) load[x]++;
            double step = 0.1 / Math.Sqrt(t);
            for (int j = 0; j < bss; j++) mu[j] -= step * (Math.Min(Math.Exp(mu[j] - 1), ues) - load[j]);
        }
        return (best!, bestUtility, first);
    }

    /// <summary><c>Σ_i ln(c_{i,a_i}/N_{a_i})</c> from <c>ln c</c>.</summary>
    public static double Utility(double[,] logRate, int[] association)
    {
        var load = new int[logRate.GetLength(1)];
        foreach (var x in association) load[x]++;
        double u = 0;
        for (int i = 0; i < association.Length; i++) u += logRate[i, association[i]] - Math.Log(load[association[i]]);
        return u;
    }
}
