using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Layers;

/// <summary>The routing activation, the router and the routed MLP (spec mtl-routing §4, §13 items 1–4, 6–9).</summary>
public sealed class RoutingTests
{
    private static readonly (int, int)[] PaperMasks = { (20, 32), (32, 32), (32, 32), (32, 32), (32, 20) };
    private static readonly int[] PaperWidths = { 20, 20, 32, 32, 32, 32, 20, 20 };

    [Test]
    public void Routing_activation_lies_in_zero_one_is_zero_for_nonpositive_inputs_and_has_the_stated_slope()
    {
        using var scope = NewDisposeScope();
        var x = linspace(-3, 3, 601, dtype: ScalarType.Float64).requires_grad_();
        var y = RoutingActivation.Apply(x, 5);
        Assert.That(y.min().item<double>(), Is.GreaterThanOrEqualTo(0));
        Assert.That(y.max().item<double>(), Is.LessThan(1));
        Assert.That(y.masked_select(x <= 0).abs().max().item<double>(), Is.EqualTo(0));
        var grad = torch.autograd.grad(new[] { y.sum() }, new[] { x })[0];
        var t = (5 * x.detach()).tanh();
        var expected = where(x.detach() > 0, 5 * (1 - t * t), zeros_like(t));
        Assert.That((grad - expected).abs().max().item<double>(), Is.LessThan(1e-12));
        Assert.That(grad.max().item<double>(), Is.LessThanOrEqualTo(5));
        foreach (var at in new[] { -0.7, 0.05, 0.2, 1.3 })
        {
            double h = 1e-6;
            double fd = (RoutingActivation.Apply(tensor(at + h), 5).item<double>() - RoutingActivation.Apply(tensor(at - h), 5).item<double>()) / (2 * h);
            double t0 = Math.Tanh(5 * at);
            Assert.That(fd, Is.EqualTo(at > 0 ? 5 * (1 - t0 * t0) : 0).Within(1e-6), $"x = {at}");
        }
    }

    [Test]
    public void Threshold_gives_exact_zeros_and_ones_with_one_half_mapping_to_zero()
    {
        using var scope = NewDisposeScope();
        var y = tensor(new[] { 0.0, 0.3, 0.5, 0.5 + 1e-9, 0.7, 0.999 });
        Assert.That(RoutingActivation.Threshold(y).data<double>().ToArray(), Is.EqualTo(new double[] { 0, 0, 0, 1, 1, 1 }));
    }

    [Test]
    public void Router_with_the_paper_initialisation_opens_every_path_with_a_usable_gradient()
    {
        torch.manual_seed(3);
        using var router = new Router(14, 20, PaperMasks, gamma: 5, mean: 0.1, std: 0.001);
        Assert.That(router.MaskSize, Is.EqualTo(4352));
        Assert.That(router.parameters().Sum(p => p.numel()), Is.EqualTo(91_692));
        using var scope = NewDisposeScope();
        var masks = router.AllTasks();
        Assert.That(masks.shape, Is.EqualTo(new long[] { 14, 4352 }));
        Assert.That((masks - Math.Tanh(1)).abs().max().item<float>(), Is.LessThan(0.01), "tanh(1) ≈ 0.762");
        var pre = masks.atanh() / 5;
        var slope = 5 * (1 - (5 * pre).tanh().square());
        Assert.That((slope - 2.10).abs().max().item<float>(), Is.LessThan(0.05), "φ' ≈ 2.10");
        var split = router.Split(masks[3]);
        Assert.That(split.Select(m => m.shape), Is.EqualTo(PaperMasks.Select(s => new long[] { s.Item1, s.Item2 })));
        Assert.That(split[1][2, 5].item<float>(), Is.EqualTo(masks[3][20 * 32 + 2 * 32 + 5].item<float>()), "row-major split in order");
    }

    [Test]
    public void A_task_whose_hidden_units_are_all_negative_keeps_its_gradient_only_without_the_relu()
    {
        foreach (var activation in new[] { Activation.ReLU, Activation.None })
        {
            torch.manual_seed(7);
            using var router = new Router(14, 20, PaperMasks, 5, 0.1, 0.001, activation);
            var p = router.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
            using (no_grad())
            {
                p["hidden.weight"].select(1, 3).fill_(-0.1);                  // task 3: every hidden pre-activation −0.1
                p["output.weight"].copy_(randn(p["output.weight"].shape) * 0.1); // mixed signs, so some masks stay open
            }
            using var scope = NewDisposeScope();
            var masks = router.AllTasks();
            masks[3].sum().backward();
            double taskGradient = p["hidden.weight"].grad!.select(1, 3).abs().max().item<float>();
            if (activation == Activation.ReLU)
            {
                Assert.That(masks[3].max().item<float>(), Is.EqualTo(0), "ReLU: the task's masks are φ(bias) = 0");
                Assert.That(taskGradient, Is.EqualTo(0), "ReLU: the task's hidden weights get no gradient (dead for good)");
            }
            else
            {
                Assert.That(masks[3].gt(0).any().item<bool>(), "identity: negative hidden units still open masks");
                Assert.That(taskGradient, Is.GreaterThan(0), "identity: the task's hidden weights keep a gradient");
            }
        }
    }

    [Test]
    public void Routed_mlp_with_all_ones_masks_is_a_plain_mlp_and_counts_the_spec_parameters()
    {
        torch.manual_seed(4);
        using var net = new RoutedMlp(PaperWidths);
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(5_340));
        Assert.That(net.MaskShapes, Is.EqualTo(PaperMasks));
        using var wide = new RoutedMlp(new[] { 21, 20, 32, 32, 32, 32, 20, 20 });
        Assert.That(wide.parameters().Sum(p => p.numel()), Is.EqualTo(5_360));
        foreach (var n in new[] { 5, 12 })
        {
            using var single = new RoutedMlp(new[] { n, 20, 32, 32, 32, 32, 20, n });
            Assert.That(single.parameters().Sum(p => p.numel()), Is.EqualTo(20 * n + 20 + 672 + 3168 + 660 + 20 * n + n));
        }
        using var scope = NewDisposeScope();
        var x = rand(7, 20);
        var ones = net.MaskShapes.Select(s => torch.ones(s.Rows, s.Cols)).ToArray();
        var p = net.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        // Plain MLP from the same weights: AdaptiveLinear stores [out, in], RoutedLinear [in, out].
        var h = nn.functional.linear(x, p["input.weight"], p["input.bias"]).relu();
        for (int i = 0; i < 5; i++) h = (h.matmul(p[$"routed{i}.weight"]) + p[$"routed{i}.bias"]).relu();
        var plain = nn.functional.linear(h, p["output.weight"], p["output.bias"]);
        Assert.That((net.Forward(x, ones, 20) - plain).abs().max().item<float>(), Is.LessThan(1e-5));
        Assert.That((net.Forward(x, null, 20) - plain).abs().max().item<float>(), Is.LessThan(1e-5));
    }

    [Test]
    public void Slicing_a_narrow_input_equals_zero_padding_and_outputs_are_the_leading_units()
    {
        torch.manual_seed(5);
        using var net = new RoutedMlp(PaperWidths);
        using var scope = NewDisposeScope();
        var masks = net.MaskShapes.Select(s => rand(s.Rows, s.Cols)).ToArray();
        foreach (var n in new[] { 5, 8, 15 })
        {
            var x = rand(6, n);
            var sliced = net.Forward(x, masks, n);
            var padded = net.Forward(nn.functional.pad(x, new long[] { 0, 20 - n }), masks, 20).narrow(1, 0, n);
            Assert.That((sliced - padded).abs().max().item<float>(), Is.LessThan(1e-6), $"N = {n}");
        }
    }

    [Test]
    public void A_weight_masked_out_gets_zero_gradient_and_the_rest_do_not()
    {
        torch.manual_seed(6);
        using var net = new RoutedMlp(PaperWidths);
        using var scope = NewDisposeScope();
        var masks = net.MaskShapes.Select(s => (rand(s.Rows, s.Cols) > 0.4).to(ScalarType.Float32)).ToArray();
        net.Forward(rand(32, 12), masks, 12).square().sum().backward();
        var p = net.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        for (int i = 0; i < 5; i++)
        {
            var grad = p[$"routed{i}.weight"].grad!;
            Assert.That(grad.masked_select(masks[i] == 0).abs().max().item<float>(), Is.EqualTo(0), $"routed layer {i}: masked weights");
            Assert.That(grad.masked_select(masks[i] == 1).abs().max().item<float>(), Is.GreaterThan(0), $"routed layer {i}: open weights");
        }
    }

    [Test]
    public void Bad_shapes_fail_with_a_message()
    {
        using var net = new RoutedMlp(PaperWidths);
        using var router = new Router(14, 20, PaperMasks, 5, 0.1, 0.001);
        Assert.Throws<ArgumentException>(() => net.Forward(rand(2, 21), null, 5));
        Assert.Throws<ArgumentException>(() => net.Forward(rand(2, 5), new[] { torch.ones(20, 32) }, 5));
        Assert.Throws<ArgumentException>(() => router.call(torch.ones(1, 13)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Router(14, 20, PaperMasks, gamma: 0, 0.1, 0.001));
    }
}
