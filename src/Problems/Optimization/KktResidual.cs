namespace WirelessGnn.Problems.Optimization;

/// <summary>
/// How far a barrier solution is from the KKT conditions of <c>max f s.t. g ≥ 0, ℓ &lt; x &lt; u</c>, with the barrier's
/// multipliers <c>λ_i = 1/(t g_i)</c> (and <c>1/(t (x_j − ℓ_j))</c>, <c>1/(t (u_j − x_j))</c> for bounds), all ≥ 0 by construction.
/// </summary>
/// <param name="Stationarity"><c>‖∇f + Σ λ_i ∇g_i + ν_ℓ − ν_u‖_∞ / max(1, ‖∇f‖_∞)</c>.</param>
/// <param name="Complementarity">Largest <c>λ_i g_i</c> (= 1/t for an exact barrier multiplier).</param>
/// <param name="Feasibility">Largest violation <c>max(0, −g_i)</c> (0 for an interior point).</param>
public readonly record struct KktResidual(double Stationarity, double Complementarity, double Feasibility)
{
    /// <summary>The largest of the three.</summary>
    public double Max => Math.Max(Stationarity, Math.Max(Complementarity, Feasibility));
}
