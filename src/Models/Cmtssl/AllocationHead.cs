using TorchSharp;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>
/// Decoded network outputs of b SBSs (spec §5.3): beamformers in √W <c>[S, b, N, I, M_t]</c> (real, imaginary), the
/// continuous allocation scores v̄ <c>[S, b, N, I]</c> and the loss weights β <c>[S, K]</c> (floored).
/// </summary>
public sealed record Proposal(Tensor BeamRe, Tensor BeamIm, Tensor Scores, Tensor Beta)
{
    public IEnumerable<Tensor> Tensors => new[] { BeamRe, BeamIm, Scores, Beta };
}

/// <summary>The output layout (spec §5.3) and the decision layer (spec §5.4).</summary>
public static class AllocationHead
{
    /// <summary>Beamformer, score and weight units: <c>2·b·N·I·M_t + b·N·I + (I + B + 1)</c> (1094 for CMTSSL, 374 per SBS at the defaults).</summary>
    public static int OutputWidth(int sbss, MecCellFreeConfig problem) =>
        2 * sbss * problem.Subcarriers * problem.Users * problem.TxAntennas + sbss * problem.Subcarriers * problem.Users + problem.Tasks;

    /// <summary>Input width <c>2·b·N·I·M_t·M_r</c> (1920 for CMTSSL, 640 per SBS at the defaults).</summary>
    public static int InputWidth(int sbss, MecCellFreeConfig problem) =>
        2 * sbss * problem.Subcarriers * problem.Users * problem.TxAntennas * problem.RxAntennas;

    /// <summary>
    /// Splits sigmoid outputs <c>[S, out]</c> of b SBSs: Re w, Im w (row-major <c>[b, N, I, M_t]</c>), v̄ (<c>[b, N, I]</c>),
    /// then β: every remaining unit (a DATL copy keeps the width of its source system), floored at <paramref name="betaFloor"/>.
    /// </summary>
    public static Proposal Decode(Tensor outputs, int sbss, MecCellFreeConfig problem, BeamformerMapping mapping, double betaFloor)
    {
        long s = outputs.shape[0], n = problem.Subcarriers, i = problem.Users, mt = problem.TxAntennas;
        long beams = sbss * n * i * mt, scores = sbss * n * i;
        if (outputs.shape[1] <= 2 * beams + scores)
            throw new ArgumentException($"outputs: width {outputs.shape[1]} leaves no loss weights after {2 * beams + scores} allocation units.", nameof(outputs));
        var re = outputs.narrow(1, 0, beams).reshape(s, sbss, n, i, mt);
        var im = outputs.narrow(1, beams, beams).reshape(s, sbss, n, i, mt);
        if (mapping == BeamformerMapping.Symmetric)
        {
            re = 2 * re - 1;
            im = 2 * im - 1;
        }
        var v = outputs.narrow(1, 2 * beams, scores).reshape(s, sbss, n, i);
        var beta = outputs.narrow(1, 2 * beams + scores, outputs.shape[1] - 2 * beams - scores).clamp_min(betaFloor);
        return new Proposal(re, im, v, beta);
    }

    /// <summary>
    /// The decision layer: binary <c>v = 1[v̄ &gt; 0.5]</c>; in training with <see cref="SaGradient.StraightThrough"/> its
    /// gradient passes to v̄ unchanged (<c>v̄ + (v − v̄).detach()</c>), with <see cref="SaGradient.RelaxedDuringTraining"/>
    /// training uses v̄ itself.
    /// </summary>
    public static Tensor Decide(Tensor scores, SaGradient gradient, bool training)
    {
        var hard = (scores > 0.5).to_type(scores.dtype);
        if (!training) return hard;
        return gradient switch
        {
            SaGradient.StraightThrough => scores + (hard - scores).detach(),
            SaGradient.RelaxedDuringTraining => scores,
            _ => hard,
        };
    }

    /// <summary>The allocation y = {w, v} of a proposal.</summary>
    public static Allocation ToAllocation(Proposal proposal, SaGradient gradient, bool training) =>
        new(proposal.BeamRe, proposal.BeamIm, Decide(proposal.Scores, gradient, training));
}
