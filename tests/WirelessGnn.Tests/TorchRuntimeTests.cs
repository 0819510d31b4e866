using NUnit.Framework;
using WirelessGnn.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Tests;

/// <summary>
/// The native torch runtime loads and computes: a matrix product with a known result and a backward pass with a known
/// gradient. If libtorch (or the patched libLibTorchSharp) fails to load, these fail first and say so.
/// </summary>
[TestFixture]
public class TorchRuntimeTests
{
    [Test]
    public void Matmul_gives_the_known_product()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        var b = tensor(new float[] { 7, 8, 9, 10, 11, 12 }, new long[] { 3, 2 });
        var c = a.matmul(b);
        Assert.That(c.shape, Is.EqualTo(new long[] { 2, 2 }));
        // [1 2 3; 4 5 6] [7 8; 9 10; 11 12] = [58 64; 139 154]
        Assert.That(c.data<float>().ToArray(), Is.EqualTo(new float[] { 58, 64, 139, 154 }));
        Assert.That(c.device_type, Is.EqualTo(DeviceType.CPU));
    }

    [Test]
    public void Backward_gives_the_known_gradient()
    {
        using var scope = NewDisposeScope();
        // L = Σ_i w_i x_i^3 + Σ (A x)   with x = (1, 2, 3), w = (1, -1, 2), A = [[1, 0, 2], [0, 3, 0]]
        // dL/dx_i = 3 w_i x_i^2 + Σ_r A_ri = (3 + 1, -12 + 3, 54 + 2) = (4, -9, 56)
        var x = tensor(new double[] { 1, 2, 3 }, dtype: float64).requires_grad_(true);
        var w = tensor(new double[] { 1, -1, 2 }, dtype: float64);
        var a = tensor(new double[] { 1, 0, 2, 0, 3, 0 }, new long[] { 2, 3 }, dtype: float64);
        var loss = (w * x.pow(3)).sum() + a.matmul(x).sum();
        Assert.That(loss.item<double>(), Is.EqualTo(1 - 8 + 54 + 7 + 6).Within(1e-12));
        loss.backward();
        Assert.That(x.grad, Is.Not.Null);
        TensorAssert.Close(new double[] { 4, -9, 56 }, x.grad!, 1e-12, "dL/dx");
    }

    [Test]
    public void Float64_and_dispose_scopes_work()
    {
        Tensor kept;
        using (var scope = NewDisposeScope())
        {
            var t = arange(4, dtype: float64) * 0.5;
            kept = (t * t).sum().MoveToOuterDisposeScope();
            Assert.That(scope.DisposablesCount, Is.GreaterThan(0), "temporaries are tracked by the scope");
        }
        Assert.That(kept.IsInvalid, Is.False, "a tensor moved out of a scope survives it");
        Assert.That(kept.item<double>(), Is.EqualTo(0.25 * (0 + 1 + 4 + 9)).Within(1e-15));
        kept.Dispose();
    }
}
