using System.Numerics;
using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using static WirelessGnn.Tests.Problems.MddCellFree.MddCellFreeData;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// The layout and channel generator (spec §2.3–2.5, §12 items 5–7, §13): channel statistics by Monte Carlo (per-bin
/// power β/M_sum, tap power β/U, uncorrelated taps, U = 1 flat), the unitary DFT recomputed from the taps, path-loss
/// values and shadowing statistics, symmetric β, the subcarrier maps, unit conversions, the instance built from a
/// layout (Case 1 ZF gains, Case 2 single-antenna gains and leakage), determinism (same seed, same layouts; layout i
/// independent of the count) and bad input.
/// </summary>
[TestFixture]
public class MddCellFreeSamplerTests
{
    // --- channels -------------------------------------------------------------------------------------------------

    [Test]
    public void Every_bin_carries_beta_over_Msum_and_every_tap_beta_over_U()
    {
        var config = new MddCellFreeConfig { Aps = 4, Mss = 2, Antennas = 8 };
        var sampler = new MddCellFreeSampler(config);
        int total = config.Subcarriers, taps = config.Taps;
        var binPower = new double[total];
        var tapPower = new double[taps];
        var tapCross = new Complex[taps, taps];
        int draws = 0;
        for (int s = 0; s < 400; s++)
        {
            var layout = sampler.Draw(500 + s);
            for (int l = 0; l < config.Aps; l++)
                for (int d = 0; d < config.Mss; d++)
                    for (int n = 0; n < config.Antennas; n++)
                    {
                        double beta = layout.BetaApMs[l, d];
                        for (int k = 0; k < total; k++) binPower[k] += Complex.Abs(layout.Channels[l, d, n, k]) * Complex.Abs(layout.Channels[l, d, n, k]) / (beta / total);
                        for (int u = 0; u < taps; u++)
                            for (int v = 0; v < taps; v++)
                                tapCross[u, v] += layout.Taps[l, d, n, u] * Complex.Conjugate(layout.Taps[l, d, n, v]) / (beta / taps);
                        draws++;
                    }
        }
        Assert.That(draws, Is.GreaterThanOrEqualTo(10_000));
        for (int k = 0; k < total; k++)
            Assert.That(binPower[k] / draws, Is.EqualTo(1).Within(0.03), $"E|h[{k}]|² / (β/M_sum) over {draws} draws");
        for (int u = 0; u < taps; u++)
            for (int v = 0; v < taps; v++)
            {
                var mean = tapCross[u, v] / draws;
                if (u == v) Assert.That(mean.Real, Is.EqualTo(1).Within(0.03), $"E|g_{u}|² / (β/U)");
                else Assert.That(mean.Magnitude, Is.LessThan(0.03), $"E[g_{u} g_{v}^*] / (β/U): distinct taps are uncorrelated");
            }
    }

    [Test]
    public void Frequency_response_is_the_unitary_DFT_of_the_taps()
    {
        foreach (var mapping in new[] { SubcarrierMapping.Block, SubcarrierMapping.Interleaved })
        {
            var config = new MddCellFreeConfig { Aps = 3, Mss = 2, Antennas = 2, DlSubcarriers = 5, UlSubcarriers = 3, Taps = 3, Mapping = mapping };
            var layout = new MddCellFreeSampler(config).Draw(11);
            int total = config.Subcarriers;
            for (int l = 0; l < 3; l++)
                for (int d = 0; d < 2; d++)
                    for (int n = 0; n < 2; n++)
                        for (int k = 0; k < total; k++)
                        {
                            Complex expected = 0;
                            for (int u = 0; u < config.Taps; u++)
                                expected += layout.Taps[l, d, n, u] * Complex.Exp(new Complex(0, -2 * Math.PI * k * u / total)) / Math.Sqrt(total);
                            Assert.That((layout.Channels[l, d, n, k] - expected).Magnitude, Is.LessThan(1e-12 * Math.Sqrt(layout.BetaApMs[l, d])), $"h[{k}]");
                        }
            Assert.That(layout.DlChannel(1, 1, 2)[1], Is.EqualTo(layout.Channels[1, 1, 1, layout.Bins.Dl[2]]));
            Assert.That(layout.UlChannel(2, 0, 1)[0], Is.EqualTo(layout.Channels[2, 0, 0, layout.Bins.Ul[1]]));
        }
    }

    [Test]
    public void One_tap_gives_a_flat_response()
    {
        var layout = new MddCellFreeSampler(new MddCellFreeConfig { Aps = 3, Mss = 2, Antennas = 2, Taps = 1 }).Draw(3);
        for (int l = 0; l < 3; l++)
            for (int d = 0; d < 2; d++)
                for (int n = 0; n < 2; n++)
                    for (int k = 1; k < layout.Subcarriers; k++)
                        Relative(Complex.Abs(layout.Channels[l, d, n, 0]), Complex.Abs(layout.Channels[l, d, n, k]), 1e-12, $"|h[{k}]| = |h[0]|");
    }

    [Test]
    public void Subcarrier_maps_are_block_and_interleaved()
    {
        var block = SubcarrierBins.For(4, 2, SubcarrierMapping.Block);
        Assert.That(block.Dl, Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(block.Ul, Is.EqualTo(new[] { 4, 5 }));
        // floor((m̄ − ½)·6/2) for m̄ = 1, 2 → 1, 4.
        var interleaved = SubcarrierBins.For(4, 2, SubcarrierMapping.Interleaved);
        Assert.That(interleaved.Ul, Is.EqualTo(new[] { 1, 4 }));
        Assert.That(interleaved.Dl, Is.EqualTo(new[] { 0, 2, 3, 5 }));
        foreach (var (m, mb) in new[] { (1, 1), (1, 7), (7, 1), (32, 16), (5, 3), (3, 5) })
        {
            var bins = SubcarrierBins.For(m, mb, SubcarrierMapping.Interleaved);
            Assert.That(bins.Dl.Concat(bins.Ul).OrderBy(k => k), Is.EqualTo(Enumerable.Range(0, m + mb)), $"({m},{mb}): the bins are a partition");
            Assert.That(bins.Ul, Is.Ordered.Ascending);
            Assert.That(bins.Dl, Has.Length.EqualTo(m));
        }
    }

    // --- large-scale fading ---------------------------------------------------------------------------------------

    [Test]
    public void Path_loss_takes_the_table_values_and_clamps_at_one_metre()
    {
        var config = new MddCellFreeConfig();
        Assert.That(MddCellFreeSampler.PathLossDb(1, config), Is.EqualTo(-30.5).Within(1e-12));
        Assert.That(MddCellFreeSampler.PathLossDb(100, config), Is.EqualTo(-103.9).Within(1e-12));
        Assert.That(MddCellFreeSampler.PathLossDb(0.2, config), Is.EqualTo(-30.5).Within(1e-12), "clamped to 1 m");
        Assert.That(MddCellFreeSampler.PathLossDb(0, config), Is.EqualTo(-30.5).Within(1e-12), "clamped to 1 m");
    }

    [Test]
    public void Shadowing_has_zero_mean_and_four_dB_deviation_and_beta_is_symmetric()
    {
        var config = new MddCellFreeConfig();
        var sampler = new MddCellFreeSampler(config);
        var shadow = new List<double>();
        for (int s = 0; s < 100; s++)
        {
            var layout = sampler.Draw(s);
            for (int l = 0; l < config.Aps; l++)
                for (int d = 0; d < config.Mss; d++)
                    shadow.Add(10 * Math.Log10(layout.BetaApMs[l, d]) - MddCellFreeSampler.PathLossDb(Distance(layout.ApPositions, l, layout.MsPositions, d), config));
            for (int l = 0; l < config.Aps; l++)
            {
                Assert.That(layout.BetaAp[l, l], Is.EqualTo(0), "β_ll unused");
                for (int k = l + 1; k < config.Aps; k++)
                {
                    Assert.That(layout.BetaAp[k, l], Is.EqualTo(layout.BetaAp[l, k]), "β_ll' symmetric");
                    shadow.Add(10 * Math.Log10(layout.BetaAp[l, k]) - MddCellFreeSampler.PathLossDb(Distance(layout.ApPositions, l, layout.ApPositions, k), config));
                }
            }
            for (int d = 0; d < config.Mss; d++)
            {
                Assert.That(layout.BetaMs[d, d], Is.EqualTo(0), "β_dd unused");
                for (int e = d + 1; e < config.Mss; e++)
                {
                    Assert.That(layout.BetaMs[e, d], Is.EqualTo(layout.BetaMs[d, e]), "β_dd' symmetric");
                    shadow.Add(10 * Math.Log10(layout.BetaMs[d, e]) - MddCellFreeSampler.PathLossDb(Distance(layout.MsPositions, d, layout.MsPositions, e), config));
                }
            }
            foreach (var positions in new[] { layout.ApPositions, layout.MsPositions })
                Assert.That(positions.Cast<double>(), Has.All.InRange(0.0, config.AreaSide), "positions inside the square");
        }
        double mean = shadow.Average();
        double std = Math.Sqrt(shadow.Sum(z => (z - mean) * (z - mean)) / (shadow.Count - 1));
        Assert.That(shadow, Has.Count.EqualTo(100 * (24 * 6 + 24 * 23 / 2 + 6 * 5 / 2)));
        Assert.That(mean, Is.EqualTo(0).Within(0.08), "mean shadowing (dB)");
        Assert.That(std, Is.EqualTo(4).Within(0.06), "shadowing deviation (dB)");
    }

    [Test]
    public void Without_shadowing_beta_is_the_path_loss()
    {
        var config = new MddCellFreeConfig { Aps = 5, Mss = 3, ShadowingDb = 0 };
        var layout = new MddCellFreeSampler(config).Draw(8);
        for (int l = 0; l < 5; l++)
            for (int d = 0; d < 3; d++)
                Relative(MddCellFreeConfig.DbToLinear(MddCellFreeSampler.PathLossDb(Distance(layout.ApPositions, l, layout.MsPositions, d), config)), layout.BetaApMs[l, d], 1e-12, "β_ld");
    }

    [Test]
    public void Unit_conversions()
    {
        Assert.That(MddCellFreeConfig.DbmToW(40), Is.EqualTo(10).Within(1e-12));
        Assert.That(MddCellFreeConfig.DbmToW(30), Is.EqualTo(1).Within(1e-15));
        Relative(3.981e-13, MddCellFreeConfig.DbmToW(-94), 1e-4, "−94 dBm");
        Relative(6.310e-8, MddCellFreeConfig.DbToLinear(-72), 1e-4, "−72 dB");
        var c = new MddCellFreeConfig();
        Assert.That(c.ApPowerW, Is.EqualTo(10).Within(1e-12), "default AP budget 40 dBm");
        Assert.That(c.MsPowerW, Is.EqualTo(1).Within(1e-12), "default MS budget 30 dBm");
        Relative(3.981e-13, c.NoiseW, 1e-4, "default noise −94 dBm");
    }

    // --- instances ------------------------------------------------------------------------------------------------

    [Test]
    public void Case_1_instance_holds_the_noise_normalised_zf_gains_of_the_layout()
    {
        var config = Small with { Mapping = SubcarrierMapping.Interleaved };
        var sampler = new MddCellFreeSampler(config);
        var layout = sampler.Draw(21);
        var x = sampler.ToInstance(layout);
        x.Validate();
        double noise = config.NoiseW;
        for (int l = 0; l < config.Aps; l++)
        {
            for (int m = 0; m < config.DlSubcarriers; m++)
            {
                var omega = ZeroForcing.DlGains(layout.ApChannels(l, layout.Bins.Dl[m]));
                for (int d = 0; d < config.Mss; d++) Relative(omega[d] / Math.Sqrt(noise), x.Omega[l, d, m], 1e-12, "ω/σ");
            }
            for (int m = 0; m < config.UlSubcarriers; m++)
            {
                var upsilon = ZeroForcing.UlCombinerEnergies(layout.ApChannels(l, layout.Bins.Ul[m]));
                for (int d = 0; d < config.Mss; d++) Relative(upsilon[d] * noise, x.Upsilon[l, d, m], 1e-12, "υσ²");
            }
        }
        Assert.That(x.Serves.Cast<bool>(), Has.All.True);
        Assert.That(x.DlLeakage, Is.Null);
        Assert.That(x.UlLeakage, Is.Null);
        Assert.That(x.BetaAp, Is.EqualTo(layout.BetaAp));
        Assert.That(x.ApBudget, Has.All.EqualTo(config.ApPowerW));
        Assert.That(x.MsBudget, Has.All.EqualTo(config.MsPowerW));
        Relative(1e-12 / noise, x.ApSelfInterference[0], 1e-12, "ξ_l^SI/σ²");
        Relative(1e-11 / noise, x.MsSelfInterference[0], 1e-12, "ξ_d^SI/σ²");
        Relative(MddCellFreeConfig.DbToLinear(-72) / noise, x.InterAp[0], 1e-12, "ξ^IAI/σ²");
        Relative(MddCellFreeConfig.DbToLinear(-42) / noise, x.InterMs[0], 1e-12, "ξ^IMI/σ²");
        Assert.That((x.DlQos, x.UlQos), Is.EqualTo((0.5, 0.1)));
    }

    [Test]
    public void Case_2_instance_holds_single_antenna_gains_clusters_and_leakage()
    {
        var config = Clustered;
        var sampler = new MddCellFreeSampler(config);
        for (int seed = 0; seed < 5; seed++)
        {
            var layout = sampler.Draw(seed);
            var x = sampler.ToInstance(layout);
            x.Validate();
            double noise = config.NoiseW;
            var clusters = UserCentricClustering.Cluster(x.Omega, config.ClusterCap);
            Assert.That(x.Serves, Is.EqualTo(clusters.ServesMask()), "serves = the clusters of ω");
            Assert.That(x.DlLeakage, Is.Not.Null);
            Assert.That(x.UlLeakage, Is.Not.Null);
            for (int l = 0; l < config.Aps; l++)
                for (int d = 0; d < config.Mss; d++)
                {
                    for (int m = 0; m < config.DlSubcarriers; m++)
                    {
                        double h2 = Math.Pow(layout.DlChannel(l, d, m)[0].Magnitude, 2);
                        Relative(Math.Sqrt(h2 / noise), x.Omega[l, d, m], 1e-12, "ω̃ = |h|/σ");
                        Relative(h2 / noise, x.DlLeakage![l, d, m], 1e-12, "DL leakage |h|²/σ²");
                    }
                    for (int m = 0; m < config.UlSubcarriers; m++)
                        Relative(noise / Math.Pow(layout.UlChannel(l, d, m)[0].Magnitude, 2), x.Upsilon[l, d, m], 1e-12, "υ̃ = σ²/|h|²");
                }
            for (int m = 0; m < config.UlSubcarriers; m++)
                for (int d = 0; d < config.Mss; d++)
                    for (int e = 0; e < config.Mss; e++)
                    {
                        Complex s = 0;
                        foreach (int l in clusters.ApsOf(d))
                        {
                            var hd = layout.UlChannel(l, d, m)[0];
                            s += Complex.Conjugate(hd / (hd.Magnitude * hd.Magnitude)) * layout.UlChannel(l, e, m)[0];
                        }
                        if (d == e) Assert.That(x.UlLeakage![d, e, m], Is.EqualTo(0), "UL leakage diagonal");
                        else Relative(s.Magnitude * s.Magnitude, x.UlLeakage![d, e, m], 1e-10, "UL leakage |Σ w^* h|²");
                    }
        }
    }

    // --- determinism ----------------------------------------------------------------------------------------------

    [Test]
    public void Same_seed_gives_the_same_layouts_and_layout_i_does_not_depend_on_the_count()
    {
        foreach (var config in new[] { Small, Clustered })
        {
            var sampler = new MddCellFreeSampler(config);
            var a = sampler.Sample(8, 100);
            var b = new MddCellFreeSampler(config).Sample(8, 100);
            for (int i = 0; i < 8; i++)
            {
                Assert.That(a[i].Seed, Is.EqualTo(100 + i));
                AssertSame(a[i], b[i], $"layout {i}, same seed");
                AssertSame(a[i], sampler.Sample(1, 100 + i)[0], $"layout {i} alone");
                AssertSame(a[i], sampler.ToInstance(sampler.Draw(100 + i)), $"layout {i} drawn sequentially");
            }
            AssertSame(a[5], sampler.Sample(3, 103)[2], "layout 5 from a shorter run");
            Assert.That(a[0].Omega, Is.Not.EqualTo(a[1].Omega), "different seeds, different layouts");
            Assert.That(sampler.Sample(0, 1), Is.Empty);
        }
    }

    // --- bad input ------------------------------------------------------------------------------------------------

    [TestCase("aps", 0), TestCase("mss", 0), TestCase("taps", 7), TestCase("areaSide", -1), TestCase("shadowingDb", 25), TestCase("noiseDbm", 100),
     TestCase("mss", 9), TestCase("antennas", 2), TestCase("clusterCap", 0), TestCase("ulQos", -1)]
    public void Config_out_of_range_is_rejected_naming_the_field(string field, double value)
    {
        var config = field switch
        {
            "aps" => new MddCellFreeConfig { Aps = (int)value },
            "mss" => new MddCellFreeConfig { Mss = (int)value },
            "taps" => new MddCellFreeConfig { Taps = (int)value },
            "areaSide" => new MddCellFreeConfig { AreaSide = value },
            "shadowingDb" => new MddCellFreeConfig { ShadowingDb = value },
            "noiseDbm" => new MddCellFreeConfig { NoiseDbm = value },
            "antennas" => Clustered with { Antennas = (int)value },
            "clusterCap" => new MddCellFreeConfig { ClusterCap = (int)value },
            "ulQos" => new MddCellFreeConfig { UlQos = value },
            _ => throw new ArgumentException(field),
        };
        Assert.That(() => new MddCellFreeSampler(config), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(field));
    }

    [Test]
    public void Negative_count_and_a_foreign_layout_are_rejected()
    {
        var sampler = new MddCellFreeSampler(Small);
        Assert.That(() => sampler.Sample(-1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
        var other = new MddCellFreeSampler(Small with { Aps = 7 }).Draw(0);
        Assert.That(() => sampler.ToInstance(other), Throws.ArgumentException.With.Message.Contains("L=7"));
    }

    private static double Distance(double[,] a, int i, double[,] b, int j) => Math.Sqrt(Math.Pow(a[i, 0] - b[j, 0], 2) + Math.Pow(a[i, 1] - b[j, 1], 2));
}
