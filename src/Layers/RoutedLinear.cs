using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace WirelessGnn.Layers;

/// <summary>
/// A linear layer whose weight is multiplied element-wise by a per-task mask (the routed multi-task DNN):
/// <c>y = x (W ⊙ H) + b</c> with <c>x [..., In]</c>, <c>W, H [In, Out]</c> (the field's d_{l-1} × d_l layout),
/// <c>y [..., Out]</c>. The bias is never masked. A masked-out weight receives zero gradient from that task.
/// </summary>
public sealed class RoutedLinear : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public RoutedLinear(int inputs, int outputs, bool hasBias = true) : base(nameof(RoutedLinear))
    {
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "inputs must be >= 1.");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "outputs must be >= 1.");
        Inputs = inputs;
        Outputs = outputs;
        using var init = nn.Linear(inputs, outputs, hasBias);
        weight = new Parameter(init.weight!.detach().t().contiguous());
        if (hasBias) bias = new Parameter(init.bias!.detach().clone());
        RegisterComponents();
    }

    public int Inputs { get; }
    public int Outputs { get; }

    /// <summary>Weight <c>[In, Out]</c>.</summary>
    public Parameter Weight => weight;

    /// <param name="x">Input <c>[..., In]</c>.</param>
    /// <param name="mask">Task mask <c>[In, Out]</c> (soft in [0,1] or binary); null means all ones.</param>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        if (x.shape[^1] != Inputs)
            throw new ArgumentException($"RoutedLinear input: expected last dimension {Inputs}, got shape [{string.Join(", ", x.shape)}].");
        Tensor w = weight;
        if (mask is not null)
        {
            if (mask.dim() != 2 || mask.shape[0] != Inputs || mask.shape[1] != Outputs)
                throw new ArgumentException($"RoutedLinear mask: expected shape [{Inputs}, {Outputs}], got [{string.Join(", ", mask.shape)}].", nameof(mask));
            w = weight * mask;
        }
        var y = x.matmul(w);
        return bias is null ? y : y + bias;
    }
}
