using TorchSharp;
using WirelessGnn.Models.MultiTask;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>
/// What the MBS sends back to one SBS after a DMTSSL training step: the global loss and its gradient with respect to each
/// tensor of that SBS's <see cref="Proposal"/> (same shapes). An SBS needs nothing else to update its own weights.
/// </summary>
public sealed record MbsFeedback(double Loss, Tensor BeamRe, Tensor BeamIm, Tensor Scores, Tensor Beta)
{
    public IEnumerable<Tensor> Tensors => new[] { BeamRe, BeamIm, Scores, Beta };
}

/// <summary>
/// The MBS of spec §5.7 as the critic: it receives each SBS's proposal for the same mini-batch (shared indices), stacks
/// them into the global allocation with <c>β = (1/B) Σ_b β^b</c>, computes the task values, the scheme losses and the
/// joint loss (the same <see cref="JointLoss"/> as CMTSSL), and returns the loss and each SBS's gradient. The exchange
/// carries plain tensors only, so each SBS's network can live in its own process: an SBS sends
/// <see cref="Proposal"/> (detached), receives <see cref="MbsFeedback"/>, and back-propagates it through its own graph
/// (<see cref="Backpropagate"/>).
/// </summary>
public static class MacroBaseStation
{
    /// <summary>The global proposal of per-SBS proposals (SBS order = B axis); β is averaged with weights ω^b = 1.</summary>
    public static Proposal Aggregate(IReadOnlyList<Proposal> reports)
    {
        if (reports.Count == 0) throw new ArgumentException("reports: no SBS proposals.", nameof(reports));
        return new Proposal(cat(reports.Select(r => r.BeamRe).ToArray(), 1), cat(reports.Select(r => r.BeamIm).ToArray(), 1),
            cat(reports.Select(r => r.Scores).ToArray(), 1), stack(reports.Select(r => r.Beta).ToArray(), 0).mean(new long[] { 0 }));
    }

    /// <summary>
    /// The mini-batch mean of the uncertainty-weighted joint loss (spec §4.5, eq. 18) of a global proposal, plus the exact
    /// rate penalty <see cref="MultiTaskLoss.Penalty"/> on <see cref="RatePenaltyResiduals"/> when
    /// <c>loss.exactPenalty</c> &gt; 0 (not in the paper).
    /// </summary>
    public static Tensor JointLoss(Proposal proposal, MecCellFreeTensors problem, CmtsslConfig config)
    {
        var (losses, rates) = TaskLossesAndRates(proposal, problem, config);
        var joint = UncertaintyWeighting.JointLoss(losses, proposal.Beta);
        return (config.Loss.Penalty(RatePenaltyResiduals(rates, problem, config)) is { } penalty ? joint + penalty : joint).mean();
    }

    /// <summary>
    /// The task losses <c>[S, K]</c> of a global proposal under the configured scheme. With the budget layer the rate tasks
    /// score the projected allocation and the power tasks the network's own (raw) powers: on the projected powers l_b would
    /// be exactly 0 whenever the raw power exceeds P_max, β_{2,b} would sit at its floor, and a sample that falls short
    /// would weigh 1/(K·β_floor²) ≈ 7·10⁴ times its loss; trained that way the validation sum rate peaked within 250 steps
    /// and then fell while the loss rose. The rate tasks aim at the training target <see cref="TrainingMinRate"/>.
    /// </summary>
    public static Tensor TaskLosses(Proposal proposal, MecCellFreeTensors problem, CmtsslConfig config) =>
        TaskLossesAndRates(proposal, problem, config).Losses;

    /// <summary>The minimum rate the loss aims at, <c>(1 + m)·r^min</c> (<see cref="CmtsslConfig.MinRateMargin"/>).</summary>
    public static double TrainingMinRate(MecCellFreeTensors problem, CmtsslConfig config) => (1 + config.MinRateMargin) * problem.MinRate;

    /// <summary>
    /// The residuals <c>[S, I]</c> the exact penalty prices, positive exactly where <c>r_i</c> is below the training target
    /// t: <c>t − r_i</c> (<see cref="RatePenalty.Gap"/>) or <c>log2(t / r_i)</c> with r_i floored at 10⁻⁴·t
    /// (<see cref="RatePenalty.LogRatio"/>).
    /// </summary>
    public static Tensor RatePenaltyResiduals(Tensor rates, MecCellFreeTensors problem, CmtsslConfig config)
    {
        double target = TrainingMinRate(problem, config);
        return config.RatePenalty == RatePenalty.Gap ? target - rates : (target / rates.clamp_min(1e-4 * target)).log2();
    }

    /// <summary>The task losses <c>[S, K]</c> and the rates <c>[S, I]</c> of the (budget-projected) allocation they score.</summary>
    private static (Tensor Losses, Tensor Rates) TaskLossesAndRates(Proposal proposal, MecCellFreeTensors problem, CmtsslConfig config)
    {
        var raw = AllocationHead.ToAllocation(proposal, config.SaGradient, training: true);
        var t = DownlinkRate.Tasks(problem, AllocationHead.WithinBudget(raw, config.BudgetLayerW));
        var rateGaps = TrainingMinRate(problem, config) - t.Rates;
        return (config.Loss.TaskLosses(t.Objective, rateGaps, DownlinkRate.SbsPowers(raw) - problem.PowerMaxW), t.Rates);
    }

    /// <summary>The loss of the SBSs' reports and each SBS's gradient (what is broadcast back).</summary>
    public static (Tensor Loss, MbsFeedback[] Feedback) Critique(IReadOnlyList<Proposal> reports, MecCellFreeTensors problem, CmtsslConfig config)
    {
        var received = reports.Select(r => new Proposal(Leaf(r.BeamRe), Leaf(r.BeamIm), Leaf(r.Scores), Leaf(r.Beta))).ToList();
        var loss = JointLoss(Aggregate(received), problem, config);
        var inputs = received.SelectMany(r => r.Tensors).ToList();
        var gradients = autograd.grad(new[] { loss }, inputs, allow_unused: true);
        double value = loss.item<float>();
        var feedback = received.Select((r, b) =>
        {
            Tensor G(int k) => gradients[4 * b + k] is { } g && !g.IsInvalid ? g : zeros_like(inputs[4 * b + k]);
            return new MbsFeedback(value, G(0), G(1), G(2), G(3));
        }).ToArray();
        return (loss.detach(), feedback);
    }

    /// <summary>
    /// An SBS's side of the update: a scalar whose gradient with respect to the SBS's weights is the chain rule of the MBS's
    /// loss through its own proposal, <c>Σ_t ⟨t, ∂L/∂t⟩</c>, and whose value is 0.
    /// </summary>
    public static Tensor Backpropagate(Proposal own, MbsFeedback feedback)
    {
        var terms = own.Tensors.Zip(feedback.Tensors, (t, g) => (t * g.detach()).sum()).ToArray();
        var total = stack(terms).sum();
        return total - total.detach();
    }

    private static Tensor Leaf(Tensor t) => t.detach().requires_grad_(true);
}
