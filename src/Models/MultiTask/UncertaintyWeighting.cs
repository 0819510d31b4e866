using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Models.MultiTask;

/// <summary>
/// The uncertainty-weighted joint loss of spec §4.5 (eq. 16 with one budget sum):
/// <c>L_Θ = Σ_k L_k/(K β_k²) + log Π_k β_k</c> per sample, with K tasks and per-sample learned weights β &gt; 0.
/// For a fixed L_k &gt; 0 it is minimised at <c>β_k = √(2L_k/K)</c>; for L_k ≤ 0 it is unbounded below as β_k → 0,
/// which is how schemes with negative task losses diverge.
/// </summary>
public static class UncertaintyWeighting
{
    /// <summary>The joint loss per sample <c>[S]</c> of task losses <c>[S, K]</c> and weights β <c>[S, K]</c>.</summary>
    public static Tensor JointLoss(Tensor taskLosses, Tensor beta)
    {
        long k = taskLosses.shape[^1];
        if (beta.shape[^1] != k) throw new ArgumentException($"beta: {beta.shape[^1]} weights; expected one per task ({k}).", nameof(beta));
        return (taskLosses / (k * beta.square())).sum(-1) + beta.log().sum(-1);
    }

    /// <summary>
    /// A lower bound of the joint loss when every task loss is ≥ 0 and every β ≥ <paramref name="betaFloor"/>:
    /// <c>K·ln(β_floor)</c>. A loss below it proves a negative task loss is being exploited, i.e. divergence.
    /// </summary>
    public static double LowerBound(int tasks, double betaFloor) => tasks * Math.Log(betaFloor);
}
