using TorchSharp;
using TorchSharp.Modules;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// Scores candidate pairs (a, b) from both ends with a two-stage MLP over the concatenation,
/// <c>z = W₂ act(W₁[x_a, y_b, e_ab] + b₁) + b₂</c>, without forming the concatenation: W₁ splits into column blocks
/// <c>[W_a, W_b, W_e]</c>, so <c>W_a x_a</c> is computed once per left node and <c>W_b y_b</c> once per right node, and each
/// pair only gathers and adds. That turns the first stage's cost from <c>pairs × (d_a + d_b + d_e) × hidden</c> into
/// <c>(left + right nodes) × d × hidden</c> (HBGNN's edge scorer: 1 920 candidate edges against 225 nodes per scene).
/// Its parameters are named as those of <c>Mlp([d_a + d_b + d_e, hidden, out], activateLast: false)</c>
/// (<c>layers.linear1</c>, <c>layers.linear2</c>), so the two load each other's weights and compute the same function.
/// Input: left <c>[B, I, d_a]</c>, right <c>[B, J, d_b]</c>, the right partner of each pair slot <c>[B, I, K]</c> (int64,
/// in 0..J−1) and pair features <c>[B, I, K, d_e]</c>; output <c>[B, I, K, out]</c>.
/// </summary>
public sealed class PairScorer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly ModuleDict<nn.Module<Tensor, Tensor>> layers = new();
    private readonly nn.Module<Tensor, Tensor>? activation;
    private readonly Scalar one = 1.0;     // long-lived: a Scalar per call would be a native allocation per call

    /// <param name="leftWidth">d_a.</param>
    /// <param name="rightWidth">d_b.</param>
    /// <param name="pairFeatureWidth">d_e (may be 0).</param>
    /// <param name="hidden">Width of the first stage.</param>
    /// <param name="output">Scores per pair.</param>
    public PairScorer(int leftWidth, int rightWidth, int pairFeatureWidth, int hidden, int output = 1, Activation activation = Activation.ReLU,
        double leakySlope = 0.01) : base(nameof(PairScorer))
    {
        Require.Valid(leftWidth >= 1, nameof(leftWidth), leftWidth, ">= 1");
        Require.Valid(rightWidth >= 1, nameof(rightWidth), rightWidth, ">= 1");
        Require.Valid(pairFeatureWidth >= 0, nameof(pairFeatureWidth), pairFeatureWidth, ">= 0");
        Require.Valid(hidden >= 1, nameof(hidden), hidden, ">= 1");
        Require.Valid(output >= 1, nameof(output), output, ">= 1");
        LeftWidth = leftWidth;
        RightWidth = rightWidth;
        PairFeatureWidth = pairFeatureWidth;
        this.activation = ActivationModules.Create(activation, leakySlope);
        layers.Add(("linear1", nn.Linear(leftWidth + rightWidth + pairFeatureWidth, hidden)));
        layers.Add(("linear2", nn.Linear(hidden, output)));
        RegisterComponents();
    }

    public int LeftWidth { get; }
    public int RightWidth { get; }
    public int PairFeatureWidth { get; }

    /// <summary>
    /// Multiply-accumulates of one forward pass over <paramref name="leftNodes"/> left and <paramref name="rightNodes"/>
    /// right nodes with <paramref name="pairs"/> scored pairs: the split first stage per node, the pair features and the
    /// second stage per pair (about half the FLOPs; the gathers and adds are not counted).
    /// </summary>
    public long MultiplyAccumulates(long leftNodes, long rightNodes, long pairs)
    {
        long h = First.weight!.shape[0], output = Second.weight!.shape[0];
        return (leftNodes * LeftWidth + rightNodes * RightWidth) * h + pairs * (PairFeatureWidth * h + h * output);
    }

    // Held only in the dict, so that each parameter is registered once, under the Mlp's name.
    private Linear First => (Linear)layers["linear1"];
    private Linear Second => (Linear)layers["linear2"];

    public override Tensor forward(Tensor left, Tensor right, Tensor partner, Tensor pairFeatures)
    {
        Require.Shape(left, nameof(left), -1, -1, LeftWidth);
        long b = left.shape[0], i = left.shape[1];
        Require.Shape(right, nameof(right), b, -1, RightWidth);
        Require.Shape(partner, nameof(partner), b, i, -1);
        if (partner.dtype != ScalarType.Int64) throw new ArgumentException($"partner: dtype {partner.dtype}; expected Int64 indices.", nameof(partner));
        long k = partner.shape[2];
        Require.Shape(pairFeatures, nameof(pairFeatures), b, i, k, PairFeatureWidth);

        var w = First.weight!;                                                                   // [H, d_a + d_b + d_e]
        long h = w.shape[0];
        var fromLeft = left.matmul(w.narrow(1, 0, LeftWidth).t());                              // [B, I, H]
        var fromRight = right.matmul(w.narrow(1, LeftWidth, RightWidth).t());                   // [B, J, H]
        // A row gather on the flattened right nodes (whole rows, where gather with an expanded index reads one int64 per
        // element), indexed by the [B, I, K] index so that the result is a fresh tensor, not a view.
        long j = right.shape[1];
        var rows = partner + arange(b, dtype: ScalarType.Int64, device: partner.device).mul(j).reshape(b, 1, 1);
        var pre = fromRight.reshape(b * j, h).index(TensorIndex.Tensor(rows));                  // [B, I, K, H]
        // That buffer is updated in place (none of these adds needs its inputs for the backward pass), so the layer's
        // largest tensor is allocated twice (here and after the activation), not five times.
        pre.add_(fromLeft.unsqueeze(2));
        for (int c = 0; c < PairFeatureWidth; c++)
            pre.addcmul_(pairFeatures.narrow(-1, c, 1), w.select(1, LeftWidth + RightWidth + c), one);
        if (First.bias is { } bias) pre.add_(bias);
        var hidden = activation is null ? pre : activation.call(pre);
        return Second.call(hidden);
    }
}
