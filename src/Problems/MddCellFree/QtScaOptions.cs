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
    /// <summary>
    /// What QT-SCA returns on a QoS-infeasible layout (phase I could not meet every per-subcarrier threshold (19)–(20)).
    /// <see cref="QtScaInfeasibleFallback.BestEffortQos"/> by default, not the spec's A20 [R]: see that value for why.
    /// </summary>
    public QtScaInfeasibleFallback InfeasibleFallback { get; init; } = QtScaInfeasibleFallback.BestEffortQos;
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
        Require.Valid(Enum.IsDefined(InfeasibleFallback), "infeasibleFallback", InfeasibleFallback, "PhaseOnePoint or BestEffortQos");
        ArgumentNullException.ThrowIfNull(Solver, "solver");
        Solver.Validate();
    }
}

/// <summary>What <see cref="QtSca"/> returns where phase I cannot meet the QoS; the layout is flagged infeasible either way.</summary>
public enum QtScaInfeasibleFallback
{
    /// <summary>The phase-I point of least violation (spec §11, A20 [R]).</summary>
    PhaseOnePoint,
    /// <summary>
    /// Algorithm 1 from that point, with the QoS of every per-subcarrier term it misses dropped (γ_k = 0; the others keep
    /// theirs): the best SE under the QoS that phase I could meet. Phase I only maximises Σα, so its point is a poor
    /// allocation: on Case 2 layouts of 48 APs it gave 2–10 nats/s/Hz where greedy gets 38–48, and at such sizes one MS
    /// in 24 short of a per-subcarrier threshold makes a layout infeasible, which left Table VI without a QT-SCA to
    /// compare with. (Lowering a missed threshold only to the SINR phase I reached instead kept the iterations pinned
    /// near that point: 2.6–7.2 nats/s/Hz on L = 24, D = 12 layouts where greedy gets 12.6–20.9.)
    /// </summary>
    BestEffortQos,
}
