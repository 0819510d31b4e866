using WirelessGnn.Problems.Optimization;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>What <see cref="QtSca.Solve"/> returned.</summary>
/// <param name="Powers">
/// The allocation: the last QT-SCA iterate (on a QoS-infeasible layout, of the best-effort QoS), or with
/// <see cref="QtScaInfeasibleFallback.PhaseOnePoint"/> on a QoS-infeasible layout the best phase-I point (A20).
/// </param>
/// <param name="SpectralEfficiencyTrace">
/// Λ_SE (oracle, nats/s/Hz) of the phase-I point <c>p^(0)</c> followed by one entry per QT-SCA iteration
/// (<see cref="Iterations"/> + 1 entries; one entry for the phase-I fallback).
/// </param>
/// <param name="Iterations">QT-SCA iterations run (convex subproblems after phase I).</param>
/// <param name="PhaseOneRounds">Phase-I rounds run.</param>
/// <param name="Feasible">Phase I found a point meeting (19)–(20); false marks the layout "QoS-infeasible" (A20).</param>
/// <param name="Converged">Stopped on the relative tolerance of Λ rather than the iteration cap (false for the phase-I fallback).</param>
/// <param name="PhaseOneSlack">min_k α_k of the last phase-I round (≈ 0 when feasible).</param>
/// <param name="NewtonSteps">Newton steps over every sub-solve, phase I included.</param>
/// <param name="UnconvergedSubSolves">Sub-solves that stopped on a step cap before the gap tolerance (0 normally).</param>
/// <param name="Kkt">KKT residual of the last sub-solve.</param>
/// <param name="Seconds">Wall-clock seconds of the whole solve.</param>
public sealed record QtScaResult(
    MddPowers Powers, IReadOnlyList<double> SpectralEfficiencyTrace, int Iterations, int PhaseOneRounds, bool Feasible, bool Converged,
    double PhaseOneSlack, int NewtonSteps, int UnconvergedSubSolves, KktResidual Kkt, double Seconds)
{
    /// <summary>Λ_SE of <see cref="Powers"/>.</summary>
    public double SpectralEfficiency => SpectralEfficiencyTrace[^1];

    /// <summary>Λ_SE of the phase-I point.</summary>
    public double PhaseOneSpectralEfficiency => SpectralEfficiencyTrace[0];
}
