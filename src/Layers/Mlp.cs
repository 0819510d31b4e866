using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// A multi-layer perceptron block, the building piece of every layer: each stage is
/// Linear -> activation -> normalisation (the order of CF-HGNN's Ξ networks). Row-wise:
/// <c>[..., widths[0]] -> [..., widths[^1]]</c>; leading dimensions are flattened for the normalisation, so a
/// BatchNorm normalises over all rows whatever the layout.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> layers;

    /// <param name="widths">Input width followed by each stage's output width (at least two entries).</param>
    /// <param name="activation">Activation after each stage.</param>
    /// <param name="normalization">Normalisation after each stage's activation.</param>
    /// <param name="activateLast">Whether the last stage has its activation and normalisation too.</param>
    /// <param name="leakySlope">Negative slope of LeakyReLU.</param>
    /// <param name="bias">Whether the linear maps have a bias.</param>
    /// <param name="normalizeFirst">Linear -> normalisation -> activation instead (the classic FC-BN-ReLU block).</param>
    public Mlp(IReadOnlyList<int> widths, Activation activation = Activation.ReLU, Normalization normalization = Normalization.None,
        bool activateLast = true, double leakySlope = 0.01, bool bias = true, bool normalizeFirst = false) : base(nameof(Mlp))
    {
        if (widths.Count < 2) throw new ArgumentException($"widths: an MLP needs an input and at least one output width, got [{string.Join(", ", widths)}].", nameof(widths));
        for (int i = 0; i < widths.Count; i++)
            if (widths[i] < 1) throw new ArgumentOutOfRangeException(nameof(widths), widths[i], $"widths[{i}] = {widths[i]}; expected >= 1.");
        InputWidth = widths[0];
        MultiplyAccumulates = MultiplyAccumulatesOf(widths);
        OutputWidth = widths[^1];
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 1; i < widths.Count; i++)
        {
            stages.Add(($"linear{i}", nn.Linear(widths[i - 1], widths[i], hasBias: bias)));
            bool last = i == widths.Count - 1;
            if (last && !activateLast) break;
            var act = ActivationModules.Create(activation, leakySlope);
            nn.Module<Tensor, Tensor>? norm = normalization switch
            {
                Normalization.BatchNorm => nn.BatchNorm1d(widths[i]),
                Normalization.LayerNorm => nn.LayerNorm(widths[i]),
                _ => null,
            };
            if (normalizeFirst && norm is not null) stages.Add(($"norm{i}", norm));
            if (act is not null) stages.Add(($"act{i}", act));
            if (!normalizeFirst && norm is not null) stages.Add(($"norm{i}", norm));
        }
        layers = nn.Sequential(stages);
        RegisterComponents();
    }

    public int InputWidth { get; }
    public int OutputWidth { get; }
    /// <summary>Multiply-accumulates of the linear maps per row, <c>Σ in·out</c> (about half the FLOPs).</summary>
    public long MultiplyAccumulates { get; }

    /// <summary>Multiply-accumulates per row of an MLP with these widths, without building it.</summary>
    public static long MultiplyAccumulatesOf(IReadOnlyList<int> widths) => Enumerable.Range(1, widths.Count - 1).Sum(i => (long)widths[i - 1] * widths[i]);

    public override Tensor forward(Tensor x)
    {
        if (x.dim() < 1 || x.shape[^1] != InputWidth)
            throw new ArgumentException($"MLP input: expected last dimension {InputWidth}, got shape [{string.Join(", ", x.shape)}].");
        if (x.dim() == 2) return layers.call(x);
        var lead = x.shape[..^1];
        var y = layers.call(x.reshape(-1, InputWidth));
        return y.reshape(lead.Append(OutputWidth).ToArray());
    }
}
