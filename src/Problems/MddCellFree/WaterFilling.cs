namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// Classic water-filling of a power budget over parallel channels (spec §4.3): maximise <c>Σ_k ln(1 + g_k p_k)</c>
/// subject to <c>Σ_k p_k = P</c>, <c>p ≥ 0</c>, whose solution is <c>p_k = max(0, μ − 1/g_k)</c> with the water level μ
/// set by the budget.
/// </summary>
public static class WaterFilling
{
    /// <summary>Powers <c>[K]</c> for the gains <paramref name="gains"/> <c>[K]</c> (≥ 0, +∞ allowed) and budget P ≥ 0.</summary>
    public static double[] Allocate(IReadOnlyList<double> gains, double budget) => Allocate(gains, budget, out _);

    /// <summary>
    /// As <see cref="Allocate(IReadOnlyList{double}, double)"/>, also returning the water level μ. Sort <c>1/g</c>
    /// ascending, take the largest k with <c>μ_k = (P + Σ_{i≤k} 1/g_(i))/k &gt; 1/g_(k)</c>; the whole budget is used.
    /// Channels with zero gain get nothing; if every gain is zero, the budget is spread evenly (and μ is +∞). An empty
    /// gain list gets no power (μ = 0).
    /// </summary>
    public static double[] Allocate(IReadOnlyList<double> gains, double budget, out double level)
    {
        ArgumentNullException.ThrowIfNull(gains);
        if (!(budget >= 0) || double.IsPositiveInfinity(budget))
            throw new ArgumentOutOfRangeException(nameof(budget), budget, $"budget = {budget} is out of range; expected a finite value ≥ 0.");
        for (int i = 0; i < gains.Count; i++)
            if (!(gains[i] >= 0)) throw new ArgumentOutOfRangeException(nameof(gains), gains[i], $"gains[{i}] = {gains[i]} is out of range; expected ≥ 0.");

        var p = new double[gains.Count];
        level = 0;
        if (p.Length == 0 || budget == 0) return p;
        var active = Enumerable.Range(0, p.Length).Where(i => gains[i] > 0).OrderByDescending(i => gains[i]).ThenBy(i => i).ToArray();
        if (active.Length == 0)
        {
            Array.Fill(p, budget / p.Length);
            level = double.PositiveInfinity;
            return p;
        }
        double sumInverse = 0, mu = 0;
        int count = 0;
        for (int k = 0; k < active.Length; k++)
        {
            double inverse = 1 / gains[active[k]];
            double candidate = (budget + sumInverse + inverse) / (k + 1);
            if (!(candidate > inverse)) break; // the levels fill in order: once a channel stays dry, every weaker one does
            sumInverse += inverse;
            mu = candidate;
            count = k + 1;
        }
        for (int k = 0; k < count; k++) p[active[k]] = mu - 1 / gains[active[k]];
        level = mu;
        return p;
    }
}
