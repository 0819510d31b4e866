using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using static WirelessGnn.Tests.Problems.MddCellFree.MddCellFreeData;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// The general SINR of spec §2.6–2.7, computed in watts from explicit complex vectors, against the noise-normalised
/// closed forms of <see cref="SpectralEfficiencyOracle"/>: under ZF with N ≥ D (spec §12 item 2), and with the Case 2
/// clusters and their multi-user leakage (item 30), to 1e-9 relative. Also: the general form sees MUI when the
/// beamformers do not null it.
/// </summary>
[TestFixture]
public class GeneralSinrTests
{
    private static readonly MddCellFreeConfig[] ZfConfigs =
    {
        Small,
        Small with { Aps = 4, Mss = 4, Antennas = 4, Mapping = SubcarrierMapping.Interleaved },
        Small with { Aps = 3, Mss = 1, Antennas = 1, Taps = 1 },
        Small with { Aps = 5, Mss = 2, Antennas = 3, DlSubcarriers = 3, UlSubcarriers = 3, Taps = 2 },
    };

    [Test]
    public void Under_zero_forcing_the_general_form_equals_the_closed_form()
    {
        var rng = new Random(1);
        foreach (var config in ZfConfigs)
        {
            var sampler = new MddCellFreeSampler(config);
            for (int seed = 0; seed < 4; seed++)
            {
                var layout = sampler.Draw(seed);
                var x = sampler.ToInstance(layout);
                var beamformers = Beamformers.FromZeroForcing(layout);
                foreach (var p in new[] { InteriorPowers(x, rng), GreedyUnfair.Allocate(x), EqualPower.Allocate(x) })
                    AssertSameSinrs(SpectralEfficiencyOracle.Evaluate(x, p), GeneralSinr.Evaluate(layout, config, beamformers, p),
                        $"L={config.Aps}, D={config.Mss}, N={config.Antennas}, seed {seed}");
            }
        }
    }

    [Test]
    public void With_clusters_the_leakage_form_equals_the_explicit_multi_user_form()
    {
        var rng = new Random(2);
        foreach (var config in new[] { Clustered, Clustered with { Aps = 24, Mss = 12, AreaSide = 400, Mapping = SubcarrierMapping.Interleaved }, Clustered with { ClusterCap = 2 } })
        {
            var sampler = new MddCellFreeSampler(config);
            for (int seed = 0; seed < 4; seed++)
            {
                var layout = sampler.Draw(seed);
                var x = sampler.ToInstance(layout);
                var beamformers = Beamformers.FromClusters(layout, x.Serves);
                // Interior powers put power on unserved pairs too: the oracle ignores them, the general form sends them
                // through zero precoders; both must agree.
                foreach (var p in new[] { InteriorPowers(x, rng), GreedyUnfair.Allocate(x), EqualPower.Allocate(x) })
                {
                    var general = GeneralSinr.Evaluate(layout, config, beamformers, p);
                    AssertSameSinrs(SpectralEfficiencyOracle.Evaluate(x, p), general, $"Case 2, L={config.Aps}, D={config.Mss}, cap {config.ClusterCap}, seed {seed}");
                }
            }
        }
    }

    [Test]
    public void Power_for_other_users_lowers_the_sinr_under_matched_filters_but_not_under_zero_forcing()
    {
        // DL power for MSs 1.. changes MS 0's DL SINR only through MUI (the MS-side residuals depend on UL powers only).
        var config = Small;
        var sampler = new MddCellFreeSampler(config);
        var layout = sampler.Draw(3);
        var all = new bool[config.Aps, config.Mss];
        for (int l = 0; l < config.Aps; l++)
            for (int d = 0; d < config.Mss; d++) all[l, d] = true;
        var p = EqualPower.Allocate(sampler.ToInstance(layout));
        var alone = p with { Ap = OnlyFor(p.Ap, 0) };
        var zf = Beamformers.FromZeroForcing(layout);
        var matched = Beamformers.FromClusters(layout, all);
        for (int m = 0; m < config.DlSubcarriers; m++)
        {
            Relative(GeneralSinr.Evaluate(layout, config, zf, alone).DlSinr[0, m], GeneralSinr.Evaluate(layout, config, zf, p).DlSinr[0, m], 1e-9, $"ZF: no MUI on subcarrier {m}");
            Assert.That(GeneralSinr.Evaluate(layout, config, matched, p).DlSinr[0, m], Is.LessThan(0.99 * GeneralSinr.Evaluate(layout, config, matched, alone).DlSinr[0, m]),
                $"matched filters: MUI on subcarrier {m}");
        }
    }

    private static double[,,] OnlyFor(double[,,] ap, int ms)
    {
        var q = (double[,,])ap.Clone();
        for (int l = 0; l < q.GetLength(0); l++)
            for (int d = 0; d < q.GetLength(1); d++)
                for (int m = 0; m < q.GetLength(2); m++) if (d != ms) q[l, d, m] = 0;
        return q;
    }

    private static void AssertSameSinrs(SpectralEfficiencyResult expected, SpectralEfficiencyResult actual, string what)
    {
        for (int d = 0; d < expected.DlSinr.GetLength(0); d++)
        {
            for (int m = 0; m < expected.DlSinr.GetLength(1); m++) Relative(expected.DlSinr[d, m], actual.DlSinr[d, m], 1e-9, $"{what}: DL SINR[{d},{m}]");
            for (int m = 0; m < expected.UlSinr.GetLength(1); m++) Relative(expected.UlSinr[d, m], actual.UlSinr[d, m], 1e-9, $"{what}: UL SINR[{d},{m}]");
        }
        Relative(expected.SpectralEfficiency, actual.SpectralEfficiency, 1e-9, $"{what}: Λ");
    }
}
