using System.Diagnostics;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Evaluation;

/// <summary>
/// The dense float32 matrix-multiply rate of a device under the current torch thread setting: a roofline for small
/// networks. A network doing F FLOPs per instance cannot take less than F / rate per instance on that device, at any
/// batch, since a large square product is the best case of every kernel it runs. Measured here, not looked up.
/// </summary>
public static class MatmulThroughput
{
    /// <summary>
    /// FLOP/s of an <paramref name="n"/>×n by n×n float32 product (2n³ FLOPs): the fastest of <paramref name="repeats"/>
    /// timed products after one warm-up, so the rate is an upper estimate and a floor derived from it a lower bound.
    /// </summary>
    public static double Measure(Device device, int n = 2048, int repeats = 5)
    {
        Require.InRange(n, 64, 16384, nameof(n));
        Require.InRange(repeats, 1, 100, nameof(repeats));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generator = new Generator(1UL, device);
        var a = rand(new long[] { n, n }, float32, device, generator: generator);
        var b = rand(new long[] { n, n }, float32, device, generator: generator);
        double best = double.PositiveInfinity;
        for (int r = 0; r <= repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            using var c = a.matmul(b);
            _ = c[0, 0].item<float>();                      // waits for the product on an asynchronous device
            clock.Stop();
            if (r > 0) best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * (double)n * n / best;
    }
}
