using System.Diagnostics;
using NUnit.Framework;
using WirelessGnn.Layers;
using WirelessGnn.Models.Evaluation;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models;

/// <summary><see cref="MatmulThroughput"/> is a roofline: a real network does not beat FLOPs / measured rate.</summary>
[TestFixture]
public class MatmulThroughputTests
{
    [Test]
    public void A_small_MLP_takes_no_less_than_its_FLOPs_at_the_measured_matmul_rate()
    {
        double rate = MatmulThroughput.Measure(CPU, n: 512, repeats: 3);
        Assert.That(rate, Is.InRange(1e8, 1e14), "FLOP/s of a 512² float32 product");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var widths = new[] { 64, 128, 64 };
        using var mlp = new Mlp(widths);
        var x = randn(4096, 64);
        mlp.call(x).Dispose();                                                      // warm-up
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < 5; r++) mlp.call(x).Dispose();
        double seconds = clock.Elapsed.TotalSeconds / 5;
        double floor = 2.0 * 4096 * Mlp.MultiplyAccumulatesOf(widths) / rate;
        // A quarter of the floor leaves room for a rate measured while the machine was busy.
        Assert.That(seconds, Is.GreaterThan(0.25 * floor), $"MLP {seconds * 1e6:F0} µs against a floor of {floor * 1e6:F0} µs at {rate / 1e9:F1} GFLOP/s");
    }

    [Test]
    public void A_matrix_size_out_of_range_is_refused_by_name()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MatmulThroughput.Measure(CPU, n: 8));
        Assert.That(ex!.Message, Does.Contain("n"));
    }
}
