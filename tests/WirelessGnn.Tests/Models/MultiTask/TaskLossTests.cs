using NUnit.Framework;
using WirelessGnn.Models.MultiTask;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models.MultiTask;

/// <summary>
/// NFL, EL, Huber, the loss schemes and the uncertainty-weighted joint loss (spec §10 items 1–7) against a plain double
/// oracle written from the printed formulas.
/// </summary>
[TestFixture]
public class TaskLossTests
{
    private const double X1 = -1, X2 = 0, X3 = 0.11;

    private static class Oracle
    {
        public static double Nfl(double x, double x1, bool printed) => x < x1 ? -1 / x : x / (x1 * x1) - (printed ? 1 : 2) / x1;
        public static double El(double x, double x2) => x < x2 ? Math.Exp(x) : Math.Exp(x2) * (x + 1 - x2);
        public static double Huber(double x, double x3) => Math.Abs(x) >= x3 ? Math.Abs(x) - x3 / 2 : x * x / (2 * x3);
    }

    private static double Eval(Func<Tensor, Tensor> f, double x) => f(tensor(new[] { x })).data<double>()[0];

    private static readonly (string Name, Func<Tensor, Tensor> Tensor, Func<double, double> Oracle)[] Losses =
    {
        ("NFL continuous", x => TaskLossFunctions.Nfl(x, X1), x => Oracle.Nfl(x, X1, false)),
        ("NFL printed", x => TaskLossFunctions.Nfl(x, X1, NflVariant.PaperAsPrinted), x => Oracle.Nfl(x, X1, true)),
        ("EL", x => TaskLossFunctions.El(x, X2), x => Oracle.El(x, X2)),
        ("Huber", x => TaskLossFunctions.Huber(x, X3), x => Oracle.Huber(x, X3)),
        ("Huber x3=1", x => TaskLossFunctions.Huber(x, 1), x => Oracle.Huber(x, 1)),
    };

    [Test]
    public void Tensor_losses_equal_the_oracle()
    {
        var xs = Enumerable.Range(-400, 801).Select(k => k / 40.0).Where(x => x != 0).ToArray();
        foreach (var (name, t, o) in Losses)
        {
            var got = t(tensor(xs)).data<double>().ToArray();
            for (int k = 0; k < xs.Length; k++) Assert.That(got[k], Is.EqualTo(o(xs[k])).Within(1e-12), $"{name} at {xs[k]}");
        }
    }

    [TestCase(0, X1, TestName = "NFL continuous is continuous at x1")]
    [TestCase(2, X2, TestName = "EL is continuous at x2")]
    [TestCase(3, X3, TestName = "Huber is continuous at +x3")]
    [TestCase(3, -X3, TestName = "Huber is continuous at -x3")]
    public void Continuity_and_matching_slopes(int index, double breakpoint)
    {
        var f = Losses[index].Tensor;
        const double e = 1e-7;
        Assert.That(Math.Abs(Eval(f, breakpoint - e) - Eval(f, breakpoint + e)), Is.LessThan(10 * e));
        double left = (Eval(f, breakpoint - e) - Eval(f, breakpoint - 2 * e)) / e;
        double right = (Eval(f, breakpoint + 2 * e) - Eval(f, breakpoint + e)) / e;
        Assert.That(left, Is.EqualTo(right).Within(1e-5));
    }

    [Test]
    public void Printed_NFL_jumps_by_minus_one_over_x1_with_matching_slopes()
    {
        var f = Losses[1].Tensor;
        const double e = 1e-9;
        Assert.That(Eval(f, X1 - e) - Eval(f, X1 + e), Is.EqualTo(-1 / X1).Within(1e-6));
        // Same gradient as the continuous form everywhere.
        foreach (var x in new[] { -5.0, -1.5, -0.5, 0.3, 2.0 })
        {
            var a = tensor(new[] { x }).requires_grad_(true);
            var b = tensor(new[] { x }).requires_grad_(true);
            TaskLossFunctions.Nfl(a, X1).sum().backward();
            TaskLossFunctions.Nfl(b, X1, NflVariant.PaperAsPrinted).sum().backward();
            Assert.That(a.grad!.item<double>(), Is.EqualTo(b.grad!.item<double>()));
        }
    }

    [Test]
    public void Signs_monotonicity_and_limits()
    {
        var xs = Enumerable.Range(-2000, 4001).Select(k => k / 100.0).ToArray();
        foreach (var (name, f) in new[] { ("NFL", Losses[0].Tensor), ("EL", Losses[2].Tensor), ("exp", (Func<Tensor, Tensor>)(x => x.exp())) })
        {
            var y = f(tensor(xs)).data<double>().ToArray();
            Assert.That(y, Is.All.GreaterThan(0), name);
            for (int k = 1; k < y.Length; k++) Assert.That(y[k], Is.GreaterThan(y[k - 1]), $"{name} increasing at {xs[k]}");
        }
        Assert.That(Eval(Losses[0].Tensor, -1e6), Is.LessThan(1e-5));
        Assert.That(Eval(Losses[2].Tensor, -50), Is.LessThan(1e-20));
        var h = Losses[3].Tensor(tensor(xs)).data<double>().ToArray();
        for (int k = 0; k < xs.Length; k++)
        {
            Assert.That(h[k], Is.GreaterThanOrEqualTo(0));
            Assert.That(h[k], Is.EqualTo(h[xs.Length - 1 - k]).Within(1e-15), "even");
            if (xs[k] != 0) Assert.That(h[k], Is.GreaterThan(0));
        }
        Assert.That(Eval(Losses[3].Tensor, 0), Is.EqualTo(0));
    }

    [Test]
    public void EL_and_exp_agree_within_2e_minus_4_below_the_min_rate()
    {
        var xs = tensor(Enumerable.Range(0, 5001).Select(k => 0.02 - k / 100.0).ToArray());
        var gap = (TaskLossFunctions.El(xs, X2) - xs.exp()).abs().max().item<double>();
        Assert.That(gap, Is.LessThanOrEqualTo(2.1e-4));
        Assert.That(gap, Is.GreaterThan(1e-4), "the gap at 0.02 is e^0.02 − 1.02 ≈ 2.0e-4");
    }

    [Test]
    public void Schemes_order_the_task_losses()
    {
        var f = tensor(new[] { -0.5 });
        var g = tensor(new[,] { { -0.3, 0.01 } });
        var l = tensor(new[,] { { 2.0, -0.05, 0.0 } });
        double[] Row(LossScheme s) => new MultiTaskLoss { Scheme = s }.TaskLosses(f, g, l).data<double>().ToArray();
        Assert.That(Row(LossScheme.Scheme1), Is.EqualTo(new[] { Oracle.Nfl(-0.5, X1, false), Oracle.Nfl(-0.3, X1, false), Oracle.Nfl(0.01, X1, false),
            Oracle.Huber(2, X3), Oracle.Huber(-0.05, X3), 0 }).Within(1e-12));
        Assert.That(Row(LossScheme.Scheme2), Is.EqualTo(new[] { Math.Exp(-0.5), Math.Exp(-0.3), 1.01, Oracle.Huber(2, X3), Oracle.Huber(-0.05, X3), 0 }).Within(1e-12));
        Assert.That(Row(LossScheme.Baseline1), Is.EqualTo(new[] { -0.5, -0.3, 0.01, 2.0, -0.05, 0 }).Within(1e-12));
        Assert.That(Row(LossScheme.Baseline2).Take(3), Is.EqualTo(new[] { 2.0, 1 / 0.3, -100 }).Within(1e-9));
        Assert.That(Row(LossScheme.Baseline3).Take(3), Is.EqualTo(new[] { Math.Exp(-0.5), Math.Exp(-0.3), Math.Exp(0.01) }).Within(1e-12));
    }

    [Test]
    public void The_constraint_penalty_scales_only_violated_residuals()
    {
        var f = tensor(new[] { -0.5 });
        var g = tensor(new[,] { { -0.3, 0.0, 0.01, 0.02 } });
        var l = tensor(new[,] { { 2.0 } });
        const double kappa = 50;
        double[] Row(LossScheme s, double k) => new MultiTaskLoss { Scheme = s, ConstraintPenalty = k }.TaskLosses(f, g, l).data<double>().ToArray();
        double[] residuals = { -0.3, 0.0, 0.01 * (1 + kappa), 0.02 * (1 + kappa) };
        Assert.That(Row(LossScheme.Scheme2, kappa).Skip(1).Take(4), Is.EqualTo(residuals.Select(x => Oracle.El(x, X2))).Within(1e-12));
        Assert.That(Row(LossScheme.Scheme1, kappa).Skip(1).Take(4), Is.EqualTo(residuals.Select(x => Oracle.Nfl(x, X1, false))).Within(1e-12));
        Assert.That(Row(LossScheme.Scheme2, kappa)[0], Is.EqualTo(Math.Exp(-0.5)).Within(1e-12), "the objective task is unchanged");
        Assert.That(Row(LossScheme.Scheme2, kappa)[^1], Is.EqualTo(Oracle.Huber(2, X3)).Within(1e-12), "the budget task is unchanged");
        Assert.That(Row(LossScheme.Scheme2, 0), Is.EqualTo(new[] { Math.Exp(-0.5), Math.Exp(-0.3), 1.0, 1.01, 1.02, Oracle.Huber(2, X3) }).Within(1e-12), "κ = 0 is the paper's");
        // Under the uncertainty weighting a task acts as about ln L: a violated EL constraint pulls (1 + κ)/(1 + (1 + κ)g) times as hard as a met one.
        var x = tensor(new[,] { { -0.5, 0.01 } }).requires_grad_(true);
        new MultiTaskLoss { Scheme = LossScheme.Scheme2, ConstraintPenalty = kappa }.TaskLosses(f, x, l).narrow(1, 1, 2).log().sum().backward();
        var slope = x.grad!.data<double>().ToArray();
        Assert.That(slope[0], Is.EqualTo(1).Within(1e-12));
        Assert.That(slope[1], Is.EqualTo((1 + kappa) / (1 + (1 + kappa) * 0.01)).Within(1e-9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiTaskLoss { ConstraintPenalty = -1 }.Validate());
    }

    [Test]
    public void Exact_penalty_prices_only_positive_residuals_and_is_off_at_zero()
    {
        var g = tensor(new[,] { { -0.3, 0.0, 0.01, 0.02 }, { -1.0, -2.0, -0.5, -0.1 } });
        Assert.That(new MultiTaskLoss().Penalty(g), Is.Null, "μ = 0 is the paper's loss");
        var penalty = new MultiTaskLoss { ExactPenalty = 7 }.Penalty(g)!;
        Assert.That(penalty.data<double>().ToArray(), Is.EqualTo(new[] { 7 * 0.03, 0.0 }).Within(1e-12));
        var x = g.clone().requires_grad_(true);
        new MultiTaskLoss { ExactPenalty = 7 }.Penalty(x)!.sum().backward();
        Assert.That(x.grad!.data<double>().ToArray(), Is.EqualTo(new[] { 0.0, 0, 7, 7, 0, 0, 0, 0 }), "a constant price per unit of violation");
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiTaskLoss { ExactPenalty = -1 }.Validate());
    }

    [Test]
    public void Joint_loss_with_unit_weights_is_the_mean_task_loss()
    {
        var losses = tensor(new[,] { { 0.5, 1.5, 2.0, 0.1 }, { 3.0, 0.2, 0.7, 0.9 } });
        var joint = UncertaintyWeighting.JointLoss(losses, ones_like(losses));
        Assert.That(joint.allclose(losses.mean(new long[] { 1 })), Is.True);
    }

    [Test]
    public void Joint_loss_is_stationary_at_the_optimal_weights()
    {
        double[] l = { 0.5, 1.5, 2.0, 0.1 };
        int k = l.Length;
        var betaStar = l.Select(x => Math.Sqrt(2 * x / k)).ToArray();
        var beta = tensor(betaStar, new long[] { 1, k }).requires_grad_(true);
        var joint = UncertaintyWeighting.JointLoss(tensor(l, new long[] { 1, k }), beta);
        joint.sum().backward();
        Assert.That(beta.grad!.abs().max().item<double>(), Is.LessThan(1e-12));
        Assert.That(joint.item<double>(), Is.EqualTo(k / 2.0 + betaStar.Sum(Math.Log)).Within(1e-12));
    }

    [Test]
    public void Baseline1_joint_loss_is_unbounded_below_and_crosses_the_bound()
    {
        const int k = 14;
        const double floor = 1e-3;
        double previous = double.PositiveInfinity;
        foreach (var b0 in new[] { 0.5, 0.1, 0.01, floor })
        {
            var losses = new MultiTaskLoss { Scheme = LossScheme.Baseline1 }.TaskLosses(tensor(new[] { -0.8 }), full(1, 10, -0.1, dtype: ScalarType.Float64), full(1, 3, 0.5, dtype: ScalarType.Float64));
            var beta = full(1, k, 0.5, dtype: ScalarType.Float64);
            beta[0, 0] = tensor(b0);
            double joint = UncertaintyWeighting.JointLoss(losses, beta).item<double>();
            Assert.That(joint, Is.LessThan(previous));
            previous = joint;
        }
        Assert.That(previous, Is.LessThan(UncertaintyWeighting.LowerBound(k, floor)));
        // Non-negative task losses never cross the bound, whatever the weights above the floor.
        var rng = new Random(1);
        for (int trial = 0; trial < 200; trial++)
        {
            var losses = tensor(Enumerable.Range(0, k).Select(_ => rng.NextDouble() * Math.Pow(10, -6 * rng.NextDouble())).ToArray(), new long[] { 1, k });
            var beta = tensor(Enumerable.Range(0, k).Select(_ => floor + (1 - floor) * rng.NextDouble()).ToArray(), new long[] { 1, k });
            Assert.That(UncertaintyWeighting.JointLoss(losses, beta).item<double>(), Is.GreaterThanOrEqualTo(UncertaintyWeighting.LowerBound(k, floor)));
        }
    }
}
