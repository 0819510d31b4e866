namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// The shared power-update routine PUF (spec §6.1 [R]): interference-pricing power control for a fixed association,
/// Gauss-Seidel over the BSs, maximising <c>U(p) = Σ_i ω_i log2(1 + SINR_{i,a_i}(p))</c> over <c>0 ≤ p ≤ p_max</c>. Each BS's
/// subproblem is concave (its own UEs' interference does not depend on its power); its stationarity condition is solved
/// by bisection. A BS serving nobody is switched off. A sweep that lowers U is reverted and ends the routine.
/// </summary>
public static class PowerUpdate
{
    public const int MaxSweeps = 100, BisectionSteps = 60;
    public const double Tolerance = 1e-4;

    /// <param name="weights">The weights ω <c>[I]</c> for the next sweep from the current SINRs <c>[I]</c>; called before every sweep.</param>
    /// <returns>The powers and U after each accepted sweep, under that sweep's weights (the first entry is U at <paramref name="start"/>).</returns>
    public static (double[] Power, List<double> Objective) Solve(HetNetScene scene, int[] association, double[] start, Func<double[], double[]> weights)
    {
        int ues = scene.Ues, bss = scene.Bss;
        var p = (double[])start.Clone();
        var served = new List<int>[bss];
        for (int j = 0; j < bss; j++) served[j] = new List<int>();
        for (int i = 0; i < ues; i++) served[association[i]].Add(i);
        var sinr = Sinr(scene, association, p);
        var omega = weights(sinr);
        var history = new List<double> { Objective(omega, sinr) };
        var total = new double[ues];   // Σ_n p_n g_{k,n}, kept up to date
        for (int k = 0; k < ues; k++)
            for (int n = 0; n < bss; n++) total[k] += p[n] * scene.Gain[k, n];

        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            var before = (double[])p.Clone();
            double uBefore = Objective(omega, sinr);   // under this sweep's weights
            double maxChange = 0;
            for (int j = 0; j < bss; j++)
            {
                double q;
                if (served[j].Count == 0) q = 0;
                else
                {
                    // Interference prices of the UEs BS j does not serve.
                    double price = 0;
                    for (int k = 0; k < ues; k++)
                    {
                        int a = association[k];
                        if (a == j) continue;
                        double interference = total[k] - p[a] * scene.Gain[k, a] + scene.Noise;
                        double s = p[a] * scene.Gain[k, a] / interference;
                        price += omega[k] / Math.Log(2) * s / ((1 + s) * interference) * scene.Gain[k, j];
                    }
                    double F(double x)
                    {
                        double f = -price;
                        foreach (var i in served[j])
                        {
                            double interference = total[i] - p[j] * scene.Gain[i, j] + scene.Noise;
                            f += omega[i] / Math.Log(2) * scene.Gain[i, j] / (interference + x * scene.Gain[i, j]);
                        }
                        return f;
                    }
                    double max = scene.MaxPower[j];
                    if (F(max) >= 0) q = max;
                    else if (F(0) <= 0) q = 0;
                    else
                    {
                        double lo = 0, hi = max;
                        for (int it = 0; it < BisectionSteps; it++)
                        {
                            double mid = 0.5 * (lo + hi);
                            if (F(mid) > 0) lo = mid; else hi = mid;
                        }
                        q = 0.5 * (lo + hi);
                    }
                }
                double delta = q - p[j];
                if (delta != 0)
                {
                    for (int k = 0; k < ues; k++) total[k] += delta * scene.Gain[k, j];
                    p[j] = q;
                }
                maxChange = Math.Max(maxChange, Math.Abs(delta) / scene.MaxPower[j]);
            }
            sinr = Sinr(scene, association, p);
            double u = Objective(omega, sinr);
            if (u < uBefore - 1e-12 * Math.Abs(uBefore))
            {
                p = before;
                break;
            }
            history.Add(u);
            if (maxChange < Tolerance) break;
            omega = weights(sinr);
        }
        return (p, history);
    }

    /// <summary>SINR of every UE on its serving BS, <c>[I]</c>.</summary>
    public static double[] Sinr(HetNetScene scene, int[] association, double[] power) =>
        GlobalRateOracle.Sinr(scene, new HetNetDecision(association, power));

    private static double Objective(double[] omega, double[] sinr)
    {
        double u = 0;
        for (int i = 0; i < sinr.Length; i++) u += omega[i] * Math.Log2(1 + sinr[i]);
        return u;
    }
}
