using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using WirelessGnn.Problems.MecCellFree;
using Complex = System.Numerics.Complex;

namespace WirelessGnn.Tests.Problems.MecCellFree;

/// <summary>
/// The min-rate power bound against the complex oracle of the rate: sound (no allocation gives a user more rate than
/// its least power allows), tight for one user alone at low power, and a certificate only where a user or the users
/// together need more than the SBSs have.
/// </summary>
[TestFixture]
public class MinRatePowerBoundTests
{
    /// <summary>Rate user i could get from power p_i by the bound: r^min·p_i / least_i.</summary>
    private static double RateAllowed(double[] least, int i, double power, MecCellFreeConfig c) => c.MinRate * power / least[i];

    /// <summary>Power of user i, Σ_{b,n} v^b_{n,i}‖w^b_{n,i}‖².</summary>
    private static double UserPower(Complex[,,,] w, double[,,] v, int i)
    {
        double p = 0;
        for (int b = 0; b < w.GetLength(0); b++)
            for (int n = 0; n < w.GetLength(1); n++)
                for (int m = 0; m < w.GetLength(3); m++)
                    p += v[b, n, i] * (w[b, n, i, m] * Complex.Conjugate(w[b, n, i, m])).Real;
        return p;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void No_allocation_gives_a_user_more_rate_than_its_least_power_allows(int rx)
    {
        var c = MecAllocations.Small(sbss: 3, users: 4, subcarriers: 3, rx: rx);
        var xs = new MecCellFreeSampler(c).Sample(4, 21);
        foreach (var (x, s) in xs.Select((x, s) => (x, s)))
        {
            var least = MinRatePowerBound.LeastPowers(x, c);
            foreach (var amplitude in new[] { 1e-3, 0.5, 30.0 })
            {
                var (w, v) = MecAllocations.Random(x, 1000 * s + (int)(amplitude * 10), amplitude);
                var rates = DownlinkRateOracle.Rates(x, w, v, c.NoiseW);
                for (int i = 0; i < x.Users; i++)
                    Assert.That(rates[i], Is.LessThanOrEqualTo(RateAllowed(least, i, UserPower(w, v, i), c) * (1 + 1e-9)),
                        $"r_{i} of realisation {s}, beam amplitude {amplitude}");
            }
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    public void One_user_alone_on_its_best_eigen_beam_at_low_power_reaches_the_bound(int rx)
    {
        var c = MecAllocations.Small(sbss: 2, users: 3, subcarriers: 3, rx: rx);
        var x = new MecCellFreeSampler(c).Sample(1, 5)[0];
        var least = MinRatePowerBound.LeastPowers(x, c);
        int nb = x.Sbss, mt = x.TxAntennas, user = 1;
        // The best subcarrier's top left singular vector of the stacked channel [B·M_t × M_r].
        int bestN = -1;
        double gain = -1;
        Vector<Complex> beam = null!;
        for (int n = 0; n < x.Subcarriers; n++)
        {
            var svd = Matrix<Complex>.Build.Dense(nb * mt, x.RxAntennas, (r, k) => x.Channel[r / mt, n, user, r % mt, k]).Svd();
            double top = svd.S[0].Real * svd.S[0].Real;
            if (top > gain) (bestN, gain, beam) = (n, top, svd.U.Column(0));
        }
        var w = new Complex[nb, x.Subcarriers, x.Users, mt];
        var v = new double[nb, x.Subcarriers, x.Users];
        // A power small enough that log2(1 + x) ≈ x/ln 2 to 1e-4.
        double power = 1e-4 * c.NoiseW / gain;
        for (int r = 0; r < nb * mt; r++) w[r / mt, bestN, user, r % mt] = beam[r] * Math.Sqrt(power);
        for (int b = 0; b < nb; b++) v[b, bestN, user] = 1;
        var rates = DownlinkRateOracle.Rates(x, w, v, c.NoiseW);
        double allowed = RateAllowed(least, user, power, c);
        Assert.That(rates[user], Is.LessThanOrEqualTo(allowed * (1 + 1e-9)));
        Assert.That(rates[user], Is.GreaterThan(allowed * 0.999), "the bound is tight for one user alone at low power");
    }

    [Test]
    public void A_realisation_is_ruled_out_only_when_the_users_need_more_than_the_sbss_have()
    {
        var c = new MecCellFreeConfig();
        var x = new MecCellFreeSampler(c).Sample(1, 3)[0];
        var least = MinRatePowerBound.LeastPowers(x, c);
        double budget = c.Sbss * c.SbsPowerW, need = least.Sum();
        Assert.That(need, Is.LessThan(budget), "this realisation's users fit the budget");
        Assert.That(MinRatePowerBound.ProvablyInfeasible(x, c), Is.False);

        // The least powers scale with σ² and r^min: raise the noise until the users need just more than the budget.
        var louder = c with { NoiseDbm = c.NoiseDbm + 10 * Math.Log10(1.01 * budget / need) };
        Assert.That(MinRatePowerBound.LeastPowers(x, louder).Sum(), Is.EqualTo(1.01 * budget).Within(1e-9 * budget));
        Assert.That(MinRatePowerBound.ProvablyInfeasible(x, louder), Is.True);
        var quieter = c with { NoiseDbm = c.NoiseDbm + 10 * Math.Log10(0.99 * budget / need) };
        Assert.That(MinRatePowerBound.ProvablyInfeasible(x, quieter), Is.False);
    }
}
