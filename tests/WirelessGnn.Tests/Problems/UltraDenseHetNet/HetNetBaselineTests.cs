using System.Diagnostics;
using NUnit.Framework;
using WirelessGnn.Problems.UltraDenseHetNet;
using static WirelessGnn.Tests.Problems.UltraDenseHetNet.HetNetScenes;

namespace WirelessGnn.Tests.Problems.UltraDenseHetNet;

/// <summary>
/// The five optimisation baselines of spec §6 (items 32-36 of §10.6): MARAMP's rule, feasibility of every decision,
/// maximum power for the MP baselines, PUF monotonicity and idle BSs off, the keep-best guarantees, MSU's best iterate.
/// </summary>
[TestFixture]
public class HetNetBaselineTests
{
    private static readonly IReadOnlyList<HetNetScene> Scenes = Sample(3, 61);

    private static readonly (string Name, Func<HetNetScene, HetNetDecision> Solve)[] All =
    {
        ("MARAMP", Maramp.Solve), ("MSUAMP", Msuamp.Solve), ("MSUAPC", Msuapc.Solve), ("UAMWSER", Uamwser.Solve), ("JUAPCMWSER", Juapcmwser.Solve),
    };

    [Test]
    public void MARAMP_serves_each_UE_from_its_strongest_signal_at_maximum_power()
    {
        foreach (var s in Scenes)
        {
            var d = Maramp.Solve(s);
            Assert.That(d.Power, Is.EqualTo(s.MaxPower));
            for (int i = 0; i < s.Ues; i++)
                Assert.That(Enumerable.Range(0, s.Bss).All(j => s.MaxPower[j] * s.Gain[i, j] <= s.MaxPower[d.Association[i]] * s.Gain[i, d.Association[i]]), Is.True);
        }
    }

    [Test]
    public void Every_baseline_returns_a_feasible_decision_and_MP_baselines_use_maximum_power()
    {
        foreach (var s in Scenes)
            foreach (var (name, solve) in All)
            {
                var d = solve(s);
                Assert.DoesNotThrow(() => d.CheckFeasible(s), name);
                Assert.That(double.IsFinite(GlobalRateOracle.Rate(s, d)), Is.True, name);
                if (name is "MARAMP" or "MSUAMP" or "UAMWSER") Assert.That(d.Power, Is.EqualTo(s.MaxPower), name);
            }
    }

    [Test]
    public void PUF_never_lowers_its_objective_keeps_the_box_and_switches_idle_BSs_off()
    {
        var s = Scenes[0];
        var a = Maramp.Solve(s).Association;
        var load = new int[s.Bss];
        foreach (var j in a) load[j]++;
        Assume.That(load.Count(n => n == 0), Is.GreaterThan(0), "some BS serves nobody");
        var weights = a.Select(j => 1.0 / load[j]).ToArray();
        var (p, history) = PowerUpdate.Solve(s, a, s.MaxPower, _ => weights);
        Assert.That(history.Count, Is.GreaterThan(1));
        for (int k = 1; k < history.Count; k++) Assert.That(history[k], Is.GreaterThanOrEqualTo(history[k - 1] - 1e-9 * Math.Abs(history[k - 1])), $"sweep {k}");
        for (int j = 0; j < s.Bss; j++)
        {
            Assert.That(p[j], Is.InRange(0, s.MaxPower[j]));
            if (load[j] == 0) Assert.That(p[j], Is.EqualTo(0), $"idle BS {j}");
        }
        // With ω = 1/N the PUF objective is R itself.
        Assert.That(history[^1], Is.EqualTo(GlobalRateOracle.Rate(s, new HetNetDecision(a, p))).Within(1e-9 * history[^1]));
    }

    [Test]
    public void Keep_best_guarantees_hold()
    {
        foreach (var s in Scenes)
        {
            double maramp = GlobalRateOracle.Rate(s, Maramp.Solve(s));
            double uamwser = GlobalRateOracle.Rate(s, Uamwser.Solve(s));
            double juapc = GlobalRateOracle.Rate(s, Juapcmwser.Solve(s));
            Assert.That(uamwser, Is.GreaterThanOrEqualTo(maramp));
            Assert.That(juapc, Is.GreaterThanOrEqualTo(uamwser));
            Assert.That(juapc, Is.GreaterThan(maramp), "JUAPCMWSER is strictly better than MARAMP on these scenes");
        }
    }

    [Test]
    public void MSU_association_returns_at_least_the_first_iterates_utility()
    {
        foreach (var s in Scenes)
        {
            var (a, utility, first) = MaxSumUtilityAssociation.Solve(LinkRates.Compute(s, s.MaxPower));
            Assert.That(utility, Is.GreaterThanOrEqualTo(first));
            Assert.That(a, Has.Length.EqualTo(s.Ues));
        }
    }

    [Test, Category("Reproduction"), Explicit("long: 200 default scenes; run with --filter TestCategory=Reproduction")]
    public void Default_setup_smoke_test_orders_the_baselines()
    {
        var scenes = new HetNetSampler(new UltraDenseHetNetConfig()).Sample(200, 77);
        var mean = All.ToDictionary(b => b.Name, b => scenes.Average(s => GlobalRateOracle.Rate(s, b.Solve(s))));
        TestContext.Out.WriteLine(string.Join(", ", mean.Select(kv => $"{kv.Key} {kv.Value:F2}")));
        Assert.That(mean["MARAMP"], Is.LessThan(mean["JUAPCMWSER"]));
        Assert.That(mean["MARAMP"], Is.InRange(12, 45), "spec §7: 22-27");
        foreach (var m in new[] { "MSUAMP", "UAMWSER", "MSUAPC" })
            Assert.That(mean[m], Is.InRange(mean["MARAMP"], mean["JUAPCMWSER"]), m);
    }
}
