using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.InterferenceChannel;

/// <summary>
/// The sum-rate objective on tensors, batched and differentiable: the one implementation that scores the model
/// and every baseline. Instances of different K are zero-padded; a padded pair has zero gains and contributes a
/// rate of exactly 0 and no interference, so padding never changes a score.
/// </summary>
public static class SumRate
{
    /// <summary>
    /// Per-pair rates in bit/s/Hz, <c>r_i = log2(1 + Snr[i,i]·p_i / (1 + Σ_{j≠i} Snr[i,j]·p_j))</c>.
    /// </summary>
    /// <param name="snr">Noise-normalised full-power gains <c>[B, K, K]</c> (receiver, transmitter).</param>
    /// <param name="power">Power fractions <c>[B, K]</c> in [0, 1].</param>
    /// <returns>Rates <c>[B, K]</c>.</returns>
    public static Tensor Rates(Tensor snr, Tensor power)
    {
        Require.Shape(snr, "snr", -1, -1, -1);
        Require.Shape(power, "power", snr.shape[0], snr.shape[1]);
        if (snr.shape[1] != snr.shape[2]) Require.Shape(snr, "snr", snr.shape[0], snr.shape[1], snr.shape[1]);
        var received = snr * power.unsqueeze(1);                  // [B, K(rx), K(tx)]
        var signal = received.diagonal(0, 1, 2);                  // [B, K]
        // Sum the off-diagonal terms themselves: "row sum − signal" cancels catastrophically when the signal dominates
        // the row (Snr[i,i] ~ 1e9 against interference ~ 1e2 is typical), which in float32 loses whole bits of rate.
        using var diagonal = eye(snr.shape[1], dtype: ScalarType.Bool, device: snr.device);
        var interference = received.masked_fill(diagonal, 0).sum(-1);   // [B, K]
        return (signal / (interference + 1)).log1p() / Math.Log(2);
    }

    /// <summary>Sum rate per instance <c>[B]</c> in bit/s/Hz.</summary>
    public static Tensor Total(Tensor snr, Tensor power) => Rates(snr, power).sum(-1);

    /// <summary>
    /// Per instance, 1 where a real pair's power lies outside [0, 1] by more than <paramref name="tolerance"/> or is
    /// not finite, else 0: <c>[B]</c>. <paramref name="mask"/> <c>[B, K]</c> is 1 on real pairs, 0 on padding.
    /// </summary>
    public static Tensor Violations(Tensor power, Tensor mask, double tolerance = 1e-6)
    {
        Require.Shape(mask, "mask", power.shape[0], power.shape[1]);
        var bad = power.lt(-tolerance).logical_or(power.gt(1 + tolerance)).logical_or(power.isfinite().logical_not());
        return bad.logical_and(mask.gt(0)).any(-1).to_type(ScalarType.Float32);
    }

    /// <summary>Stacks instances, zero-padded to the largest K: <c>Snr [B, K, K]</c> and <c>Mask [B, K]</c>, float32.</summary>
    public static (Tensor Snr, Tensor Mask) ToTensors(IReadOnlyList<InterferenceChannelInstance> instances, Device? device = null)
    {
        if (instances.Count == 0) throw new ArgumentException("instances: empty; expected at least one instance.", nameof(instances));
        int b = instances.Count, k = instances.Max(i => i.Pairs);
        var snr = new float[b * k * k];
        var mask = new float[b * k];
        for (int n = 0; n < b; n++)
        {
            var g = instances[n].Snr;
            int kn = instances[n].Pairs;
            for (int i = 0; i < kn; i++)
            {
                mask[n * k + i] = 1;
                for (int j = 0; j < kn; j++)
                {
                    float v = (float)g[i, j];
                    if (!float.IsFinite(v) || v < 0)
                        throw new ArgumentException($"instances[{n}].Snr[{i}, {j}] = {g[i, j]}; expected a finite gain >= 0 (float32 range).", nameof(instances));
                    snr[(n * k + i) * k + j] = v;
                }
            }
        }
        return (tensor(snr, new long[] { b, k, k }, device: device), tensor(mask, new long[] { b, k }, device: device));
    }
}
