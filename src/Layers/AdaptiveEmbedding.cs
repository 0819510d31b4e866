using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// Adaptive node embedding (CF-HGNN's Ξ_ada): a bias-free <see cref="AdaptiveLinear"/> from up to
/// <see cref="MaxInputs"/> features to <see cref="EmbeddingWidth"/>, followed by BatchNorm. With
/// <c>learnable: false</c> the map is the fixed identity (dedicated-size mode: only the BatchNorm learns).
/// Row-wise: <c>[..., n_in] -> [..., EmbeddingWidth]</c>.
/// </summary>
public sealed class AdaptiveEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly AdaptiveLinear? linear;
    private readonly nn.Module<Tensor, Tensor>? norm;

    public AdaptiveEmbedding(int maxInputs, int embeddingWidth, bool learnable = true, bool batchNorm = true) : base(nameof(AdaptiveEmbedding))
    {
        if (!learnable && maxInputs != embeddingWidth)
            throw new ArgumentException($"A fixed (identity) embedding needs embeddingWidth == maxInputs; got {embeddingWidth} and {maxInputs}.", nameof(embeddingWidth));
        MaxInputs = maxInputs;
        EmbeddingWidth = embeddingWidth;
        if (learnable) linear = new AdaptiveLinear(maxInputs, embeddingWidth, hasBias: false);
        if (batchNorm) norm = nn.BatchNorm1d(embeddingWidth);
        RegisterComponents();
    }

    public int MaxInputs { get; }
    public int EmbeddingWidth { get; }

    public override Tensor forward(Tensor x)
    {
        long inputs = x.shape[^1];
        if (inputs < 1 || inputs > MaxInputs)
            throw new ArgumentException($"AdaptiveEmbedding input width {inputs} is out of range; expected 1..{MaxInputs}.");
        var y = linear is not null
            ? linear.call(x)
            : inputs == MaxInputs ? x : nn.functional.pad(x, new long[] { 0, MaxInputs - inputs });
        if (norm is null) return y;
        var lead = y.shape[..^1];
        return norm.call(y.reshape(-1, EmbeddingWidth)).reshape(lead.Append(EmbeddingWidth).ToArray());
    }
}
