using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// The router's output activation and its hard threshold (routed multi-task DNN): <c>φ(x) = ReLU(tanh(γx)) ∈ [0, 1)</c>,
/// a differentiable stand-in for a step (slope <c>γ(1 − tanh²(γx))</c> for x &gt; 0, 0 otherwise), and after training
/// <c>Sign(ReLU(y − 0.5))</c>: exactly 1 above the threshold, exactly 0 at or below it.
/// </summary>
public static class RoutingActivation
{
    /// <summary><c>ReLU(tanh(γ x))</c>, element-wise, any shape.</summary>
    public static Tensor Apply(Tensor x, double gamma) => (x * gamma).tanh().relu();

    /// <summary><c>Sign(ReLU(y − threshold))</c>: 1 where <c>y &gt; threshold</c>, else 0; same shape and dtype.</summary>
    public static Tensor Threshold(Tensor y, double threshold = 0.5) => (y - threshold).relu().sign();
}
