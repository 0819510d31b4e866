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
    /// <summary>
    /// Beamformer, score and weight units: <c>2·b·N·I·M + b·N·I + (I + B + 1)</c> with M = M_t, or M_r for
    /// <see cref="BeamformerMapping.Matched"/> (1094 for CMTSSL, 374 per SBS at the defaults; matched: 614 and 214).
    /// </summary>
    public static int OutputWidth(int sbss, MecCellFreeConfig problem, BeamformerMapping mapping = BeamformerMapping.Paper) =>
        2 * sbss * problem.Subcarriers * problem.Users * BeamUnits(problem, mapping) + sbss * problem.Subcarriers * problem.Users
        + ShareUnits(sbss, problem, mapping) + problem.Tasks;

    /// <summary>
    /// Range κ of the power-share logits of <see cref="BeamformerMapping.PowerShares"/>: a unit's sigmoid output o moves
    /// its link's share by the factor <c>e^{κ(2o − 1)}</c>, at most e^{±10} (±43 dB), about the spread of the link gains.
    /// </summary>
    public const double ShareLogitRange = 10;

    /// <summary>Power-share units, one per link <c>b·N·I</c> for <see cref="BeamformerMapping.PowerShares"/>, else none.</summary>
    public static int ShareUnits(int sbss, MecCellFreeConfig problem, BeamformerMapping mapping) =>
        mapping == BeamformerMapping.PowerShares ? sbss * problem.Subcarriers * problem.Users : 0;

    /// <summary>
    /// Multiply-accumulates of decoding b SBSs' outputs per sample: none for the paper's and the symmetric mapping; for the
    /// matched one, per link <c>4·M_t·M_r</c> (H c), <c>2·M_t·M_r</c> (‖H‖_F²) and <c>2·M_t</c> (scaling); for power shares
    /// also <c>2·M_t</c> (‖H c‖²) and 4 for the softmax.
    /// </summary>
    public static long DecodeMultiplyAccumulates(int sbss, MecCellFreeConfig problem, BeamformerMapping mapping)
    {
        long links = (long)sbss * problem.Subcarriers * problem.Users, mt = problem.TxAntennas, mr = problem.RxAntennas;
        return mapping switch
        {
            BeamformerMapping.Matched => links * (6 * mt * mr + 2 * mt),
            // H c, ‖H‖_F², ‖H c‖², the scaling, and ln, exp, the sum and the square root of the share.
            BeamformerMapping.PowerShares => links * (6 * mt * mr + 4 * mt + 4),
            _ => 0,
        };
    }

    /// <summary>Multiply-accumulates of encoding b SBSs' link gains per sample: <c>2·M_t·M_r</c> per link (a sum of squares), or none.</summary>
    public static long EncodeMultiplyAccumulates(int sbss, MecCellFreeConfig problem, bool linkGains) =>
        linkGains ? 2L * sbss * problem.Subcarriers * problem.Users * problem.TxAntennas * problem.RxAntennas : 0;

    /// <summary>Real units per beamformer and part (real or imaginary): M_t, or M_r for the matched mapping.</summary>
    public static int BeamUnits(MecCellFreeConfig problem, BeamformerMapping mapping) =>
        mapping is BeamformerMapping.Matched or BeamformerMapping.PowerShares ? problem.RxAntennas : problem.TxAntennas;

    /// <summary>
    /// Input width <c>2·b·N·I·M_t·M_r</c> (1920 for CMTSSL, 640 per SBS at the defaults), plus <c>b·N·I</c> with the link
    /// gains (<see cref="AllocationMlp.LinkGains"/>).
    /// </summary>
    public static int InputWidth(int sbss, MecCellFreeConfig problem, bool linkGains = false) =>
        2 * sbss * problem.Subcarriers * problem.Users * problem.TxAntennas * problem.RxAntennas
        + (linkGains ? sbss * problem.Subcarriers * problem.Users : 0);

    /// <summary>
    /// Splits sigmoid outputs <c>[S, out]</c> of b SBSs: Re w, Im w (row-major <c>[b, N, I, M]</c>, M as in
    /// <see cref="BeamUnits"/>), v̄ (<c>[b, N, I]</c>), the power-share units (<c>[b, N, I]</c>, only for
    /// <see cref="BeamformerMapping.PowerShares"/>), then β: every remaining unit (a DATL copy keeps the width of its
    /// source system), floored at <paramref name="betaFloor"/>. The matched mapping needs the channels the outputs were
    /// computed from, <c>[S, b, N, I, M_t, M_r]</c> each.
    /// </summary>
    public static Proposal Decode(Tensor outputs, int sbss, MecCellFreeConfig problem, BeamformerMapping mapping, double betaFloor,
        Tensor? channelRe = null, Tensor? channelIm = null)
    {
        long s = outputs.shape[0], n = problem.Subcarriers, i = problem.Users, m = BeamUnits(problem, mapping);
        long beams = sbss * n * i * m, scores = sbss * n * i, allocation = 2 * beams + scores + ShareUnits(sbss, problem, mapping);
        if (outputs.shape[1] <= allocation)
            throw new ArgumentException($"outputs: width {outputs.shape[1]} leaves no loss weights after {allocation} allocation units.", nameof(outputs));
        var re = outputs.narrow(1, 0, beams).reshape(s, sbss, n, i, m);
        var im = outputs.narrow(1, beams, beams).reshape(s, sbss, n, i, m);
        if (mapping != BeamformerMapping.Paper)
        {
            re = 2 * re - 1;
            im = 2 * im - 1;
        }
        if (mapping is BeamformerMapping.Matched or BeamformerMapping.PowerShares && (channelRe is null || channelIm is null))
            throw new ArgumentException($"channelRe, channelIm: the {mapping} mapping needs the channels the outputs were computed from.", nameof(channelRe));
        if (mapping == BeamformerMapping.Matched) (re, im) = MatchedBeams(channelRe!, channelIm!, re, im);
        if (mapping == BeamformerMapping.PowerShares)
            (re, im) = SharedBeams(channelRe!, channelIm!, re, im, outputs.narrow(1, 2 * beams + scores, scores).reshape(s, sbss, n, i), problem.SbsPowerW);
        var v = outputs.narrow(1, 2 * beams, scores).reshape(s, sbss, n, i);
        var beta = outputs.narrow(1, allocation, outputs.shape[1] - allocation).clamp_min(betaFloor);
        return new Proposal(re, im, v, beta);
    }

    /// <summary>
    /// <c>w = √M_t · H c / ‖H‖_F</c> per link: channels <c>[S, b, N, I, M_t, M_r]</c>, combiners c <c>[S, b, N, I, M_r]</c>
    /// (real, imaginary), beamformers <c>[S, b, N, I, M_t]</c>.
    /// </summary>
    public static (Tensor Re, Tensor Im) MatchedBeams(Tensor hr, Tensor hi, Tensor cr, Tensor ci)
    {
        var norm = MecCellFreeTensors.LinkGains(hr, hi).sqrt().clamp_min(1e-30).unsqueeze(-1);                           // [S, b, N, I, 1]
        var scale = Math.Sqrt(hr.shape[4]) / norm;
        var (dr, di) = ChannelTimesCombiner(hr, hi, cr, ci);
        return (dr * scale, di * scale);
    }

    /// <summary><c>H c</c> per link: channels <c>[S, b, N, I, M_t, M_r]</c>, combiners <c>[S, b, N, I, M_r]</c>; <c>[S, b, N, I, M_t]</c> (real, imaginary).</summary>
    private static (Tensor Re, Tensor Im) ChannelTimesCombiner(Tensor hr, Tensor hi, Tensor cr, Tensor ci)
    {
        var (r, c) = (cr.unsqueeze(-2), ci.unsqueeze(-2));                                                               // [S, b, N, I, 1, M_r]
        return ((hr * r - hi * c).sum(-1), (hr * c + hi * r).sum(-1));
    }

    /// <summary>
    /// The beams of <see cref="BeamformerMapping.PowerShares"/>: direction <c>H c / ‖H c‖</c> and power
    /// <c>P_max·softmax_{(n,i)}(ln‖H‖_F² + κ(2o − 1))</c> per SBS. Channels <c>[S, b, N, I, M_t, M_r]</c>, combiners
    /// <c>[S, b, N, I, M_r]</c> (real, imaginary), share outputs o <c>[S, b, N, I]</c> in (0, 1); beamformers
    /// <c>[S, b, N, I, M_t]</c>, in √W.
    /// </summary>
    public static (Tensor Re, Tensor Im) SharedBeams(Tensor hr, Tensor hi, Tensor cr, Tensor ci, Tensor shareOutputs, double budgetW)
    {
        var (dr, di) = ChannelTimesCombiner(hr, hi, cr, ci);
        var length = (dr.square() + di.square()).sum(-1, keepdim: true).sqrt().clamp_min(1e-30);
        var gain = MecCellFreeTensors.LinkGains(hr, hi).clamp_min(1e-30);                                                 // [S, b, N, I]
        var logits = gain.log() + ShareLogitRange * (2 * shareOutputs - 1);
        var shares = logits.flatten(2).softmax(-1).reshape(gain.shape);
        var amplitude = (budgetW * shares).sqrt().unsqueeze(-1) / length;
        return (dr * amplitude, di * amplitude);
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

    /// <summary>
    /// The allocation y = {w, v} of a proposal; with <paramref name="budgetW"/>, each SBS's beamformers are scaled onto
    /// that budget (<see cref="DownlinkRate.ProjectOntoBudget"/>, differentiable, per SBS so it needs only that SBS's own
    /// w^b and v^b).
    /// </summary>
    public static Allocation ToAllocation(Proposal proposal, SaGradient gradient, bool training, double? budgetW = null) =>
        WithinBudget(new Allocation(proposal.BeamRe, proposal.BeamIm, Decide(proposal.Scores, gradient, training)), budgetW);

    /// <summary>The budget layer: <paramref name="y"/> with each SBS scaled onto <paramref name="budgetW"/> when it exceeds it, or <paramref name="y"/> itself without a budget.</summary>
    public static Allocation WithinBudget(Allocation y, double? budgetW) => budgetW is { } p ? DownlinkRate.ProjectOntoBudget(y, p) : y;

    /// <summary>
    /// Multiply-accumulates per sample of one model over b SBSs: the link-gain encoding, its FC layers
    /// (<paramref name="fullyConnected"/>) and the decoding.
    /// </summary>
    public static long MultiplyAccumulates(int sbss, MecCellFreeConfig problem, BeamformerMapping mapping, bool linkGains, long fullyConnected) =>
        EncodeMultiplyAccumulates(sbss, problem, linkGains) + fullyConnected + DecodeMultiplyAccumulates(sbss, problem, mapping);
}
