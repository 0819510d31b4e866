using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// Softmax with a temperature over the valid slots of padded score rows (e.g. each user's candidate list):
/// <c>x̂_k = exp(z_k/T) / Σ_{k' valid} exp(z_{k'}/T)</c>, computed as a log-sum-exp so that T = 0.01 with scores of ±1e3
/// stays finite. Invalid slots get probability 0 (log-probability −∞ masked to a finite floor); a row without valid
/// slots is all zeros. Shapes: scores and mask <c>[..., K]</c>.
/// </summary>
public static class TemperatureSoftmax
{
    /// <summary>Log-probabilities <c>[..., K]</c>, floored at <paramref name="floor"/> (also on invalid slots).</summary>
    public static Tensor LogProbabilities(Tensor scores, Tensor mask, double temperature, double floor = -27.631021115928547 /* ln 1e-12 */)
    {
        Check(scores, mask, temperature);
        var valid = mask.to_type(ScalarType.Bool);
        var masked = (scores / temperature).masked_fill(valid.logical_not(), double.NegativeInfinity);
        // A row without valid slots would be all −∞ (NaN softmax); give it zeros and mask it out afterwards.
        var empty = valid.any(-1, keepdim: true).logical_not();
        masked = masked.masked_fill(empty, 0);
        return masked.log_softmax(-1).clamp_min(floor);
    }

    /// <summary>Probabilities <c>[..., K]</c>: rows sum to 1 over valid slots, 0 elsewhere.</summary>
    public static Tensor Probabilities(Tensor scores, Tensor mask, double temperature)
    {
        Check(scores, mask, temperature);
        var valid = mask.to_type(ScalarType.Bool);
        var masked = (scores / temperature).masked_fill(valid.logical_not(), double.NegativeInfinity);
        var empty = valid.any(-1, keepdim: true).logical_not();
        return masked.masked_fill(empty, 0).softmax(-1).masked_fill(valid.logical_not(), 0);
    }

    /// <summary>Entropy of each row's temperature-1 softmax over its valid slots, <c>[...]</c>; between 0 and ln(valid slots).</summary>
    public static Tensor Entropy(Tensor scores, Tensor mask)
    {
        var p = Probabilities(scores, mask, 1);
        var logP = LogProbabilities(scores, mask, 1, floor: -1e30);
        return -(p * logP.masked_fill(p.eq(0), 0)).sum(-1);
    }

    private static void Check(Tensor scores, Tensor mask, double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"temperature = {temperature}; expected a finite value > 0.");
        if (!scores.shape.SequenceEqual(mask.shape))
            throw new ArgumentException($"mask: shape [{string.Join(", ", mask.shape)}] differs from the scores' [{string.Join(", ", scores.shape)}].");
    }
}

/// <summary>
/// The dynamic softmax temperature of HBGNN (Zhang et al., Theorem 5, with the sign slip fixed):
/// <c>T(x) = x(1 − x) / |2x − 1|</c>, clipped to <c>[Min, Max]</c>, and <c>Max</c> where <c>|2x − 1| &lt; 1e-6</c>. Feeding the
/// largest current output x back as T keeps the softmax gradient factor of the top entry at <c>x(1 − x)/T = |2x − 1|</c>,
/// which tends to 1 instead of 0 as the outputs become one-hot.
/// </summary>
public sealed record DynamicTemperature(double Min = 0.01, double Max = 10)
{
    /// <summary>The unclipped <c>x(1 − x)/|2x − 1|</c> (+∞ at x = ½).</summary>
    public static double Raw(double x) => Math.Abs(2 * x - 1) < 1e-6 ? double.PositiveInfinity : x * (1 - x) / Math.Abs(2 * x - 1);

    /// <summary>T for the largest output <paramref name="x"/> ∈ [0, 1], clipped.</summary>
    public double Of(double x)
    {
        if (!(x >= 0 && x <= 1)) throw new ArgumentOutOfRangeException(nameof(x), x, $"x = {x}; expected a probability in [0, 1].");
        return Math.Clamp(Raw(x), Min, Max);
    }
}
