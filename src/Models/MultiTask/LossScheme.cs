using TorchSharp;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Models.MultiTask;

/// <summary>The task-loss schemes of spec §4.3: objective loss L⁰, constraint losses L^{1,i}, budget losses L^{2,b}.</summary>
public enum LossScheme
{
    /// <summary>NFL(f), NFL(g_i), Huber(l_b) (proposed).</summary>
    Scheme1,
    /// <summary>EL(f), EL(g_i), Huber(l_b) (proposed).</summary>
    Scheme2,
    /// <summary>f, g_i, l_b raw (diverges: negative task losses).</summary>
    Baseline1,
    /// <summary>−1/f, −1/g_i, Huber(l_b) (diverges: negative and singular at g_i = 0).</summary>
    Baseline2,
    /// <summary>exp(f), exp(g_i), Huber(l_b).</summary>
    Baseline3,
}

/// <summary>A loss scheme with its hyper-parameters (spec Table I: x₁ = −1, x₂ = 0, x₃ = 0.11).</summary>
public sealed record MultiTaskLoss
{
    public LossScheme Scheme { get; init; } = LossScheme.Scheme1;
    public NflVariant Nfl { get; init; } = NflVariant.Continuous;
    /// <summary>NFL breakpoint x₁, &lt; 0.</summary>
    public double X1 { get; init; } = -1;
    /// <summary>EL breakpoint x₂.</summary>
    public double X2 { get; init; }
    /// <summary>Huber threshold x₃ (in the budget's unit, W), &gt; 0.</summary>
    public double X3 { get; init; } = 0.11;
    /// <summary>
    /// Exact-penalty weight κ ≥ 0 on violated constraints (not in the paper, whose schemes are κ = 0): each constraint
    /// residual enters its scheme loss as <c>g + κ·max(g, 0)</c>. The uncertainty weighting scales each task by about
    /// 1/L, so with EL the rate tasks act as <c>Σ_i g_i</c>, a second sum-rate term that gives a user below r^min no more
    /// weight than any other; with κ &gt; 0 a violated constraint pulls (1 + κ) times harder.
    /// </summary>
    public double ConstraintPenalty { get; init; }

    /// <summary>
    /// Exact-penalty weight μ ≥ 0 added outside the uncertainty weighting (not in the paper, whose loss is μ = 0): the joint
    /// loss gains <c>μ·Σ_i max(g_i, 0)</c> per sample. Inside the weighting, a task counts as about ½·ln L at the optimal
    /// β, so any penalty on g is compressed by a logarithm; outside it, μ is a plain price in bit/s/Hz per bit/s/Hz of
    /// violation, which must exceed the constraint's Lagrange multiplier to make the constraint exact.
    /// </summary>
    public double ExactPenalty { get; init; }

    /// <summary>The exact penalty <c>μ·Σ_i max(g_i, 0)</c> <c>[S]</c> of constraint residuals <c>[S, I]</c>, or null when μ = 0.</summary>
    public Tensor? Penalty(Tensor constraints) => ExactPenalty > 0 ? ExactPenalty * constraints.relu().sum(-1) : null;

    /// <summary>Whether every task loss of the scheme is ≥ 0 (the joint loss is then bounded below).</summary>
    public bool NonNegative => Scheme is LossScheme.Scheme1 or LossScheme.Scheme2 or LossScheme.Baseline3;

    public void Validate()
    {
        Require.Valid(X1 < 0 && double.IsFinite(X1), "loss.x1", X1, "< 0");
        Require.Valid(double.IsFinite(X2) && Math.Abs(X2) <= 50, "loss.x2", X2, "-50..50");
        Require.Valid(X3 > 0 && double.IsFinite(X3), "loss.x3", X3, "> 0");
        Require.Valid(ConstraintPenalty is >= 0 and <= 1e6, "loss.constraintPenalty", ConstraintPenalty, "0..1e6");
        Require.Valid(ExactPenalty is >= 0 and <= 1e6, "loss.exactPenalty", ExactPenalty, "0..1e6");
    }

    /// <summary>
    /// The task losses <c>[S, K]</c>, ordered <c>[L⁰, L^{1,1..I}, L^{2,1..B}]</c>, of the objective f <c>[S]</c>, the
    /// constraint residuals g <c>[S, I]</c> and the budget residuals l <c>[S, B]</c>.
    /// </summary>
    public Tensor TaskLosses(Tensor objective, Tensor constraints, Tensor budgets)
    {
        var f = objective.unsqueeze(-1);
        if (ConstraintPenalty > 0) constraints = constraints + ConstraintPenalty * constraints.relu();
        (Tensor l0, Tensor l1) = Scheme switch
        {
            LossScheme.Scheme1 => (TaskLossFunctions.Nfl(f, X1, Nfl), TaskLossFunctions.Nfl(constraints, X1, Nfl)),
            LossScheme.Scheme2 => (TaskLossFunctions.El(f, X2), TaskLossFunctions.El(constraints, X2)),
            LossScheme.Baseline1 => (f, constraints),
            LossScheme.Baseline2 => (-1 / f, -1 / constraints),
            LossScheme.Baseline3 => (f.exp(), constraints.exp()),
            _ => throw new ArgumentOutOfRangeException(nameof(Scheme), Scheme, "Unknown loss scheme."),
        };
        var l2 = Scheme == LossScheme.Baseline1 ? budgets : TaskLossFunctions.Huber(budgets, X3);
        return cat(new[] { l0, l1, l2 }, -1);
    }
}
