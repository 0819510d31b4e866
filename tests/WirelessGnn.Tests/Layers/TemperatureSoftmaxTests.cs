using NUnit.Framework;
using WirelessGnn.Layers;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Layers;

/// <summary>The temperature softmax over padded slots and HBGNN's dynamic temperature (spec hbgnn.md §10.5, items 24-27).</summary>
[TestFixture]
public class TemperatureSoftmaxTests
{
    [TestCase(0.3, 0.525), TestCase(0.6, 1.2), TestCase(0.75, 0.375), TestCase(0.9, 0.1125), TestCase(0.99, 0.010102)]
    public void Dynamic_temperature_reference_values(double x, double t)
    {
        Assert.That(DynamicTemperature.Raw(x), Is.EqualTo(t).Within(1e-6));
        Assert.That(DynamicTemperature.Raw(1 - x), Is.EqualTo(DynamicTemperature.Raw(x)).Within(1e-12), "T(x) = T(1 - x)");
        Assert.That(x * (1 - x) / DynamicTemperature.Raw(x), Is.EqualTo(Math.Abs(2 * x - 1)).Within(1e-12), "x(1-x)/T = |2x-1|");
    }

    [Test]
    public void Dynamic_temperature_is_clipped_and_maximal_at_one_half()
    {
        var t = new DynamicTemperature(0.01, 10);
        Assert.That(t.Of(0.5), Is.EqualTo(10));
        Assert.That(t.Of(0.999999), Is.EqualTo(0.01));
        Assert.That(t.Of(0.49), Is.EqualTo(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Of(1.5));
    }

    [Test]
    public void Softmax_keeps_its_argmax_for_every_temperature_approaches_one_hot_and_is_stable()
    {
        using var scope = NewDisposeScope();
        var scores = tensor(new float[] { 0.3f, -1.2f, 2.0f, 5f, 1e3f, -1e3f, 7f, 0 }, new long[] { 2, 4 });
        var mask = tensor(new float[] { 1, 1, 1, 0, 1, 1, 1, 0 }, new long[] { 2, 4 });
        foreach (var t in new[] { 10, 1, 0.1, 0.01 })
        {
            var p = TemperatureSoftmax.Probabilities(scores, mask, t);
            TensorAssert.Finite(p, $"T={t}");
            TensorAssert.Close(new double[] { 1, 1 }, p.sum(-1), 1e-6, $"rows sum to 1 at T={t}");
            Assert.That(p[0, 3].item<float>(), Is.EqualTo(0), "masked slot");
            Assert.That(p.argmax(-1).data<long>().ToArray(), Is.EqualTo(new long[] { 2, 0 }), $"argmax at T={t}");
            TensorAssert.Finite(TemperatureSoftmax.LogProbabilities(scores, mask, t), $"log T={t}");
        }
        Assert.That(TemperatureSoftmax.Probabilities(scores, mask, 0.01)[0, 2].item<float>(), Is.EqualTo(1).Within(1e-6), "T -> 0: one-hot");
        var empty = TemperatureSoftmax.Probabilities(scores, zeros_like(mask), 1);
        Assert.That(empty.abs().sum().item<float>(), Is.EqualTo(0), "no valid slot: zeros, not NaN");
    }

    [Test]
    public void Entropy_lies_between_zero_and_log_of_the_valid_slots_with_equality_for_uniform_scores()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new float[] { 1, 1, 1, 0, 1, 1, 1, 1 }, new long[] { 2, 4 });
        var uniform = TemperatureSoftmax.Entropy(full(2, 4, 0.7f), mask);
        TensorAssert.Close(new[] { Math.Log(3), Math.Log(4) }, uniform, 1e-6, "uniform scores");
        var rng = new Random(2);
        for (int n = 0; n < 20; n++)
        {
            var scores = tensor(Enumerable.Range(0, 8).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray(), new long[] { 2, 4 });
            var h = TemperatureSoftmax.Entropy(scores, mask).data<float>().ToArray();
            Assert.That(h[0], Is.InRange(0, Math.Log(3) - 1e-6));
            Assert.That(h[1], Is.InRange(0, Math.Log(4) - 1e-6));
        }
    }
}
