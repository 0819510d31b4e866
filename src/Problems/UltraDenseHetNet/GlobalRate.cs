using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// The global rate on tensors, batched and differentiable: the one implementation that scores the model and every
/// baseline (hard, one-hot association) and the relaxed objective the model trains on (soft association), spec §2.3:
/// <c>S_{i,n} = p_n g_{i,n}</c>, <c>I_i = Σ_n (1 − x̂_{i,n}) S_{i,n} + σ²</c>, <c>μ̂_{i,j} = S_{i,j} / I_i</c>,
/// <c>Ñ_j = max(1, Σ_i x̂_{i,j})</c>, <c>r_i = Σ_j x̂_{i,j}/Ñ_j · log2(1 + μ̂_{i,j})</c>, <c>R̂ = Σ_i r_i</c> (B = 1).
/// At a one-hot x̂ this is exactly the hard rate of §1.4, so the hard evaluator is this function at one-hot x̂.
/// Zero-padded UEs (zero gains and x̂ row) and BSs (zero power and gains) contribute nothing.
/// </summary>
public static class GlobalRate
{
    /// <summary>Per-UE rates <c>[B, I]</c> in bit/s/Hz.</summary>
    /// <param name="gainOverNoise">Noise-normalised gains <c>g_{i,j}/σ²</c> per watt, <c>[B, I, J]</c>.</param>
    /// <param name="association">Soft or one-hot association x̂ <c>[B, I, J]</c>, rows summing to 1 on real UEs.</param>
    /// <param name="power">Transmit powers in watts <c>[B, J]</c>.</param>
    /// <param name="mode">How the SINR is formed (identical at one-hot x̂).</param>
    /// <param name="silenceIdleBs">Scale each BS's radiated power by <c>min(1, Σ_i x̂_{i,j})</c> (exact at one-hot x̂: idle BSs are silent).</param>
    public static Tensor UeRates(Tensor gainOverNoise, Tensor association, Tensor power, SinrMode mode = SinrMode.PaperRelaxed, bool silenceIdleBs = false)
    {
        Require.Shape(gainOverNoise, "gainOverNoise", -1, -1, -1);
        Require.Shape(association, "association", gainOverNoise.shape[0], gainOverNoise.shape[1], gainOverNoise.shape[2]);
        Require.Shape(power, "power", gainOverNoise.shape[0], gainOverNoise.shape[2]);
        var load = association.sum(1);                                         // [B, J]
        if (silenceIdleBs) power = power * load.clamp_max(1);
        var received = gainOverNoise * power.unsqueeze(1);                      // S/σ² [B, I, J]
        // Sum the interference terms themselves: "total − signal" cancels in float32 when one BS dominates a UE.
        var sinr = mode == SinrMode.PaperRelaxed
            ? received / (((1 - association) * received).sum(-1, keepdim: true) + 1)
            : received / (received.sum(-1, keepdim: true) - received).clamp_min(0).add(1);
        var spectralEfficiency = sinr.log1p() / Math.Log(2);
        return (association / load.clamp_min(1).unsqueeze(1) * spectralEfficiency).sum(-1);
    }

    /// <summary>R per scene <c>[B]</c>.</summary>
    public static Tensor Total(Tensor gainOverNoise, Tensor association, Tensor power, SinrMode mode = SinrMode.PaperRelaxed, bool silenceIdleBs = false) =>
        UeRates(gainOverNoise, association, power, mode, silenceIdleBs).sum(-1);

    /// <summary>The one-hot x <c>[B, I, J]</c> of serving-BS indices <c>[B, I]</c> (int64; −1 marks a padded UE, row 0).</summary>
    public static Tensor OneHot(Tensor servingBs, long bss)
    {
        var valid = servingBs.ge(0);
        var x = nn.functional.one_hot(servingBs.clamp_min(0), bss).to(ScalarType.Float32);
        return x * valid.unsqueeze(-1).to(ScalarType.Float32);
    }

    /// <summary>
    /// Stacks scenes (same or different sizes, zero-padded): noise-normalised gains <c>[B, I, J]</c>, power limits
    /// <c>[B, J]</c> in watts (0 on padding), UE mask <c>[B, I]</c>, float32.
    /// </summary>
    public static (Tensor GainOverNoise, Tensor MaxPower, Tensor UeMask) ToTensors(IReadOnlyList<HetNetScene> scenes, Device? device = null)
    {
        if (scenes.Count == 0) throw new ArgumentException("scenes: empty; expected at least one scene.", nameof(scenes));
        int b = scenes.Count, ues = scenes.Max(s => s.Ues), bss = scenes.Max(s => s.Bss);
        var gain = new float[b * ues * bss];
        var pmax = new float[b * bss];
        var mask = new float[b * ues];
        for (int n = 0; n < b; n++)
        {
            var s = scenes[n];
            for (int j = 0; j < s.Bss; j++) pmax[n * bss + j] = (float)s.MaxPower[j];
            for (int i = 0; i < s.Ues; i++)
            {
                mask[n * ues + i] = 1;
                for (int j = 0; j < s.Bss; j++)
                {
                    double v = s.Gain[i, j] / s.Noise;
                    if (!(v >= 0) || !float.IsFinite((float)v))
                        throw new ArgumentException($"scenes[{n}].Gain[{i}, {j}] / noise = {v}; expected a finite gain >= 0 (float32 range).", nameof(scenes));
                    gain[(n * ues + i) * bss + j] = (float)v;
                }
            }
        }
        return (tensor(gain, new long[] { b, ues, bss }, device: device), tensor(pmax, new long[] { b, bss }, device: device),
            tensor(mask, new long[] { b, ues }, device: device));
    }
}
