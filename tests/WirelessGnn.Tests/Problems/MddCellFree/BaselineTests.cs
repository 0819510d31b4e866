using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using static WirelessGnn.Tests.Problems.MddCellFree.MddCellFreeData;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// Water-filling (spec §12 item 19: budget used exactly, KKT conditions, equal gains uniform, a weak channel dry),
/// the greedy unfair and equal-power baselines (spec §4.3–4.4) in Case 1 and Case 2, and the calibration of spec §10.8
/// at the defaults.
/// </summary>
[TestFixture]
public class BaselineTests
{
    // --- water-filling --------------------------------------------------------------------------------------------

    [Test]
    public void Water_filling_uses_the_whole_budget_and_meets_the_kkt_conditions()
    {
        var rng = new Random(1);
        for (int trial = 0; trial < 500; trial++)
        {
            int k = 1 + rng.Next(30);
            var gains = Enumerable.Range(0, k).Select(_ => Math.Pow(10, 12 * rng.NextDouble() - 2)).ToArray();
            double budget = Math.Pow(10, 4 * rng.NextDouble() - 3);
            var p = WaterFilling.Allocate(gains, budget, out double mu);
            Assert.That(p, Has.All.GreaterThanOrEqualTo(0.0), "p ≥ 0");
            Relative(budget, p.Sum(), 1e-12, $"trial {trial}: Σ p = P");
            for (int i = 0; i < k; i++)
                if (p[i] > 0) Relative(mu, p[i] + 1 / gains[i], 1e-9, $"trial {trial}: active channel {i}: p + 1/g = μ");
                else Assert.That(1 / gains[i], Is.GreaterThanOrEqualTo(mu * (1 - 1e-12)), $"trial {trial}: dry channel {i}: 1/g ≥ μ");
            Assert.That(p.Count(v => v > 0), Is.GreaterThan(0), "the strongest channel always gets power");
        }
    }

    [Test]
    public void Water_filling_small_cases()
    {
        // 1/g = (1, 2): P = 3 gives μ = 3, p = (2, 1); P = 0.5 leaves the second channel dry.
        Assert.That(WaterFilling.Allocate(new[] { 1.0, 0.5 }, 3), Is.EqualTo(new[] { 2.0, 1.0 }).Within(1e-15));
        Assert.That(WaterFilling.Allocate(new[] { 1.0, 0.5 }, 0.5), Is.EqualTo(new[] { 0.5, 0.0 }).Within(1e-15));
        Assert.That(WaterFilling.Allocate(new[] { 7.0, 7.0, 7.0, 7.0 }, 2), Has.All.EqualTo(0.5).Within(1e-15), "equal gains: uniform");
        var weak = WaterFilling.Allocate(new[] { 1e6, 2e6, 1e-9, 5e5 }, 1);
        Assert.That(weak[2], Is.EqualTo(0), "a very weak channel gets nothing");
        Assert.That(weak.Sum(), Is.EqualTo(1).Within(1e-15));
        Assert.That(WaterFilling.Allocate(new[] { 0.0, 4.0 }, 1), Is.EqualTo(new[] { 0.0, 1.0 }), "zero gain gets nothing");
        Assert.That(WaterFilling.Allocate(new[] { 0.0, 0.0 }, 1), Is.EqualTo(new[] { 0.5, 0.5 }), "no gain at all: spread evenly");
        Assert.That(WaterFilling.Allocate(Array.Empty<double>(), 1), Is.Empty);
        Assert.That(WaterFilling.Allocate(new[] { 3.0, 1.0 }, 0), Is.EqualTo(new[] { 0.0, 0.0 }));
        Assert.That(() => WaterFilling.Allocate(new[] { 1.0, -1.0 }, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("gains"));
        Assert.That(() => WaterFilling.Allocate(new[] { 1.0, double.NaN }, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => WaterFilling.Allocate(new[] { 1.0 }, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("budget"));
    }

    // --- greedy unfair and equal power ----------------------------------------------------------------------------

    [Test]
    public void Greedy_water_fills_each_ap_and_each_ms_on_noise_only_gains()
    {
        foreach (var config in new[] { Small, Clustered })
            foreach (var x in Instances(config, 4, 10))
            {
                var p = GreedyUnfair.Allocate(x);
                var apTotals = p.ApTotals();
                for (int l = 0; l < x.Aps; l++)
                {
                    var pairs = (from d in Enumerable.Range(0, x.Mss) where x.Serves[l, d] from m in Enumerable.Range(0, x.DlSubcarriers) select (d, m)).ToArray();
                    if (pairs.Length == 0)
                    {
                        Assert.That(apTotals[l], Is.EqualTo(0), "an idle AP transmits nothing");
                        continue;
                    }
                    Relative(x.ApBudget[l], apTotals[l], 1e-12, $"AP {l} uses its budget");
                    var expected = WaterFilling.Allocate(pairs.Select(q => x.Omega[l, q.d, q.m] * x.Omega[l, q.d, q.m]).ToArray(), x.ApBudget[l]);
                    Assert.That(pairs.Select(q => p.Ap[l, q.d, q.m]), Is.EqualTo(expected), $"AP {l}: water-filling over its served pairs on ω̃²");
                    for (int d = 0; d < x.Mss; d++)
                        if (!x.Serves[l, d])
                            for (int m = 0; m < x.DlSubcarriers; m++) Assert.That(p.Ap[l, d, m], Is.EqualTo(0), "no power to an unserved MS");
                }
                for (int d = 0; d < x.Mss; d++)
                {
                    var aps = x.ServingAps(d);
                    var gains = Enumerable.Range(0, x.UlSubcarriers).Select(m => aps.Length * aps.Length / aps.Sum(l => x.Upsilon[l, d, m])).ToArray();
                    Assert.That(Enumerable.Range(0, x.UlSubcarriers).Select(m => p.Ms[d, m]), Is.EqualTo(WaterFilling.Allocate(gains, x.MsBudget[d])).Within(1e-15),
                        $"MS {d}: water-filling on |𝓛_d|²/Σ υ̃");
                    Relative(x.MsBudget[d], p.MsTotals()[d], 1e-12, $"MS {d} uses its budget");
                }
            }
    }

    [Test]
    public void Equal_power_spreads_each_budget_over_the_served_pairs()
    {
        foreach (var config in new[] { Small, Clustered })
            foreach (var x in Instances(config, 3, 20))
            {
                var p = EqualPower.Allocate(x);
                for (int l = 0; l < x.Aps; l++)
                {
                    int served = Enumerable.Range(0, x.Mss).Count(d => x.Serves[l, d]);
                    for (int d = 0; d < x.Mss; d++)
                        for (int m = 0; m < x.DlSubcarriers; m++)
                            Assert.That(p.Ap[l, d, m], Is.EqualTo(x.Serves[l, d] ? x.ApBudget[l] / (served * x.DlSubcarriers) : 0).Within(1e-15));
                }
                Assert.That(p.Ms, Has.All.EqualTo(x.MsBudget[0] / x.UlSubcarriers).Within(1e-15));
                if (config.Serving == Serving.AllAps)
                    Assert.That(p.Ap, Has.All.EqualTo(x.ApBudget[0] / (x.Mss * x.DlSubcarriers)).Within(1e-15), "Case 1: P_l/(D·M)");
            }
    }

    // --- calibration (spec §10.8) ---------------------------------------------------------------------------------

    [Test]
    public void Calibration_at_the_defaults_matches_the_spec_prototype()
    {
        var instances = Instances(new MddCellFreeConfig(), 200, 1);
        double greedy = instances.Average(x => SpectralEfficiencyOracle.SpectralEfficiency(x, GreedyUnfair.Allocate(x)));
        double equal = instances.Average(x => SpectralEfficiencyOracle.SpectralEfficiency(x, EqualPower.Allocate(x)));
        TestContext.Out.WriteLine($"200 default layouts (seeds 1..200): greedy unfair mean Λ = {greedy:F3}, equal power mean Λ = {equal:F3} nats/s/Hz");
        Assert.That(greedy, Is.InRange(24.5, 26.5), "greedy unfair (spec §10.8: 25.8; paper ≈ 25.0)");
        Assert.That(equal, Is.InRange(23.0, 25.5), "equal power (spec §10.8: 24.2)");
        Assert.That(greedy, Is.GreaterThan(equal));
    }
}
