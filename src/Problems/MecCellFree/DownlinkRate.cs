using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>The task values of P2 (spec §3.2) with the rates and powers they come from.</summary>
/// <param name="Rates">r_i, bit/s/Hz, <c>[S, I]</c>.</param>
/// <param name="Powers">P_b, W, <c>[S, B]</c>.</param>
/// <param name="Objective">f = −Σ_i α_i r_i with α_i = 1, <c>[S]</c> (≤ 0).</param>
/// <param name="RateGaps">g_i = r^min − r_i, <c>[S, I]</c>.</param>
/// <param name="PowerGaps">l_b = P_b − P_max, <c>[S, B]</c>.</param>
public sealed record TaskValues(Tensor Rates, Tensor Powers, Tensor Objective, Tensor RateGaps, Tensor PowerGaps)
{
    public Tensor SumRate => -Objective;
}

/// <summary>
/// The one implementation of the downlink rate, power and task values on tensors (batched, differentiable, real
/// arithmetic). Stream j as received at user i on subcarrier n is <c>u_{n,i,j} = Σ_b v^b_{n,j} (H^b_{n,i})ᴴ w^b_{n,j}</c>
/// (spec §2.3, the SBS contributions add coherently) and the rate is
/// <c>r_i = Σ_n log2(1 + u_{n,i,i}ᴴ A_{n,i}^{-1} u_{n,i,i})</c> with <c>A_{n,i} = Σ_{j≠i} u u^H + σ² I</c>, the
/// matrix-determinant-lemma form of <c>log2|I + S A^{-1}|</c> (spec §2.4). A Hermitian <c>A = X + jY</c> is handled
/// through its real form <c>[[X, −Y], [Y, X]]</c>, for which <c>uᴴA^{-1}u = ũᵀ Ã^{-1} ũ</c> with <c>ũ = [Re u; Im u]</c>;
/// this holds for any M_r and needs no complex autodiff. Everything is scaled by 1/σ so A is I plus interference.
/// </summary>
public static class DownlinkRate
{
    /// <summary>Received streams over σ, real and imaginary parts <c>[S, N, I (receiver), J (stream), M_r]</c>.</summary>
    public static (Tensor Re, Tensor Im) ReceivedStreams(MecCellFreeTensors problem, Allocation y)
    {
        var v = y.Assignment.unsqueeze(-1);
        Tensor xr = y.BeamRe * v, xi = y.BeamIm * v;                       // [S, B, N, J, M_t]
        Tensor hr = problem.ChannelRe, hi = problem.ChannelIm;             // [S, B, N, I, M_t, M_r]
        const string spec = "sbnimk,sbnjm->snijk";
        // conj(h)·x = (h_r x_r + h_i x_i) + j(h_r x_i − h_i x_r)
        var re = einsum(spec, hr, xr) + einsum(spec, hi, xi);
        var im = einsum(spec, hr, xi) - einsum(spec, hi, xr);
        double scale = 1 / Math.Sqrt(problem.NoiseW);
        return (re * scale, im * scale);
    }

    /// <summary>Per-user rates r_i, bit/s/Hz, <c>[S, I]</c> (summed over subcarriers, not normalised by N).</summary>
    public static Tensor UserRates(MecCellFreeTensors problem, Allocation y)
    {
        var (re, im) = ReceivedStreams(problem, y);
        long users = re.shape[2], mr = re.shape[4];
        var z = cat(new[] { re, im }, -1);                                 // [S, N, I, J, 2M_r]
        var zPerp = cat(new[] { -im, re }, -1);
        var others = (1 - eye(users, dtype: re.dtype, device: re.device)).reshape(1, 1, users, users, 1);
        var interference = einsum("snijp,snijq->snipq", z * others, z) + einsum("snijp,snijq->snipq", zPerp * others, zPerp);
        var a = interference + eye(2 * mr, dtype: re.dtype, device: re.device);
        var own = z.diagonal(0, 2, 3).permute(0, 1, 3, 2);                 // [S, N, I, 2M_r]
        var solved = linalg.solve(a, own.unsqueeze(-1)).squeeze(-1);
        var quadratic = (own * solved).sum(-1).clamp_min(0);               // uᴴA⁻¹u ≥ 0; clamp only rounding
        return log1p(quadratic).sum(1) / Math.Log(2);
    }

    /// <summary>Per-SBS transmit powers <c>P_b = Σ_{n,i} v ‖w‖²</c>, W, <c>[S, B]</c>.</summary>
    public static Tensor SbsPowers(Allocation y) =>
        (y.Assignment * (y.BeamRe.square() + y.BeamIm.square()).sum(-1)).sum(new long[] { 2, 3 });

    /// <summary>f, g_i, l_b of the allocation (spec §3.2), with α_i = 1.</summary>
    public static TaskValues Tasks(MecCellFreeTensors problem, Allocation y)
    {
        var rates = UserRates(problem, y);
        var powers = SbsPowers(y);
        return new TaskValues(rates, powers, -rates.sum(-1), problem.MinRate - rates, powers - problem.PowerMaxW);
    }

    /// <summary>
    /// The allocation with each SBS's beamformers scaled onto its budget, <c>w^b ← w^b·min(1, √(P_max/P_b))</c>
    /// (spec §7.3 diagnostic); afterwards <c>P_b ≤ P_max</c>.
    /// </summary>
    public static Allocation ProjectOntoBudget(Allocation y, double powerMaxW)
    {
        var powers = SbsPowers(y);
        var scale = (powerMaxW / powers.clamp_min(1e-30)).sqrt().clamp_max(1).reshape(powers.shape[0], powers.shape[1], 1, 1, 1);
        return y with { BeamRe = y.BeamRe * scale, BeamIm = y.BeamIm * scale };
    }
}
