using MathNet.Numerics;
using NUnit.Framework;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;
using Complex = System.Numerics.Complex;
using MathNet.Numerics.LinearAlgebra;

namespace WirelessGnn.Tests.Problems.MecCellFree;

/// <summary>
/// The tensor rate and power model against the complex double-precision oracle, and the invariants of spec §10 items
/// 8–16: equivalent rate forms, non-negativity, zero assignment, monotonicity in new interferers, phase, receive-unitary
/// and scale invariance, permutations of users, SBSs and subcarriers, powers and the budget projection.
/// </summary>
[TestFixture]
public class DownlinkRateTests
{
    private static (MecCellFreeConfig Config, IReadOnlyList<MecCellFreeInstance> Xs) Realisations(int count, int rx = 2, int seed = 11)
    {
        var config = MecAllocations.Small(rx: rx);
        return (config, new MecCellFreeSampler(config).Sample(count, seed));
    }

    private static MecCellFreeTensors Tensors(IReadOnlyList<MecCellFreeInstance> xs, MecCellFreeConfig c, double? noise = null)
    {
        var t = MecCellFreeTensors.From(xs, c, CPU, ScalarType.Float64);
        return noise is null ? t : new MecCellFreeTensors { ChannelRe = t.ChannelRe, ChannelIm = t.ChannelIm, NoiseW = noise.Value, PowerMaxW = t.PowerMaxW, MinRate = t.MinRate };
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(1)]
    public void Rates_and_powers_match_the_oracle(int rx)
    {
        using var scope = NewDisposeScope();
        var (c, xs) = Realisations(3, rx);
        var ys = xs.Select((x, s) => MecAllocations.Random(x, 100 + s)).ToList();
        // A louder allocation as well, so interference is well above the noise.
        ys[2] = MecAllocations.Random(xs[2], 7, amplitude: 300);
        var p = Tensors(xs, c);
        var y = MecAllocations.ToTensors(ys);
        var rates = DownlinkRate.UserRates(p, y);
        var powers = DownlinkRate.SbsPowers(y);
        for (int s = 0; s < xs.Count; s++)
        {
            var expected = DownlinkRateOracle.Rates(xs[s], ys[s].Beams, ys[s].Assignment, c.NoiseW);
            Assert.That(expected.Sum(), Is.GreaterThan(1e-3), "the test allocation must carry some rate");
            var got = MecAllocations.Row(rates, s);
            for (int i = 0; i < expected.Length; i++) Assert.That(got[i], Is.EqualTo(expected[i]).Within(1e-9 * Math.Max(1, expected[i])), $"r_{i} of sample {s}");
            var pe = DownlinkRateOracle.Powers(ys[s].Beams, ys[s].Assignment);
            Assert.That(MecAllocations.Row(powers, s), Is.EqualTo(pe).Within(1e-9));
        }
    }

    [Test]
    public void The_four_rate_forms_agree()
    {
        var rng = new Random(3);
        Complex C() => new(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
        for (int trial = 0; trial < 20; trial++)
        {
            var u = Vector<Complex>.Build.Dense(2, _ => C());
            var a = Matrix<Complex>.Build.DenseIdentity(2) * 0.3;
            for (int j = 0; j < 3; j++)
            {
                var x = Vector<Complex>.Build.Dense(2, _ => C());
                a += x.OuterProduct(x.Conjugate());
            }
            var s = u.OuterProduct(u.Conjugate());
            double detForm = Math.Log2((Matrix<Complex>.Build.DenseIdentity(2) + s * a.Inverse()).Determinant().Real);
            double lemma = Math.Log2(1 + u.ConjugateDotProduct(a.Inverse() * u).Real);
            double difference = Math.Log2((a + s).Determinant().Real) - Math.Log2(a.Determinant().Real);
            double ar = a[0, 0].Real, d = a[1, 1].Real;
            Complex cc = a[0, 1];
            double quad = (d * u[0].MagnitudeSquared() + ar * u[1].MagnitudeSquared() - 2 * (cc * Complex.Conjugate(u[0]) * u[1]).Real) / (ar * d - cc.MagnitudeSquared());
            double closed = Math.Log2(1 + quad);
            foreach (var other in new[] { lemma, difference, closed }) Assert.That(other, Is.EqualTo(detForm).Within(1e-9 * Math.Abs(detForm)));
        }
    }

    [Test]
    public void Rates_are_nonnegative_and_zero_without_assignment()
    {
        using var scope = NewDisposeScope();
        var (c, xs) = Realisations(2);
        var ys = xs.Select((x, s) => MecAllocations.Random(x, s, amplitude: 100)).ToList();
        // Sample 0: nobody served on subcarrier 1 by any SBS; sample 1: nothing at all.
        for (int b = 0; b < c.Sbss; b++)
            for (int i = 0; i < c.Users; i++)
            {
                ys[0].Assignment[b, 1, i] = 0;
                for (int n = 0; n < c.Subcarriers; n++) ys[1].Assignment[b, n, i] = 0;
            }
        var p = Tensors(xs, c);
        var rates = DownlinkRate.UserRates(p, MecAllocations.ToTensors(ys));
        Assert.That(rates.min().item<double>(), Is.GreaterThanOrEqualTo(0));
        Assert.That(MecAllocations.Row(rates, 1), Is.All.EqualTo(0));
        // Subcarrier 1 adds nothing: the rates equal those of subcarrier 0 alone.
        var single = new MecCellFreeTensors { ChannelRe = p.ChannelRe.narrow(2, 0, 1), ChannelIm = p.ChannelIm.narrow(2, 0, 1), NoiseW = p.NoiseW, PowerMaxW = p.PowerMaxW, MinRate = p.MinRate };
        var y = MecAllocations.ToTensors(ys);
        var y0 = new Allocation(y.BeamRe.narrow(2, 0, 1), y.BeamIm.narrow(2, 0, 1), y.Assignment.narrow(2, 0, 1));
        Assert.That(MecAllocations.Row(rates, 0), Is.EqualTo(MecAllocations.Row(DownlinkRate.UserRates(single, y0), 0)).Within(1e-12));
    }

    [Test]
    public void A_new_interfering_stream_never_raises_another_users_rate()
    {
        using var scope = NewDisposeScope();
        var c = MecAllocations.Small(subcarriers: 1);
        var xs = new MecCellFreeSampler(c).Sample(20, 5);
        var p = Tensors(xs, c);
        var before = new List<(Complex[,,,], double[,,])>();
        var after = new List<(Complex[,,,], double[,,])>();
        for (int s = 0; s < xs.Count; s++)
        {
            var (w, v) = MecAllocations.Random(xs[s], s, amplitude: 200);
            for (int b = 0; b < c.Sbss; b++) v[b, 0, 0] = 0;     // stream 0 off everywhere
            before.Add((w, v));
            var v2 = (double[,,])v.Clone();
            v2[s % c.Sbss, 0, 0] = 1;                             // switched on at one SBS
            after.Add((w, v2));
        }
        var r0 = DownlinkRate.UserRates(p, MecAllocations.ToTensors(before));
        var r1 = DownlinkRate.UserRates(p, MecAllocations.ToTensors(after));
        var others = r1.narrow(1, 1, c.Users - 1) - r0.narrow(1, 1, c.Users - 1);
        Assert.That(others.max().item<double>(), Is.LessThanOrEqualTo(1e-12));
        Assert.That(others.min().item<double>(), Is.LessThan(-1e-6), "the new stream must interfere somewhere");
    }

    [Test]
    public void Rates_are_invariant_to_stream_phase_receive_unitaries_and_joint_scaling()
    {
        using var scope = NewDisposeScope();
        var (c, xs) = Realisations(2);
        var ys = xs.Select((x, s) => MecAllocations.Random(x, s, amplitude: 100)).ToList();
        var p = Tensors(xs, c);
        var baseRates = DownlinkRate.UserRates(p, MecAllocations.ToTensors(ys));

        // w_{n,j} → e^{jθ} w_{n,j} (the same θ at every SBS for that stream).
        var rng = new Random(1);
        var rotated = ys.Select(y =>
        {
            var w = (Complex[,,,])y.Beams.Clone();
            for (int n = 0; n < c.Subcarriers; n++)
                for (int i = 0; i < c.Users; i++)
                {
                    var phase = Complex.FromPolarCoordinates(1, 2 * Math.PI * rng.NextDouble());
                    for (int b = 0; b < c.Sbss; b++)
                        for (int m = 0; m < c.TxAntennas; m++) w[b, n, i, m] *= phase;
                }
            return (w, y.Assignment);
        }).ToList();
        Assert.That(DownlinkRate.UserRates(p, MecAllocations.ToTensors(rotated)).allclose(baseRates, 1e-9, 1e-12), Is.True, "phase");

        // H_{n,i} → H_{n,i} Q with a unitary Q per (n, i), the same at every SBS.
        var turned = xs.Select(x =>
        {
            var h = (Complex[,,,,])x.Channel.Clone();
            for (int n = 0; n < c.Subcarriers; n++)
                for (int i = 0; i < c.Users; i++)
                {
                    var q = Matrix<Complex>.Build.Random(2, 2, new MathNet.Numerics.Distributions.Normal(new Random(n * 31 + i))).QR().Q;
                    for (int b = 0; b < c.Sbss; b++)
                        for (int m = 0; m < c.TxAntennas; m++)
                        {
                            var row = new[] { x.Channel[b, n, i, m, 0], x.Channel[b, n, i, m, 1] };
                            for (int k = 0; k < 2; k++) h[b, n, i, m, k] = row[0] * q[0, k] + row[1] * q[1, k];
                        }
                }
            return x with { Channel = h };
        }).ToList();
        Assert.That(DownlinkRate.UserRates(Tensors(turned, c), MecAllocations.ToTensors(ys)).allclose(baseRates, 1e-9, 1e-12), Is.True, "unitary");

        // w → c·w with σ² → c²σ².
        var scaled = ys.Select(y =>
        {
            var w = (Complex[,,,])y.Beams.Clone();
            for (int b = 0; b < c.Sbss; b++) for (int n = 0; n < c.Subcarriers; n++) for (int i = 0; i < c.Users; i++) for (int m = 0; m < c.TxAntennas; m++) w[b, n, i, m] *= 3;
            return (w, y.Assignment);
        }).ToList();
        Assert.That(DownlinkRate.UserRates(Tensors(xs, c, 9 * c.NoiseW), MecAllocations.ToTensors(scaled)).allclose(baseRates, 1e-9, 1e-12), Is.True, "scale");
    }

    [TestCase(1, TestName = "Permuting SBSs leaves the rates unchanged")]
    [TestCase(2, TestName = "Permuting subcarriers leaves the rates unchanged")]
    [TestCase(3, TestName = "Permuting users permutes the rates")]
    public void Permutations(int axis)
    {
        using var scope = NewDisposeScope();
        var (c, xs) = Realisations(2);
        var ys = xs.Select((x, s) => MecAllocations.Random(x, s, amplitude: 100)).ToList();
        var p = Tensors(xs, c);
        var y = MecAllocations.ToTensors(ys);
        var rates = DownlinkRate.UserRates(p, y);
        long size = p.ChannelRe.shape[axis];
        var perm = tensor(Enumerable.Range(0, (int)size).Reverse().Select(i => (long)i).ToArray());
        var pp = new MecCellFreeTensors { ChannelRe = p.ChannelRe.index_select(axis, perm), ChannelIm = p.ChannelIm.index_select(axis, perm), NoiseW = p.NoiseW, PowerMaxW = p.PowerMaxW, MinRate = p.MinRate };
        var yp = new Allocation(y.BeamRe.index_select(axis, perm), y.BeamIm.index_select(axis, perm), y.Assignment.index_select(axis, perm));
        var permuted = DownlinkRate.UserRates(pp, yp);
        var expected = axis == 3 ? rates.index_select(1, perm) : rates;
        Assert.That(permuted.allclose(expected, 1e-9, 1e-12), Is.True);
        Assert.That(permuted.sum(-1).allclose(rates.sum(-1), 1e-9, 1e-12), Is.True);
    }

    [Test]
    public void Task_values_and_the_budget_projection()
    {
        using var scope = NewDisposeScope();
        var (c, xs) = Realisations(3);
        var ys = xs.Select((x, s) => MecAllocations.Random(x, s, amplitude: 2)).ToList();
        var p = Tensors(xs, c);
        var y = MecAllocations.ToTensors(ys);
        var t = DownlinkRate.Tasks(p, y);
        Assert.That(t.PowerGaps.allclose(t.Powers - c.SbsPowerW), Is.True);
        Assert.That(t.RateGaps.allclose(c.MinRate - t.Rates), Is.True);
        Assert.That(t.Objective.allclose(-t.Rates.sum(-1)), Is.True);
        Assert.That(t.Powers.max().item<double>(), Is.GreaterThan(c.SbsPowerW), "some SBS must exceed its budget before projection");
        var projected = DownlinkRate.SbsPowers(DownlinkRate.ProjectOntoBudget(y, c.SbsPowerW));
        Assert.That(projected.max().item<double>(), Is.LessThanOrEqualTo(c.SbsPowerW + 1e-9));
        // Within budget: unchanged.
        var within = t.Powers <= c.SbsPowerW;
        Assert.That(projected.masked_select(within).allclose(t.Powers.masked_select(within)), Is.True);
    }
}
