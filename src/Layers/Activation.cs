using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>Element-wise nonlinearities used by the layers.</summary>
public enum Activation
{
    None,
    ReLU,
    /// <summary>LeakyReLU with the slope given where it is used (0.01 by default).</summary>
    LeakyReLU,
    Tanh,
    Sigmoid,
}

/// <summary>Row-wise normalisation after an activation.</summary>
public enum Normalization
{
    None,
    /// <summary>BatchNorm over the rows (nodes or edges) of the batch; padded rows never count.</summary>
    BatchNorm,
    LayerNorm,
}

internal static class ActivationModules
{
    public static nn.Module<Tensor, Tensor>? Create(Activation activation, double leakySlope) => activation switch
    {
        Activation.None => null,
        Activation.ReLU => nn.ReLU(),
        Activation.LeakyReLU => new LeakyReLU(leakySlope),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}

/// <summary>
/// LeakyReLU holding its slope as one long-lived <see cref="Scalar"/>. TorchSharp's own module turns the slope into a
/// temporary Scalar on every call; once its handle is passed to native code nothing keeps the temporary alive, and a
/// concurrent GC may finalise (free) it while libtorch still reads it. We saw exactly that once, after ~10^6 calls of
/// a training run ("Expected false to be true ... toFloat"). A field keeps the Scalar alive as long as the module.
/// </summary>
internal sealed class LeakyReLU : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _slope;

    public LeakyReLU(double slope) : base(nameof(LeakyReLU)) => _slope = slope.ToScalar();

    public override Tensor forward(Tensor x) => x.leaky_relu(_slope);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _slope.Dispose();
        base.Dispose(disposing);
    }
}
