namespace WirelessGnn.Problems.Optimization;

/// <summary>What <see cref="BarrierSolver"/> returned.</summary>
/// <param name="X">The last iterate <c>[n]</c> (strictly feasible).</param>
/// <param name="Objective">f(X).</param>
/// <param name="Constraints">g(X) <c>[m]</c>, all &gt; 0.</param>
/// <param name="Multipliers">Barrier multipliers λ_i = 1/(t g_i) <c>[m]</c>.</param>
/// <param name="DualityGap">The gap bound m'/t at the end (m' counts constraints and finite bounds); f* − f(X) ≤ this at an exact centre.</param>
/// <param name="Kkt">KKT residual at X.</param>
/// <param name="NewtonSteps">Newton steps taken (each one factorisation).</param>
/// <param name="Centerings">Centering phases (values of t).</param>
/// <param name="Converged">The gap reached the tolerance and the last centering met its tolerance or could not progress further.</param>
/// <param name="Barrier">The final t.</param>
public sealed record BarrierResult(
    double[] X, double Objective, double[] Constraints, double[] Multipliers, double DualityGap, KktResidual Kkt,
    int NewtonSteps, int Centerings, bool Converged, double Barrier);
