using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Models.MultiTask;

/// <summary>Which form of NFL to use (spec §4.2).</summary>
public enum NflVariant
{
    /// <summary>
    /// The linear branch is the tangent of −1/x at x₁, <c>x/x₁² − 2/x₁</c>: continuous, C¹, positive, increasing, with the
    /// same gradient as the printed form everywhere (spec §4.2 [R], default).
    /// </summary>
    Continuous,
    /// <summary>The paper's printed <c>x/x₁² − 1/x₁</c>, which jumps by −1/x₁ at x₁.</summary>
    PaperAsPrinted,
}

/// <summary>
/// The element-wise task losses of spec §4.1 on tensors, for inputs whose target is −∞ (NFL, EL) or 0 (Huber). Any
/// problem of the same form (objective and constraint residuals to −∞, budgets to 0) can use them.
/// </summary>
public static class TaskLossFunctions
{
    /// <summary>NFL: <c>−1/x</c> for <c>x &lt; x₁ &lt; 0</c>, a line of slope 1/x₁² above (see <see cref="NflVariant"/>).</summary>
    public static Tensor Nfl(Tensor x, double x1, NflVariant variant = NflVariant.Continuous)
    {
        if (!(x1 < 0)) throw new ArgumentOutOfRangeException(nameof(x1), x1, $"x1 = {x1} is out of range; expected < 0.");
        double offset = variant == NflVariant.Continuous ? -2 / x1 : -1 / x1;
        // The hyperbola is evaluated on min(x, x₁) so the unused branch never divides by a number near 0.
        var hyperbola = -1 / x.clamp_max(x1);
        return where(x < x1, hyperbola, x / (x1 * x1) + offset);
    }

    /// <summary>EL: <c>e^x</c> for <c>x &lt; x₂</c>, <c>e^{x₂}(x + 1 − x₂)</c> above (C¹ at x₂).</summary>
    public static Tensor El(Tensor x, double x2) =>
        where(x < x2, x.clamp_max(x2).exp(), Math.Exp(x2) * (x + 1 - x2));

    /// <summary>Huber divided by its threshold: <c>x²/(2x₃)</c> for <c>|x| &lt; x₃</c>, <c>|x| − x₃/2</c> above.</summary>
    public static Tensor Huber(Tensor x, double x3)
    {
        if (!(x3 > 0)) throw new ArgumentOutOfRangeException(nameof(x3), x3, $"x3 = {x3} is out of range; expected > 0.");
        var a = x.abs();
        return where(a < x3, x.square() / (2 * x3), a - x3 / 2);
    }
}
