using NUnit.Framework;
using WirelessGnn.Problems.Fading;
using WirelessGnn.Problems.SumCapacity;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Problems.RoutedMtl;

/// <summary>The average sum-capacity problem P4: the derived oracle (spec mtl-routing §7.4, §13 items 20–22) and the tensor objective.</summary>
public sealed class CapacityOracleTests
{
    private static readonly SumCapacityConfig Config = new();

    [Test]
    public void The_oracle_has_at_most_one_fractional_band_and_fills_by_gain_over_dual()
    {
        var rng = new Random(1);
        var gains = RayleighGains.Sample(12, 200, 2);
        foreach (var g in gains)
        {
            var dual = g.Select(_ => 0.02 + 0.3 * rng.NextDouble()).ToArray();
            var p = CapacityOracle.Allocate(g, dual, Config.MaxPower);
            Assert.That(p.Count(x => x > 1e-15 && x < Config.MaxPower - 1e-15), Is.LessThanOrEqualTo(1), "fractional bands");
            var full = Enumerable.Range(0, 12).Where(i => p[i] >= Config.MaxPower - 1e-15).Select(i => g[i] / dual[i]).ToList();
            var empty = Enumerable.Range(0, 12).Where(i => p[i] <= 1e-15).Select(i => g[i] / dual[i]).ToList();
            if (full.Count > 0 && empty.Count > 0) Assert.That(full.Min(), Is.GreaterThan(empty.Max()));
            Assert.That(p.All(x => x >= 0 && x <= Config.MaxPower));
        }
    }

    [Test]
    public void The_oracle_is_optimal_for_its_duals_against_random_feasible_points()
    {
        var rng = new Random(4);
        foreach (var g in RayleighGains.Sample(5, 50, 5))
        {
            var dual = Enumerable.Repeat(0.2, 5).ToArray();
            double Value(double[] p) => CapacityOracle.Capacity(g, p) - p.Zip(dual, (x, l) => x * l).Sum();
            double best = Value(CapacityOracle.Allocate(g, dual, Config.MaxPower));
            for (int t = 0; t < 200; t++)
                Assert.That(best, Is.GreaterThanOrEqualTo(Value(g.Select(_ => rng.NextDouble() * Config.MaxPower).ToArray()) - 1e-12));
        }
    }

    [Test]
    public void A_larger_dual_never_raises_the_total_power()
    {
        foreach (var g in RayleighGains.Sample(8, 100, 6))
        {
            double last = double.PositiveInfinity;
            foreach (var lambda in new[] { 0.01, 0.03, 0.1, 0.2, 0.5, 1, 3 })
            {
                double total = CapacityOracle.Allocate(g, Enumerable.Repeat(lambda, 8).ToArray(), Config.MaxPower).Sum();
                Assert.That(total, Is.LessThanOrEqualTo(last + 1e-12), $"λ = {lambda}");
                last = total;
            }
        }
    }

    [Test]
    public void Per_user_oracle_capacity_at_five_users_matches_the_spec()
    {
        var gains = RayleighGains.Sample(5, 10_000, 7);
        double lambda = CapacityOracle.CommonDual(gains, Config);
        var dual = Enumerable.Repeat(lambda, 5).ToArray();
        var powers = gains.Select(g => CapacityOracle.Allocate(g, dual, Config.MaxPower)).ToArray();
        double capacity = gains.Zip(powers, CapacityOracle.Capacity).Average();
        Assert.That(capacity, Is.EqualTo(2.249).Within(0.02), "spec §7.2: 2.249 bit/s/Hz");
        Assert.That(lambda, Is.EqualTo(0.223).Within(0.01), "spec §7.4: λ* = 0.223");
        Assert.That(powers.Average(p => p.Sum()), Is.EqualTo(5 * Config.AveragePower).Within(1e-3), "the budget is met on average");
    }

    [Test]
    public void Tensor_capacity_and_constraints_equal_the_double_precision_versions()
    {
        var rng = new Random(8);
        var g = RayleighGains.Sample(6, 10, 9);
        var p = g.Select(_ => Enumerable.Range(0, 6).Select(_ => rng.NextDouble()).ToArray()).ToArray();
        using var scope = NewDisposeScope();
        var pt = tensor(p.SelectMany(r => r).ToArray(), new long[] { 10, 6 });
        var c = AverageSumCapacity.Capacity(tensor(g.SelectMany(r => r).ToArray(), new long[] { 10, 6 }), pt).data<double>().ToArray();
        for (int s = 0; s < 10; s++) Assert.That(c[s], Is.EqualTo(CapacityOracle.Capacity(g[s], p[s])).Within(1e-12));
        var perUser = AverageSumCapacity.ConstraintMeans(pt, Config).data<double>().ToArray();
        var meanPower = Enumerable.Range(0, 6).Select(n => p.Average(r => r[n])).ToArray();
        for (int n = 0; n < 6; n++) Assert.That(perUser[n], Is.EqualTo(meanPower[n] - Config.AveragePower).Within(1e-12));
        var tightened = AverageSumCapacity.ConstraintMeans(pt, Config, margin: 0.03).data<double>().ToArray();
        for (int n = 0; n < 6; n++) Assert.That(tightened[n], Is.EqualTo(meanPower[n] - 0.97 * Config.AveragePower).Within(1e-12), "margin tightens the budget");
        var printed = Config with { Constraint = CapacityConstraint.SumAsPrinted };
        Assert.That(AverageSumCapacity.ConstraintMeans(pt, printed).data<double>().ToArray(), Is.EqualTo(new[] { meanPower.Sum() - 0.5 }).Within(1e-12));
        Assert.That(AverageSumCapacity.AverageViolation(new[] { 0.6, 0.4, 0.5 }, Config), Is.EqualTo(0.1 / 3).Within(1e-15));
        Assert.That(AverageSumCapacity.AverageViolation(new[] { 0.3, 0.4 }, printed), Is.EqualTo(0.2).Within(1e-15));
    }

    [Test]
    public void Rayleigh_gains_are_exponential_with_unit_mean_and_seeded()
    {
        var a = RayleighGains.Sample(4, 20_000, 1);
        Assert.That(a.SelectMany(r => r).Average(), Is.EqualTo(1).Within(0.02));
        Assert.That(a.SelectMany(r => r).Average(x => x * x), Is.EqualTo(2).Within(0.08), "E[X²] = 2 for Exp(1)");
        Assert.That(RayleighGains.Sample(4, 3, 1).SelectMany(r => r), Is.EqualTo(a.Take(3).SelectMany(r => r)));
    }
}
