namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// UAMWSER (Zhou; spec §6.5 [K]): the association maximising the sum of ratios <c>Σ_j N_j(x)/D_j(x)</c>,
/// <c>N_j = Σ_i c_{i,j} x_{i,j}</c>, <c>D_j = Σ_i x_{i,j}</c> (unit weights: exactly R) at fixed powers, by the parameterised
/// (Jong-type) Newton method: for <c>α = (β, λ)</c> each UE picks <c>argmax_j λ_j (c_{i,j} − β_j)</c>; residuals
/// <c>ψ_j = −N_j + β_j D̃_j</c>, <c>ψ_{J+j} = −1 + λ_j D̃_j</c> with <c>D̃_j = max(D_j, 1)</c>; damped step towards
/// <c>(N_j/D̃_j, 1/D̃_j)</c> with the smallest <c>m</c> (ξ = 0.5) that cuts ‖ψ‖ by the factor <c>1 − 0.1 ξ^m</c>. Keeps the best
/// association by R, starting from a given association (MARAMP's by default), so it is never worse than its start.
/// </summary>
public static class Uamwser
{
    public const int MaxIterations = 100, StableIterations = 5, LineSearchSteps = 10;
    public const double Xi = 0.5, ResidualTolerance = 1e-6;

    public static HetNetDecision Solve(HetNetScene scene) => Solve(scene, scene.MaxPower, null);

    /// <param name="power">Fixed BS powers <c>[J]</c>.</param>
    /// <param name="start">Starting association; null for MARAMP's.</param>
    public static HetNetDecision Solve(HetNetScene scene, double[] power, int[]? start)
    {
        int ues = scene.Ues, bss = scene.Bss;
        var c = LinkRates.Compute(scene, power);
        var a = start ?? Maramp.StrongestSignal(scene, scene.MaxPower);
        var best = a;
        double bestRate = GlobalRateOracle.Rate(scene, new HetNetDecision(a, power));
        var (beta, lambda) = Target(c, a, bss);
        var residual = Residual(c, Associate(c, beta, lambda), beta, lambda);
        int unchanged = 0;
        for (int it = 0; it < MaxIterations && residual.Norm >= ResidualTolerance && unchanged < StableIterations; it++)
        {
            var (tb, tl) = Target(c, Associate(c, beta, lambda), bss);
            double[] nb = beta, nl = lambda;
            (double Norm, int[] Association) next = residual;
            for (int m = 0; m <= LineSearchSteps; m++)
            {
                double s = Math.Pow(Xi, m);
                nb = beta.Select((b, j) => (1 - s) * b + s * tb[j]).ToArray();
                nl = lambda.Select((l, j) => (1 - s) * l + s * tl[j]).ToArray();
                next = Residual(c, Associate(c, nb, nl), nb, nl);
                if (next.Norm <= (1 - 0.1 * s) * residual.Norm) break;
            }
            beta = nb;
            lambda = nl;
            unchanged = next.Association.SequenceEqual(residual.Association) ? unchanged + 1 : 0;
            residual = next;
            double r = GlobalRateOracle.Rate(scene, new HetNetDecision(next.Association, power));
            if (r > bestRate) { bestRate = r; best = next.Association; }
        }
        return new HetNetDecision(best, (double[])power.Clone());
    }

    private static int[] Associate(double[,] c, double[] beta, double[] lambda)
    {
        int ues = c.GetLength(0), bss = c.GetLength(1);
        var a = new int[ues];
        for (int i = 0; i < ues; i++)
        {
            double v = double.NegativeInfinity;
            for (int j = 0; j < bss; j++)
            {
                double score = lambda[j] * (c[i, j] - beta[j]);
                if (score > v) { v = score; a[i] = j; }
            }
        }
        return a;
    }

    /// <summary>The Newton target <c>(N_j/D̃_j, 1/D̃_j)</c> of an association.</summary>
    private static (double[] Beta, double[] Lambda) Target(double[,] c, int[] a, int bss)
    {
        var (n, d) = Sums(c, a, bss);
        return (n.Select((v, j) => v / d[j]).ToArray(), d.Select(v => 1 / v).ToArray());
    }

    private static (double Norm, int[] Association) Residual(double[,] c, int[] a, double[] beta, double[] lambda)
    {
        var (n, d) = Sums(c, a, beta.Length);
        double sq = 0;
        for (int j = 0; j < beta.Length; j++)
        {
            double r1 = -n[j] + beta[j] * d[j], r2 = -1 + lambda[j] * d[j];
            sq += r1 * r1 + r2 * r2;
        }
        return (Math.Sqrt(sq), a);
    }

    /// <summary><c>N_j</c> and <c>D̃_j = max(D_j, 1)</c>.</summary>
    private static (double[] N, double[] D) Sums(double[,] c, int[] a, int bss)
    {
        var n = new double[bss];
        var d = new double[bss];
        for (int i = 0; i < a.Length; i++) { n[a[i]] += c[i, a[i]]; d[a[i]]++; }
        for (int j = 0; j < bss; j++) d[j] = Math.Max(d[j], 1);
        return (n, d);
    }
}
