using MathNet.Numerics;
using NUnit.Framework;
using WirelessGnn.Problems.MecCellFree;

namespace WirelessGnn.Tests.Problems.MecCellFree;

/// <summary>The 38.901 UMa substitute channel (spec §10 items 32–35), the layout and determinism, and bad configs.</summary>
[TestFixture]
public class MecCellFreeChannelTests
{
    [Test]
    public void Breakpoint_distance_is_336_m_at_table_I()
    {
        Assert.That(UrbanMacro.BreakpointDistance(25, 1.5, 2.1), Is.EqualTo(336).Within(1e-9));
        // PL_1 and PL_2 meet at the breakpoint.
        double bp = 336;
        Assert.That(UrbanMacro.LosPathLossDb(bp - 1e-9, 25, 1.5, 2.1), Is.EqualTo(UrbanMacro.LosPathLossDb(bp + 1e-9, 25, 1.5, 2.1)).Within(1e-6));
        Assert.That(UrbanMacro.NlosPathLossDb(50, 25, 1.5, 2.1), Is.GreaterThanOrEqualTo(UrbanMacro.LosPathLossDb(50, 25, 1.5, 2.1)));
        Assert.That(UrbanMacro.LosProbability(18, 1.5), Is.EqualTo(1));
        Assert.That(UrbanMacro.LosProbability(100, 1.5), Is.EqualTo(0.18 + Math.Exp(-100 / 63.0) * 0.82).Within(1e-12));
    }

    [Test]
    public void Los_fraction_per_distance_bin_matches_the_probability()
    {
        var c = new MecCellFreeConfig { Sbss = 6, Users = 20 };
        var xs = new MecCellFreeSampler(c).Sample(400, 1);
        var bins = new (double Lo, double Hi)[] { (10, 18), (18, 40), (40, 70), (70, 110), (110, 160) };
        foreach (var (lo, hi) in bins)
        {
            double expected = 0, observed = 0;
            int count = 0;
            foreach (var x in xs)
                for (int b = 0; b < x.Sbss; b++)
                    for (int i = 0; i < x.Users; i++)
                    {
                        double d = x.Distance(b, i);
                        if (d < lo || d >= hi) continue;
                        count++;
                        double pr = UrbanMacro.LosProbability(d, c.UserHeight);
                        expected += pr;
                        observed += x.LineOfSight[b, i] ? 1 : 0;
                    }
            Assert.That(count, Is.GreaterThan(200), $"links in [{lo}, {hi})");
            double se = Math.Sqrt(0.25 / count);
            Assert.That(observed / count, Is.EqualTo(expected / count).Within(5 * se), $"bin [{lo}, {hi}) of {count} links");
        }
    }

    [Test]
    public void Mean_channel_power_equals_the_large_scale_gain()
    {
        // E|G_kl|²/10^{−(PL+SF)/10} = K/(K+1) + 1/(K+1) = 1 on every link; averaged in linear power, not dB.
        var c = new MecCellFreeConfig();
        var xs = new MecCellFreeSampler(c).Sample(300, 2);
        double sum = 0, sumSq = 0;
        long count = 0;
        foreach (var x in xs)
            for (int b = 0; b < x.Sbss; b++)
                for (int i = 0; i < x.Users; i++)
                {
                    double gain = Math.Pow(10, -x.LargeScaleLossDb[b, i] / 10);
                    for (int n = 0; n < x.Subcarriers; n++)
                        for (int m = 0; m < x.TxAntennas; m++)
                            for (int k = 0; k < x.RxAntennas; k++)
                            {
                                double r = x.Channel[b, n, i, m, k].MagnitudeSquared() / gain;
                                sum += r;
                                sumSq += r * r;
                                count++;
                            }
                }
        double mean = sum / count, sd = Math.Sqrt(sumSq / count - mean * mean);
        Assert.That(mean, Is.EqualTo(1).Within(5 * sd / Math.Sqrt(count / 32.0)), "normalised power (effective sample size: links, not entries)");
    }

    [Test]
    public void Layout_rules_and_determinism()
    {
        var c = new MecCellFreeConfig { AddedSbss = new[] { new SbsSite(-20, 30) } };
        var sampler = new MecCellFreeSampler(c);
        var xs = sampler.Sample(50, 9);
        Assert.That(xs[0].Sbss, Is.EqualTo(4));
        Assert.That(xs[0].SbsPositions[3, 0], Is.EqualTo(-20));
        foreach (var x in xs)
            for (int i = 0; i < x.Users; i++)
            {
                Assert.That(Math.Sqrt(x.UserPositions[i, 0] * x.UserPositions[i, 0] + x.UserPositions[i, 1] * x.UserPositions[i, 1]), Is.LessThanOrEqualTo(c.DiscRadius));
                for (int b = 0; b < x.Sbss; b++) Assert.That(x.Distance(b, i), Is.GreaterThanOrEqualTo(c.MinDistance));
            }
        var again = new MecCellFreeSampler(c).Sample(3, 10);
        Assert.That(again[0].Channel, Is.EqualTo(xs[1].Channel), "realisation k is seed + k, whatever the count");
        Assert.That(MecCellFreeDataset.Get(c, 3, 10)[2].Channel, Is.EqualTo(xs[3].Channel));
    }

    [Test]
    public void Bad_configs_fail_naming_the_field()
    {
        Assert.That(() => new MecCellFreeConfig { Users = 0 }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("users"));
        Assert.That(() => new MecCellFreeConfig { MinDistance = 5 }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("minDistance"));
        Assert.That(() => new MecCellFreeConfig { AddedSbss = new[] { new SbsSite(500, 0) } }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("addedSbss[0]"));
        Assert.That(() => new MecCellFreeConfig { UserHeight = 20 }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("userHeight"));
    }
}
