using System.Numerics;

namespace WirelessGnn.Problems.Sampling;

/// <summary>Standard normals by the Box–Muller transform (exact, two per pair of uniforms).</summary>
internal sealed class Gaussian(Random rng)
{
    private double _spare = double.NaN;

    public double Uniform() => rng.NextDouble();

    /// <summary>z ~ N(0, 1).</summary>
    public double Next()
    {
        if (!double.IsNaN(_spare))
        {
            double s = _spare;
            _spare = double.NaN;
            return s;
        }
        var (a, b) = Pair();
        _spare = b;
        return a;
    }

    /// <summary>α ~ CN(0, 1): real and imaginary parts N(0, ½), from one fresh pair.</summary>
    public Complex NextComplex()
    {
        var (a, b) = Pair();
        return new Complex(a * Math.Sqrt(0.5), b * Math.Sqrt(0.5));
    }

    private (double, double) Pair()
    {
        double r = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())); // 1 − U ∈ (0, 1]
        double theta = 2 * Math.PI * rng.NextDouble();
        return (r * Math.Cos(theta), r * Math.Sin(theta));
    }
}
