using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// The base network of a routed multi-task DNN: an <see cref="AdaptiveLinear"/> input layer (a narrower input uses the
/// leading rows of W_1), <see cref="RoutedLinear"/> hidden layers whose weights are multiplied by per-task masks, and an
/// <see cref="AdaptiveLinear"/> output layer (a task with fewer outputs keeps the leading units and their biases).
/// ReLU after every layer but the last. Widths <c>[MaxInputs, h_1, …, h_k, MaxOutputs]</c>: layer 1 maps MaxInputs → h_1,
/// the k−1 routed layers h_j → h_{j+1}, the output layer h_k → MaxOutputs.
/// Forward: <c>x [B, n_in ≤ MaxInputs]</c>, masks (one per routed layer, <c>[h_j, h_{j+1}]</c>, or null for all ones)
/// -> logits <c>[B, n_out ≤ MaxOutputs]</c>. Weights Glorot-uniform, biases zero.
/// </summary>
public sealed class RoutedMlp : nn.Module
{
    private readonly AdaptiveLinear input, output;
    private readonly RoutedLinear[] routed;

    /// <param name="widths">Input width, hidden widths (at least one), output width.</param>
    public RoutedMlp(IReadOnlyList<int> widths) : base(nameof(RoutedMlp))
    {
        if (widths.Count < 3) throw new ArgumentException($"widths: expected input, at least one hidden and output width, got [{string.Join(", ", widths)}].", nameof(widths));
        for (int i = 0; i < widths.Count; i++)
            if (widths[i] < 1) throw new ArgumentOutOfRangeException(nameof(widths), widths[i], $"widths[{i}] = {widths[i]}; expected >= 1.");
        Widths = widths.ToArray();
        input = new AdaptiveLinear(widths[0], widths[1]);
        routed = Enumerable.Range(1, widths.Count - 3).Select(j => new RoutedLinear(widths[j], widths[j + 1])).ToArray();
        output = new AdaptiveLinear(widths[^2], widths[^1]);
        RegisterComponents();
        for (int i = 0; i < routed.Length; i++) register_module($"routed{i}", routed[i]);
        ResetParameters();
    }

    public IReadOnlyList<int> Widths { get; }
    public int MaxInputs => Widths[0];
    public int MaxOutputs => Widths[^1];

    /// <summary>(rows, cols) of each routed layer's mask, in order.</summary>
    public IReadOnlyList<(int Rows, int Cols)> MaskShapes => routed.Select(r => (r.Inputs, r.Outputs)).ToArray();

    /// <summary>Glorot-uniform weights and zero biases (from torch's seeded generator).</summary>
    public void ResetParameters()
    {
        using var noGrad = no_grad();
        foreach (var (_, p) in named_parameters())
        {
            if (p.dim() >= 2) nn.init.xavier_uniform_(p);
            else nn.init.zeros_(p);
        }
    }

    /// <param name="x">Input <c>[B, n_in]</c>, n_in ≤ MaxInputs.</param>
    /// <param name="masks">One mask per routed layer, or null (all ones).</param>
    /// <param name="outputs">Output units kept, 1..MaxOutputs.</param>
    /// <returns>Logits <c>[B, outputs]</c> (no output activation).</returns>
    public Tensor Forward(Tensor x, IReadOnlyList<Tensor>? masks, int outputs)
    {
        if (masks is not null && masks.Count != routed.Length)
            throw new ArgumentException($"masks: {masks.Count} given; expected one per routed layer ({routed.Length}).", nameof(masks));
        var h = input.call(x).relu();
        for (int i = 0; i < routed.Length; i++) h = routed[i].call(h, masks?[i]).relu();
        return output.Forward(h, outputs);
    }
}
