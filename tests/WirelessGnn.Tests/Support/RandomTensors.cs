using static TorchSharp.torch;

namespace WirelessGnn.Tests.Support;

/// <summary>
/// Seeded random tensors drawn from a <see cref="Random"/> (not torch's global generator), so a test's numbers depend
/// only on its own seed.
/// </summary>
public static class RandomTensors
{
    /// <summary>Values uniform in [<paramref name="low"/>, <paramref name="high"/>), row-major, as a C# array.</summary>
    public static double[] UniformArray(Random rng, long count, double low = -1, double high = 1)
    {
        var data = new double[count];
        for (long i = 0; i < count; i++) data[i] = low + (high - low) * rng.NextDouble();
        return data;
    }

    /// <summary>A tensor of <paramref name="shape"/> with values uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Random rng, long[] shape, ScalarType dtype = ScalarType.Float32, double low = -1, double high = 1) =>
        tensor(UniformArray(rng, shape.Aggregate(1L, (a, b) => a * b), low, high), shape, dtype: dtype);
}
