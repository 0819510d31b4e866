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
        Activation.LeakyReLU => nn.LeakyReLU(leakySlope),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
