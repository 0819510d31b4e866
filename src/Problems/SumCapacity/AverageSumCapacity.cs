using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.SumCapacity;

/// <summary>
/// P4 on tensors (batched, differentiable): the capacity <c>log2(1 + Σ_n g_n P_n)</c> and the constraint functions
/// <c>f_n</c> (≤ 0 when met) whose batch means drive the dual variables. The double-precision oracle is
/// <see cref="CapacityOracle"/>.
/// </summary>
public static class AverageSumCapacity
{
    /// <summary>Capacity per sample, bit/s/Hz, <c>[B]</c>, for gains <c>|h_n|²</c> and powers <c>[B, N]</c>.</summary>
    public static Tensor Capacity(Tensor gain, Tensor power) => (gain * power).sum(-1).log1p() / Math.Log(2);

    /// <summary>
    /// The batch means of the constraint functions <c>[C]</c>: per user <c>mean_b(P_n) − P_av</c> (C = N), or as printed
    /// <c>mean_b(Σ_n P_n) − P_av</c> (C = 1). Powers <c>[B, N]</c>. With <paramref name="margin"/> &gt; 0 the budget is
    /// tightened to <c>(1 − margin)·P_av</c>.
    /// </summary>
    public static Tensor ConstraintMeans(Tensor power, SumCapacityConfig config, double margin = 0)
    {
        double budget = (1 - margin) * config.AveragePower;
        return config.Constraint == CapacityConstraint.PerUser
            ? power.mean(new long[] { 0 }) - budget
            : (power.sum(-1).mean() - budget).reshape(1);
    }

    /// <summary>
    /// The average constraint violation of a policy on a test set (spec §7.3): per user <c>(1/N) Σ_n max(0, mean(P_n) − P_av)</c>,
    /// as printed <c>max(0, mean(Σ P) − P_av)</c>; <paramref name="meanPower"/> holds the test-set mean of each band's power.
    /// </summary>
    public static double AverageViolation(IReadOnlyList<double> meanPower, SumCapacityConfig config) => config.Constraint == CapacityConstraint.PerUser
        ? meanPower.Average(p => Math.Max(0, p - config.AveragePower))
        : Math.Max(0, meanPower.Sum() - config.AveragePower);
}
