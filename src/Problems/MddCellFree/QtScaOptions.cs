using WirelessGnn.Graphs;
using WirelessGnn.Problems.Optimization;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>Settings of <see cref="QtSca"/> (spec §4.1, A19).</summary>
public sealed record QtScaOptions
{
    /// <summary>Most QT-SCA iterations (convex subproblems after phase I), 1..1000; 20 in the spec.</summary>
    public int MaxIterations { get; init; } = 20;
    /// <summary>Stop when |Λ(p^(t)) − Λ(p^(t−1))| ≤ Tolerance·|Λ(p^(t−1))|, ≥ 0; 1e-3 in the spec.</summary>
    public double Tolerance { get; init; } = 1e-3;
    /// <summary>Most phase-I rounds (each moves the linearisation point to the tight values), 1..1000; 20 in the spec.</summary>
    public int MaxPhaseOneRounds { get; init; } = 20;
    /// <summary>Phase I ends when min_k α_k ≥ −PhaseOneSlackTolerance (spec: 1e-9), ≥ 0, and the SINRs meet <see cref="PhaseOneMargin"/>.</summary>
    public double PhaseOneSlackTolerance { get; init; } = 1e-9;
    /// <summary>
    /// Phase I gives up early (QoS-infeasible) when a round reduces the violation <c>Σ_k min(0, SINR_k − γ_k)</c> by less
    /// than this fraction of it: the rounds have stalled at a local minimum of the violation. 0 runs all
    /// <see cref="MaxPhaseOneRounds"/> (the spec's literal rule); ≥ 0.
    /// </summary>
    public double PhaseOneStallTolerance { get; init; } = 1e-6;
    /// <summary>
    /// Phase I ends when every per-subcarrier SINR meets its threshold with this relative margin,
    /// <c>SINR_k ≥ γ_k (1 + margin)</c>, so that the QT subproblems start strictly feasible; ≥ 0.
    /// </summary>
    public double PhaseOneMargin { get; init; } = 1e-9;
    /// <summary>The interior-point solver of every convex subproblem (1e-8 relative gap by default).</summary>
    public BarrierOptions Solver { get; init; } = new();

    /// <summary>Throws naming the first setting outside its range.</summary>
    public void Validate()
    {
        Require.InRange(MaxIterations, 1, 1000, "maxIterations");
        Require.Valid(Tolerance >= 0 && double.IsFinite(Tolerance), "tolerance", Tolerance, "≥ 0");
        Require.InRange(MaxPhaseOneRounds, 1, 1000, "maxPhaseOneRounds");
        Require.Valid(PhaseOneSlackTolerance >= 0 && double.IsFinite(PhaseOneSlackTolerance), "phaseOneSlackTolerance", PhaseOneSlackTolerance, "≥ 0");
        Require.Valid(PhaseOneStallTolerance >= 0 && double.IsFinite(PhaseOneStallTolerance), "phaseOneStallTolerance", PhaseOneStallTolerance, "≥ 0");
        Require.Valid(PhaseOneMargin is >= 0 and < 1, "phaseOneMargin", PhaseOneMargin, "[0, 1)");
        ArgumentNullException.ThrowIfNull(Solver, "solver");
        Solver.Validate();
    }
}
