using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Layers;

[TestFixture]
public class AdaptiveAndRoutedLinearTests
{
    [Test]
    public void Adaptive_linear_on_a_narrow_input_equals_the_zero_padded_input_through_the_full_weight()
    {
        torch.manual_seed(1);
        var layer = new AdaptiveLinear(maxInputs: 12, maxOutputs: 9);
        var rng = new Random(2);
        using var scope = NewDisposeScope();
        for (int trial = 0; trial < 20; trial++)
        {
            int inputs = rng.Next(1, 13), outputs = rng.Next(1, 10), rows = rng.Next(1, 7);
            var x = randn(rows, inputs);
            var sliced = layer.Forward(x, outputs);
            var padded = layer.call(nn.functional.pad(x, new long[] { 0, 12 - inputs })).narrow(1, 0, outputs);
            Assert.That(sliced.shape, Is.EqualTo(new long[] { rows, outputs }));
            Assert.That((sliced - padded).abs().max().item<float>(), Is.LessThan(1e-5), $"inputs {inputs}, outputs {outputs}");
        }
    }

    [Test]
    public void Adaptive_linear_gives_zero_gradient_to_the_deactivated_weights()
    {
        torch.manual_seed(3);
        var layer = new AdaptiveLinear(8, 6);
        layer.Forward(randn(5, 3), 4).sum().backward();
        var grad = layer.Weight.grad!;
        Assert.That(grad.narrow(1, 3, 5).abs().max().item<float>(), Is.EqualTo(0f), "columns beyond the input width");
        Assert.That(grad.narrow(0, 4, 2).abs().max().item<float>(), Is.EqualTo(0f), "rows beyond the output width");
        Assert.That(grad.narrow(0, 0, 4).narrow(1, 0, 3).abs().max().item<float>(), Is.GreaterThan(0f), "active block");
    }

    [Test]
    public void Adaptive_linear_rejects_an_input_wider_than_its_maximum()
    {
        var layer = new AdaptiveLinear(4, 2);
        var e = Assert.Throws<ArgumentException>(() => layer.call(ones(2, 5)));
        Assert.That(e!.Message, Does.Contain("1..4"));
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(ones(2, 3), 3));
    }

    [Test]
    public void Fixed_adaptive_embedding_is_the_identity_on_zero_padded_features_and_only_batch_norm_learns()
    {
        var embedding = new AdaptiveEmbedding(maxInputs: 6, embeddingWidth: 6, learnable: false, batchNorm: false);
        using var scope = NewDisposeScope();
        var x = randn(4, 3);
        var y = embedding.call(x);
        Assert.That((y.narrow(1, 0, 3) - x).abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That(y.narrow(1, 3, 3).abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That(embedding.parameters().Count(), Is.EqualTo(0));
        var withNorm = new AdaptiveEmbedding(6, 6, learnable: false);
        Assert.That(withNorm.parameters().Count(), Is.EqualTo(2), "BatchNorm weight and bias only");
        Assert.Throws<ArgumentException>(() => new AdaptiveEmbedding(6, 4, learnable: false));
    }

    [Test]
    public void Routed_linear_with_an_all_ones_mask_is_a_plain_linear_layer()
    {
        torch.manual_seed(4);
        var layer = new RoutedLinear(5, 3);
        using var scope = NewDisposeScope();
        var x = randn(7, 5);
        var masked = layer.call(x, ones(5, 3));
        var plain = layer.call(x, null);
        var manual = x.matmul(layer.Weight) + layer.parameters().Last();
        Assert.That((masked - plain).abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That((masked - manual).abs().max().item<float>(), Is.LessThan(1e-6));
    }

    [Test]
    public void Routed_linear_weights_masked_out_receive_no_gradient()
    {
        torch.manual_seed(5);
        var layer = new RoutedLinear(6, 4);
        var mask = (rand(6, 4) > 0.5).to(float32);
        layer.call(randn(9, 6), mask).square().sum().backward();
        var grad = layer.Weight.grad!;
        Assert.That((grad * (1 - mask)).abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That((grad * mask).abs().max().item<float>(), Is.GreaterThan(0f));
        var e = Assert.Throws<ArgumentException>(() => layer.call(randn(2, 6), ones(4, 6)));
        Assert.That(e!.Message, Does.Contain("[6, 4]"));
    }

    [Test]
    public void Mlp_is_row_wise_whatever_the_leading_dimensions()
    {
        torch.manual_seed(6);
        var mlp = new Mlp(new[] { 3, 8, 2 }, Activation.LeakyReLU, Normalization.BatchNorm);
        mlp.eval();
        using var scope = NewDisposeScope();
        var x = randn(2, 5, 4, 3);
        var y = mlp.call(x);
        Assert.That(y.shape, Is.EqualTo(new long[] { 2, 5, 4, 2 }));
        var rows = mlp.call(x.reshape(-1, 3)).reshape(2, 5, 4, 2);
        Assert.That((y - rows).abs().max().item<float>(), Is.EqualTo(0f));
        Assert.Throws<ArgumentException>(() => new Mlp(new[] { 3 }));
        Assert.Throws<ArgumentException>(() => mlp.call(randn(2, 4)));
    }
}
