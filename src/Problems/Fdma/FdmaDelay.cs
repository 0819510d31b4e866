using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.Fdma;

/// <summary>
/// The P3 objective on tensors (batched, differentiable): mean delay over the bands, in milliseconds. The plain-C#
/// double-precision version used as the oracle is <see cref="FdmaKkt.MeanDelayMs"/>.
/// </summary>
public static class FdmaDelay
{
    /// <summary>Mean delay per sample, ms, <c>[B]</c>.</summary>
    /// <param name="snrGain">SNR gains <c>g_n = |h_n|²/(N0 W)</c> <c>[B, N]</c>, 1/W.</param>
    /// <param name="power">Band powers <c>[B, N]</c>, W.</param>
    public static Tensor MeanDelayMs(Tensor snrGain, Tensor power, FdmaConfig config)
    {
        var seconds = config.BitsPerBand / (config.Bandwidth * (snrGain * power).log1p() / Math.Log(2));
        return 1e3 * seconds.mean(new long[] { -1 });
    }
}
