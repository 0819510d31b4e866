using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>SINRs, rates and SE of a batch (all zero on padding).</summary>
/// <param name="DlSinr"><c>[B, D, M]</c>.</param>
/// <param name="UlSinr"><c>[B, D, M̄]</c>.</param>
/// <param name="DlRate">R_d^DL, nats/s/Hz, <c>[B, D]</c>.</param>
/// <param name="UlRate">R_d^UL, nats/s/Hz, <c>[B, D]</c>.</param>
/// <param name="Value">Λ_SE of each layout, nats/s/Hz, <c>[B]</c>.</param>
public sealed record SpectralEfficiencyTensors(Tensor DlSinr, Tensor UlSinr, Tensor DlRate, Tensor UlRate, Tensor Value);

/// <summary>
/// The MDD cell-free objective on tensors, batched and differentiable (spec §2.9–2.10 and the cluster form of §8): the
/// one implementation that training, the model's decisions and every baseline are scored with. The double-precision
/// <see cref="SpectralEfficiencyOracle"/> is its independent check.
/// <code>
/// Q_l = Σ_d,m p_ldm                T_d = Σ_m̄ p_dm̄
/// I_l = ξ̃SI_l Q_l + ξ̃IAI_l/M_sum Σ_l' β_ll' Q_l'      B_d = ξ̃SI_d T_d + ξ̃IMI_d/M_sum Σ_d' β_dd' T_d' + 1
/// SINR_dm = (Σ_l ω̃_ldm √p_ldm)² / (B_d + Σ_l leak_ldm Σ_d'≠d p_ld'm)
/// SINR_dm̄ = |𝓛_d|² p_dm̄ / (Σ_l υ̃_ldm̄ (I_l + 1) + Σ_d'≠d leak_dd'm̄ p_d'm̄)
/// Λ = Σ_d (Σ_m ln(1+SINR_dm) + Σ_m̄ ln(1+SINR_dm̄)) / M_sum
/// </code>
/// Powers on pairs an AP does not serve and on padding are ignored.
/// </summary>
public static class SpectralEfficiency
{
    /// <param name="x">The batch.</param>
    /// <param name="apPower">DL powers p_ldm in W, <c>[B, L, D, M]</c>, ≥ 0.</param>
    /// <param name="msPower">UL powers p_dm̄ in W, <c>[B, D, M̄]</c>, ≥ 0.</param>
    /// <param name="epsilon">
    /// Added under the square root of the DL amplitude (spec A15): 0 for reported values; a small power such as 1e-12 W
    /// in a training loss keeps the gradient finite where a power is exactly zero.
    /// </param>
    public static SpectralEfficiencyTensors Evaluate(MddCellFreeTensors x, Tensor apPower, Tensor msPower, double epsilon = 0)
    {
        CheckShapes(x, apPower, msPower);
        var pAp = Mask(x, apPower);
        var pMs = Mask(x, msPower);
        var msum = x.Subcarriers.unsqueeze(-1);                                                    // [B, 1]

        var q = pAp.sum(new long[] { 2, 3 });                                                      // [B, L]
        var t = pMs.sum(-1);                                                                       // [B, D]
        var apInterference = ApInterference(x, q);
        var msDenominator = x.MsSelfInterference * t + x.InterMs / msum * matmul(x.BetaMs, t.unsqueeze(-1)).squeeze(-1) + 1;

        var root = epsilon > 0 ? (pAp + epsilon).sqrt() : pAp.sqrt();
        var amplitude = (x.Omega * root).sum(1);                                                   // [B, D, M]
        var dlDenominator = msDenominator.unsqueeze(-1);                                           // [B, D, 1]
        if (x.DlLeakage is { } dlLeak)
            dlDenominator = dlDenominator + (dlLeak * (pAp.sum(2, keepdim: true) - pAp)).sum(1);   // Σ_l leak Σ_{d'≠d} p_ld'm
        var dlSinr = amplitude.square() / dlDenominator * x.DlMask.unsqueeze(1);

        var ulSinr = UplinkGain(x) * pMs / UplinkDenominator(x, pMs, UplinkNoise(x, apInterference));

        var dlRate = dlSinr.log1p().sum(-1);
        var ulRate = ulSinr.log1p().sum(-1);
        var value = (dlRate + ulRate).sum(-1) / x.Subcarriers;
        return new SpectralEfficiencyTensors(dlSinr, ulSinr, dlRate, ulRate, value);
    }

    /// <summary>
    /// Raises the UL powers of every MS short of its UL QoS to the per-subcarrier level of condition (20):
    /// <c>p_dm̄ ≥ γ_UL·den_dm̄ / |𝓛_d|²</c> with <c>γ_UL = e^{χ_UL/M̄} − 1</c> and <c>den_dm̄</c> the UL denominator, which
    /// gives <c>R_d^UL ≥ χ_UL</c>.
    /// <list type="bullet">
    /// <item>Case 1: the UL SINR of MS d depends only on the DL powers and on d's own UL powers, so one pass in closed form
    /// meets the QoS of every short MS whose raised powers fit its budget, and never lowers another's UL rate; MSs that
    /// meet their QoS keep their powers. A short MS whose raised powers exceed its budget gets them scaled onto it: the
    /// scoring's <see cref="Project"/> would do the same, so the score is unchanged, and the decision stays within budget.</item>
    /// <item>Case 2 (clustered): the UL MUI <c>Σ_d' leak_dd'm̄ p_d'm̄</c> couples the MSs, so the raise is repeated with
    /// the denominators of the powers so far (the fixed-point power control of Foschini–Miljanic and Yates: powers only
    /// grow, towards the least powers meeting the targets where those exist). An MS is raised only while its raised powers
    /// fit its budget, since one that cannot meet its QoS would only add interference. It stops after
    /// <paramref name="iterations"/> passes or when no power moves by more than 10⁻⁹ of itself.</item>
    /// </list>
    /// Ours, not the paper's (README: <c>uplinkQosFloor</c>).
    /// </summary>
    /// <returns>UL powers <c>[B, D, M̄]</c>; a raised MS is within its budget, the others as given.</returns>
    public static Tensor RaiseUplinkToQos(MddCellFreeTensors x, Tensor apPower, Tensor msPower, int iterations = 100)
    {
        CheckShapes(x, apPower, msPower);
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "iterations: expected at least 1.");
        using var scope = NewDisposeScope();
        var pAp = Mask(x, apPower);
        var pMs = Mask(x, msPower);
        var gamma = ((x.UlQos / x.UlMask.sum(-1).clamp_min(1)).exp() - 1).unsqueeze(-1).unsqueeze(-1);
        var ulGain = UplinkGain(x);
        var floorGain = ulGain.clamp_min(1);                                                       // an MS no AP serves: no division by 0
        var noise = UplinkNoise(x, ApInterference(x, pAp.sum(new long[] { 2, 3 })));               // [B, D, M̄], not UL-dependent
        var qos = x.UlQos.unsqueeze(-1);                                                           // [B, 1]
        Tensor IsShort(Tensor p, Tensor denominator) => (ulGain * p / denominator).log1p().sum(-1) < qos;   // R_d^UL < χ_UL [B, D]
        if (x.UlLeakage is null)
        {
            var isShort = IsShort(pMs, UplinkDenominator(x, pMs, noise)).unsqueeze(-1);                 // [B, D, 1]
            var raised = Mask(x, maximum(pMs, gamma * noise / floorGain));
            return where(isShort, raised * BudgetScale(x.MsBudget, raised.sum(-1)).unsqueeze(-1), pMs).MoveToOuterDisposeScope();
        }
        for (int k = 0; k < iterations; k++)
        {
            using var step = NewDisposeScope();
            var denominator = UplinkDenominator(x, pMs, noise);
            var isShort = IsShort(pMs, denominator);
            var raised = Mask(x, maximum(pMs, gamma * denominator / floorGain));
            var fits = raised.sum(-1) <= x.MsBudget * (1 + 1e-12);
            var next = where((isShort & fits).unsqueeze(-1), raised, pMs);
            bool moved = ((next - pMs).abs() > 1e-9 * pMs.abs().clamp_min(1e-30)).any().item<bool>();
            pMs = next.MoveToOuterDisposeScope();
            if (!moved) break;
        }
        return pMs.MoveToOuterDisposeScope();
    }

    /// <summary>The residual interference at each AP, <c>I_l = ξ̃SI_l Q_l + ξ̃IAI_l/M_sum Σ_l' β_ll' Q_l'</c>, <c>[B, L]</c>.</summary>
    private static Tensor ApInterference(MddCellFreeTensors x, Tensor q) =>
        x.ApSelfInterference * q + x.InterAp / x.Subcarriers.unsqueeze(-1) * matmul(x.BetaAp, q.unsqueeze(-1)).squeeze(-1);

    /// <summary>
    /// The UL SINR denominator <c>Σ_l υ̃_ldm̄ (I_l + 1) + Σ_d'≠d leak_dd'm̄ p_d'm̄</c> (the MUI in Case 2 only), 1 on padding,
    /// <c>[B, D, M̄]</c>, from the UL noise term <paramref name="uplinkNoise"/> <c>[B, D, M̄]</c> and the UL powers <c>[B, D, M̄]</c>.
    /// </summary>
    private static Tensor UplinkDenominator(MddCellFreeTensors x, Tensor pMs, Tensor uplinkNoise)
    {
        var denominator = uplinkNoise;
        if (x.UlLeakage is { } ulLeak) denominator = denominator + (ulLeak * pMs.unsqueeze(1)).sum(2);   // diagonal 0
        return denominator + (1 - x.MsMask.unsqueeze(-1) * x.UlMask.unsqueeze(1));                   // padding: 0 / 1
    }

    /// <summary>The UL signal gain after ZF combining, <c>|𝓛_d|²</c>, <c>[B, D, 1]</c>.</summary>
    private static Tensor UplinkGain(MddCellFreeTensors x) => x.Serves.sum(1).square().unsqueeze(-1);

    /// <summary>The UL noise after ZF combining, <c>Σ_l υ̃_ldm̄ (I_l + 1)</c>, <c>[B, D, M̄]</c>.</summary>
    private static Tensor UplinkNoise(MddCellFreeTensors x, Tensor apInterference) =>
        (x.Upsilon * (apInterference + 1).unsqueeze(-1).unsqueeze(-1)).sum(1);

    /// <summary>DL power of each AP <c>Σ_d,m p_ldm</c> <c>[B, L]</c> and UL power of each MS <c>[B, D]</c>, over served pairs.</summary>
    public static (Tensor Ap, Tensor Ms) Totals(MddCellFreeTensors x, Tensor apPower, Tensor msPower) =>
        (Mask(x, apPower).sum(new long[] { 2, 3 }), Mask(x, msPower).sum(-1));

    /// <summary>
    /// Scales each AP's and each MS's powers down to its budget where it exceeds it (spec §6.5):
    /// <c>p_l ← p_l·min(1, P_l/Σ p_l)</c>, <c>p_d ← p_d·min(1, P_d/Σ p_d)</c>; also zeroes unserved pairs and padding.
    /// </summary>
    public static (Tensor Ap, Tensor Ms) Project(MddCellFreeTensors x, Tensor apPower, Tensor msPower)
    {
        CheckShapes(x, apPower, msPower);
        var (q, t) = Totals(x, apPower, msPower);
        return (Mask(x, apPower) * BudgetScale(x.ApBudget, q).unsqueeze(-1).unsqueeze(-1), Mask(x, msPower) * BudgetScale(x.MsBudget, t).unsqueeze(-1));
    }

    /// <summary>The factor <c>min(1, P/Σp)</c> that scales a node's powers onto its budget, from budgets and totals of one shape.</summary>
    private static Tensor BudgetScale(Tensor budget, Tensor total) => (budget / total.clamp_min(1e-30)).clamp_max(1);

    private static Tensor Mask(MddCellFreeTensors x, Tensor power) => power.dim() == 4
        ? power * x.Serves.unsqueeze(-1) * x.DlMask.unsqueeze(1).unsqueeze(1)
        : power * x.MsMask.unsqueeze(-1) * x.UlMask.unsqueeze(1);

    private static void CheckShapes(MddCellFreeTensors x, Tensor apPower, Tensor msPower)
    {
        var o = x.Omega.shape;
        if (apPower.dim() != 4 || !apPower.shape.SequenceEqual(o))
            throw new ArgumentException($"apPower: shape [{string.Join(", ", apPower.shape)}]; expected [B, L, D, M] = [{string.Join(", ", o)}].", nameof(apPower));
        long[] ms = { o[0], o[2], x.Upsilon.shape[3] };
        if (msPower.dim() != 3 || !msPower.shape.SequenceEqual(ms))
            throw new ArgumentException($"msPower: shape [{string.Join(", ", msPower.shape)}]; expected [B, D, M̄] = [{string.Join(", ", ms)}].", nameof(msPower));
    }
}
