using MathNet.Numerics;
using NUnit.Framework;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;
using Complex = System.Numerics.Complex;

namespace WirelessGnn.Tests.Problems.MecCellFree;

/// <summary>RSA+ZFBF and GSA+ZFBF (spec §10 items 27–31).</summary>
[TestFixture]
public class ZeroForcingAllocationTests
{
    [TestCase(UserSelection.Random, 2)]
    [TestCase(UserSelection.Greedy, 2)]
    [TestCase(UserSelection.Greedy, 4)]
    public void Zero_forcing_nulls_full_power_and_group_size(UserSelection selection, int maxUsers)
    {
        var c = new MecCellFreeConfig();
        var x = new MecCellFreeSampler(c).Draw(3);
        var row = ZeroForcingAllocation.Solve(x, c.SbsPowerW, maxUsers, selection, new Random(1));
        using var scope = NewDisposeScope();
        var y = Allocation.Unflatten(tensor(row, new long[] { 1, row.Length }), c.TotalSbss, c.Subcarriers, c.Users, c.TxAntennas);
        var powers = DownlinkRate.SbsPowers(y).data<double>().ToArray();
        Assert.That(powers, Is.All.EqualTo(c.SbsPowerW).Within(1e-9));
        var v = y.Assignment[0];
        for (int b = 0; b < c.Sbss; b++)
            for (int n = 0; n < c.Subcarriers; n++)
            {
                var group = Enumerable.Range(0, c.Users).Where(i => v[b, n, i].item<double>() == 1).ToArray();
                Assert.That(group.Length, Is.EqualTo(maxUsers));
                if (selection == UserSelection.Greedy)
                {
                    double weakestChosen = group.Min(i => ZeroForcingAllocation.ChannelQuality(x, b, n, i));
                    double strongestLeft = Enumerable.Range(0, c.Users).Except(group).Max(i => ZeroForcingAllocation.ChannelQuality(x, b, n, i));
                    Assert.That(weakestChosen, Is.GreaterThanOrEqualTo(strongestLeft));
                }
                foreach (int i in group)
                {
                    var w = Beam(y, b, n, i, c.TxAntennas);
                    foreach (int j in group.Where(j => j != i))
                    {
                        var h = ZeroForcingAllocation.EffectiveChannel(x, b, n, j);
                        var leak = h.Zip(w, (a, z) => a * z).Aggregate(Complex.Zero, (s, t) => s + t).Magnitude;
                        Assert.That(leak, Is.LessThanOrEqualTo(1e-9 * Norm(h) * Norm(w)));
                    }
                }
            }
    }

    [Test]
    public void Fewer_users_than_the_group_size_schedules_everyone()
    {
        var c = new MecCellFreeConfig { Users = 1 };
        var x = new MecCellFreeSampler(c).Draw(1);
        var row = ZeroForcingAllocation.Solve(x, c.SbsPowerW, 2, UserSelection.Random, new Random(1));
        Assert.That(row.Skip(row.Length - c.Sbss * c.Subcarriers).ToArray(), Is.All.EqualTo(1));
    }

    [Test]
    public void Flop_formulas_reproduce_the_reference_values()
    {
        Assert.That(MecComplexity.RsaZfbfFlops(3, 10, 4, 4, 2), Is.EqualTo(817_920));
        Assert.That(MecComplexity.GsaZfbfFlops(3, 10, 4, 4, 2), Is.EqualTo(835_200));
        Assert.That(MecComplexity.RsaZfbfFlops(3, 20, 4, 4, 2), Is.EqualTo(5_552_640));
        Assert.That(MecComplexity.GsaZfbfFlops(6, 10, 4, 4, 2), Is.EqualTo(1_670_400));
    }

    private static Complex[] Beam(Allocation y, int b, int n, int i, int mt) =>
        Enumerable.Range(0, mt).Select(m => new Complex(y.BeamRe[0, b, n, i, m].item<double>(), y.BeamIm[0, b, n, i, m].item<double>())).ToArray();

    private static double Norm(Complex[] z) => Math.Sqrt(z.Sum(a => a.MagnitudeSquared()));
}
