using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// Splits a budget over slots: each row spends the share <c>σ(t)</c> of its budget, divided over its valid slots by a
/// softmax of the scores, <c>x_k = σ(t)·exp(s_k) / Σ_{k' valid} exp(s_k')</c>. Rows sum to at most 1 by construction, so a
/// decoder that multiplies by the budget never exceeds it. Shapes: scores and mask <c>[..., K]</c>, share logits
/// <c>[...]</c>; output <c>[..., K]</c>, 0 on invalid slots and on rows without any.
/// </summary>
public static class BudgetSplit
{
    public static Tensor Fractions(Tensor scores, Tensor mask, Tensor shareLogits)
    {
        if (!shareLogits.shape.SequenceEqual(scores.shape[..^1]))
            throw new ArgumentException($"shareLogits: shape [{string.Join(", ", shareLogits.shape)}]; expected the scores' leading dimensions [{string.Join(", ", scores.shape[..^1])}].", nameof(shareLogits));
        return TemperatureSoftmax.Probabilities(scores, mask, 1) * shareLogits.sigmoid().unsqueeze(-1);
    }
}
