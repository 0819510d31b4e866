using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace WirelessGnn.Layers;

/// <summary>
/// A linear map with one weight sized for the maximum widths <c>[MaxOutputs, MaxInputs]</c>. An input narrower than
/// <see cref="MaxInputs"/> uses the leading columns of the weight (the "deactivated" columns contribute nothing), and
/// asking for fewer outputs keeps the leading rows. So one trained model serves networks with fewer antennas, users
/// or subcarriers. <c>[..., n_in] -> [..., n_out]</c> with n_in &lt;= MaxInputs, n_out &lt;= MaxOutputs.
/// Slicing equals zero-padding the input to MaxInputs and truncating the output.
/// </summary>
public sealed class AdaptiveLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public AdaptiveLinear(int maxInputs, int maxOutputs, bool hasBias = true) : base(nameof(AdaptiveLinear))
    {
        if (maxInputs < 1) throw new ArgumentOutOfRangeException(nameof(maxInputs), maxInputs, "maxInputs must be >= 1.");
        if (maxOutputs < 1) throw new ArgumentOutOfRangeException(nameof(maxOutputs), maxOutputs, "maxOutputs must be >= 1.");
        MaxInputs = maxInputs;
        MaxOutputs = maxOutputs;
        // Same initialisation as nn.Linear at the maximum width.
        using var init = nn.Linear(maxInputs, maxOutputs, hasBias);
        weight = new Parameter(init.weight!.detach().clone());
        if (hasBias) bias = new Parameter(init.bias!.detach().clone());
        RegisterComponents();
    }

    public int MaxInputs { get; }
    public int MaxOutputs { get; }

    /// <summary>Weight <c>[MaxOutputs, MaxInputs]</c>.</summary>
    public Parameter Weight => weight;

    /// <summary>All <see cref="MaxOutputs"/> outputs for an input of any width up to <see cref="MaxInputs"/>.</summary>
    public override Tensor forward(Tensor x) => Forward(x, MaxOutputs);

    /// <summary>The first <paramref name="outputs"/> outputs for an input of any width up to <see cref="MaxInputs"/>.</summary>
    public Tensor Forward(Tensor x, int outputs)
    {
        long inputs = x.shape[^1];
        if (inputs < 1 || inputs > MaxInputs)
            throw new ArgumentException($"AdaptiveLinear input width {inputs} is out of range; expected 1..{MaxInputs} (the maximum this layer was built for).");
        if (outputs < 1 || outputs > MaxOutputs)
            throw new ArgumentOutOfRangeException(nameof(outputs), outputs, $"AdaptiveLinear outputs = {outputs}; expected 1..{MaxOutputs}.");
        var w = weight.narrow(0, 0, outputs).narrow(1, 0, inputs);
        var b = bias?.narrow(0, 0, outputs);
        return nn.functional.linear(x, w, b);
    }
}
