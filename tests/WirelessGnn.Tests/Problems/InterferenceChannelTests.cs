using System.Globalization;
using NUnit.Framework;
using WirelessGnn.Problems.InterferenceChannel;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;
using static WirelessGnn.Tests.Problems.InterferenceChannelData;

namespace WirelessGnn.Tests.Problems;

/// <summary>
/// The interference channel: the tensor sum rate against the float64 loop oracle (values, padding, autograd gradient
/// against finite differences), the power-constraint check, the sampler (determinism, geometry, the path-loss formula
/// recomputed from the positions), config validation and bad input.
/// </summary>
[TestFixture]
public class InterferenceChannelTests
{
    // --- sum rate against the oracle ------------------------------------------------------------------------------

    [TestCase(1), TestCase(3), TestCase(20)]
    public void Tensor_rates_and_totals_equal_the_float64_oracle(int pairs)
    {
        using var scope = NewDisposeScope();
        var instances = Instances(pairs, 12, seed: 1000 + pairs);
        var rng = new Random(pairs);
        var powers = instances.Select(_ => Powers(rng, pairs)).ToArray();
        var expectedRates = new double[instances.Count * pairs];
        var expectedTotals = new double[instances.Count];
        for (int n = 0; n < instances.Count; n++)
        {
            var r = SumRateOracle.Rates(instances[n].Snr, powers[n]);
            Array.Copy(r, 0, expectedRates, n * pairs, pairs);
            expectedTotals[n] = SumRateOracle.Total(instances[n].Snr, powers[n]);
        }
        Assume.That(expectedTotals.Max(), Is.GreaterThan(1), "the instances carry some rate");

        // float32, as the model and the baselines are scored.
        var (snr, _) = SumRate.ToTensors(instances);
        var p32 = PowerTensor(powers, pairs, ScalarType.Float32);
        TensorAssert.Close(expectedRates, SumRate.Rates(snr, p32), 1e-4, $"K={pairs}: float32 rates");
        TensorAssert.Close(expectedTotals, SumRate.Total(snr, p32), 1e-4, $"K={pairs}: float32 totals");

        // float64: the same formula, so the agreement is to rounding.
        var snr64 = cat(instances.Select(i => SnrTensor(i.Snr, ScalarType.Float64)).ToArray(), 0);
        var p64 = PowerTensor(powers, pairs, ScalarType.Float64);
        TensorAssert.Close(expectedRates, SumRate.Rates(snr64, p64), 1e-10, $"K={pairs}: float64 rates");
        TensorAssert.Close(expectedTotals, SumRate.Total(snr64, p64), 1e-10, $"K={pairs}: float64 totals");
    }

    [Test]
    public void A_hand_computed_two_pair_instance()
    {
        using var scope = NewDisposeScope();
        var snr = new double[,] { { 8, 2 }, { 3, 15 } };
        var p = new[] { 0.5, 1.0 };
        // r0 = log2(1 + 8*0.5/(1 + 2*1)) = log2(7/3); r1 = log2(1 + 15/(1 + 3*0.5)) = log2(7).
        var expected = new[] { Math.Log2(7.0 / 3), Math.Log2(7) };
        Assert.That(SumRateOracle.Rates(snr, p), Is.EqualTo(expected).Within(1e-12));
        TensorAssert.Close(expected, SumRate.Rates(SnrTensor(snr, ScalarType.Float64), PowerTensor(new[] { p }, 2, ScalarType.Float64)), 1e-12, "tensor rates");
    }

    [Test]
    public void Rates_are_permutation_equivariant()
    {
        using var scope = NewDisposeScope();
        var rng = new Random(7);
        foreach (var instance in Instances(9, 5, seed: 77))
        {
            int k = instance.Pairs;
            var perm = Enumerable.Range(0, k).OrderBy(_ => rng.Next()).ToArray();
            var p = Powers(rng, k);
            var snrPerm = new double[k, k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) snrPerm[i, j] = instance.Snr[perm[i], perm[j]];
            var pPerm = perm.Select(i => p[i]).ToArray();
            var rates = SumRateOracle.Rates(instance.Snr, p);
            TensorAssert.Close(perm.Select(i => rates[i]).ToArray(),
                SumRate.Rates(SnrTensor(snrPerm, ScalarType.Float64), PowerTensor(new[] { pPerm }, k, ScalarType.Float64)), 1e-10, "permuted rates");
        }
    }

    // --- padding ----------------------------------------------------------------------------------------------------

    [TestCase(0.0), TestCase(0.7), TestCase(5.0)]
    public void Padding_changes_no_score_and_padded_pairs_have_rate_zero_and_no_gradient(double paddingPower)
    {
        using var scope = NewDisposeScope();
        var sizes = new[] { 3, 1, 20, 7, 20, 2 };
        var instances = sizes.Select((k, n) => Instances(k, 1, seed: 500 + n)[0]).ToArray();
        var rng = new Random(55);
        var powers = instances.Select(i => Powers(rng, i.Pairs)).ToArray();

        var (snr, mask) = SumRate.ToTensors(instances);
        int width = sizes.Max();
        Assert.That(snr.shape, Is.EqualTo(new long[] { sizes.Length, width, width }));
        Assert.That(mask.shape, Is.EqualTo(new long[] { sizes.Length, width }));
        var maskValues = TensorAssert.ToDoubles(mask);
        for (int n = 0; n < sizes.Length; n++)
            for (int i = 0; i < width; i++)
                Assert.That(maskValues[n * width + i], Is.EqualTo(i < sizes[n] ? 1.0 : 0.0), $"mask[{n}, {i}]");

        var power = PowerTensor(powers, width, ScalarType.Float32, paddingPower).requires_grad_(true);
        var rates = SumRate.Rates(snr, power);
        var totals = SumRate.Total(snr, power);
        var rateValues = TensorAssert.ToDoubles(rates);
        var totalValues = TensorAssert.ToDoubles(totals);
        for (int n = 0; n < sizes.Length; n++)
        {
            for (int i = sizes[n]; i < width; i++)
                Assert.That(rateValues[n * width + i], Is.EqualTo(0.0), $"instance {n} (K={sizes[n]}), padded pair {i}: rate");
            var (aloneSnr, _) = SumRate.ToTensors(new[] { instances[n] });
            var alone = SumRate.Total(aloneSnr, PowerTensor(new[] { powers[n] }, sizes[n], ScalarType.Float32));
            double aloneTotal = alone.item<float>();
            Assert.That(totalValues[n], Is.EqualTo(aloneTotal).Within(1e-6 * (1 + Math.Abs(aloneTotal))),
                $"instance {n} (K={sizes[n]}): total batched vs alone");
            Assert.That(totalValues[n], Is.EqualTo(SumRateOracle.Total(instances[n].Snr, powers[n])).Within(1e-4 * (1 + Math.Abs(totalValues[n]))),
                $"instance {n}: total vs oracle");
        }

        totals.sum().backward();
        var grad = TensorAssert.ToDoubles(power.grad!);
        Assert.That(grad.All(double.IsFinite), "gradients are finite");
        for (int n = 0; n < sizes.Length; n++)
            for (int i = sizes[n]; i < width; i++)
                Assert.That(grad[n * width + i], Is.EqualTo(0.0), $"instance {n}, padded pair {i}: gradient");
    }

    // --- gradient ---------------------------------------------------------------------------------------------------

    [TestCase(1), TestCase(3), TestCase(20)]
    public void Float64_autograd_gradient_equals_finite_differences_of_the_oracle(int pairs)
    {
        using var scope = NewDisposeScope();
        var rng = new Random(300 + pairs);
        foreach (var instance in Instances(pairs, 4, seed: 3000 + pairs))
        {
            // Powers away from 0 so the central differences stay in the domain and the curvature is moderate.
            var p = Enumerable.Range(0, pairs).Select(_ => 0.1 + 0.85 * rng.NextDouble()).ToArray();
            var power = PowerTensor(new[] { p }, pairs, ScalarType.Float64).requires_grad_(true);
            var total = SumRate.Total(SnrTensor(instance.Snr, ScalarType.Float64), power);
            Assert.That(total.dtype, Is.EqualTo(ScalarType.Float64));
            total.sum().backward();
            var expected = OracleGradient(instance.Snr, p, 1e-6);
            TensorAssert.Close(expected, power.grad!, 1e-6, $"K={pairs}: d total / d power");
        }
    }

    // --- violations -------------------------------------------------------------------------------------------------

    [Test]
    public void Violations_flag_real_pairs_outside_the_unit_interval_and_ignore_padding()
    {
        using var scope = NewDisposeScope();
        var instances = new[] { Instances(3, 1, 1)[0], Instances(5, 1, 2)[0] };
        var (_, mask) = SumRate.ToTensors(instances);

        double[] Check(params double[][] rows)
        {
            var t = PowerTensor(rows, 5, ScalarType.Float32);
            var v = SumRate.Violations(t, mask);
            Assert.That(v.shape, Is.EqualTo(new long[] { 2 }));
            return TensorAssert.ToDoubles(v);
        }

        var fine = new[] { 0.0, 0.5, 1.0 };
        var fine5 = new[] { 1.0, 0.0, 0.3, 0.999, 1.0 };
        Assert.That(Check(fine, fine5), Is.EqualTo(new[] { 0.0, 0.0 }), "all powers in [0, 1]");

        foreach (var bad in new[] { 1.1, -0.1, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            string b = bad.ToString(CultureInfo.InvariantCulture);
            Assert.That(Check(new[] { 0.0, bad, 1.0 }, fine5), Is.EqualTo(new[] { 1.0, 0.0 }), $"{b} on a real pair of instance 0");
            Assert.That(Check(fine, new[] { 1.0, 0.0, 0.3, 0.999, bad }), Is.EqualTo(new[] { 0.0, 1.0 }), $"{b} on the last real pair of instance 1");
            // Instance 0 has 3 pairs: columns 3 and 4 are padding.
            Assert.That(Check(new[] { 0.0, 0.5, 1.0, bad, bad }, fine5), Is.EqualTo(new[] { 0.0, 0.0 }), $"{b} on padding");
        }

        // The tolerance: within 1e-6 of the interval is fine, 1e-3 beyond is not (float64 so the margins are exact).
        var mask64 = mask.to_type(ScalarType.Float64);
        double[] Check64(double value) => TensorAssert.ToDoubles(SumRate.Violations(PowerTensor(new[] { new[] { value, 0.5, 0.5 }, fine5 }, 5, ScalarType.Float64), mask64));
        Assert.That(Check64(1 + 5e-7), Is.EqualTo(new[] { 0.0, 0.0 }), "1 + 5e-7 is within the default tolerance");
        Assert.That(Check64(-5e-7), Is.EqualTo(new[] { 0.0, 0.0 }), "-5e-7 is within the default tolerance");
        Assert.That(Check64(1 + 1e-3), Is.EqualTo(new[] { 1.0, 0.0 }), "1 + 1e-3 is a violation");
        Assert.That(Check64(-1e-3), Is.EqualTo(new[] { 1.0, 0.0 }), "-1e-3 is a violation");
        Assert.That(TensorAssert.ToDoubles(SumRate.Violations(PowerTensor(new[] { new[] { 1 + 5e-7, 0.5, 0.5 }, fine5 }, 5, ScalarType.Float64), mask64, tolerance: 0)),
            Is.EqualTo(new[] { 1.0, 0.0 }), "1 + 5e-7 with tolerance 0");
    }

    // --- sampler ----------------------------------------------------------------------------------------------------

    [Test]
    public void Same_seed_same_instances_different_seed_different_instances()
    {
        var config = new InterferenceChannelConfig { Pairs = 6 };
        var a = new InterferenceChannelSampler(config).Sample(4, seed: 11);
        var b = new InterferenceChannelSampler(config).Sample(4, seed: 11);
        var c = new InterferenceChannelSampler(config).Sample(4, seed: 12);
        var prefix = new InterferenceChannelSampler(config).Sample(1, seed: 11);
        Assert.That(a, Has.Count.EqualTo(4));
        for (int n = 0; n < 4; n++)
        {
            Assert.That(a[n].Snr, Is.EqualTo(b[n].Snr).AsCollection, $"instance {n}: Snr");
            Assert.That(a[n].Transmitters, Is.EqualTo(b[n].Transmitters).AsCollection, $"instance {n}: transmitters");
            Assert.That(a[n].Receivers, Is.EqualTo(b[n].Receivers).AsCollection, $"instance {n}: receivers");
            Assert.That(a[n].Snr.Cast<double>().SequenceEqual(c[n].Snr.Cast<double>()), Is.False, $"instance {n}: another seed, another Snr");
            Assert.That(a[n].Transmitters.Cast<double>().SequenceEqual(c[n].Transmitters.Cast<double>()), Is.False, $"instance {n}: another seed, other positions");
        }
        Assert.That(prefix[0].Snr, Is.EqualTo(a[0].Snr).AsCollection, "the first of 1 is the first of 4");
        Assert.That(a[0].Snr.Cast<double>().SequenceEqual(a[1].Snr.Cast<double>()), Is.False, "successive instances differ");
        Assert.That(new InterferenceChannelSampler(config).Sample(0, seed: 1), Is.Empty);
        Assert.Throws<ArgumentOutOfRangeException>(() => new InterferenceChannelSampler(config).Sample(-1, seed: 1));
    }

    [TestCase(true), TestCase(false)]
    public void Geometry_pair_distances_and_gains(bool fading)
    {
        var config = new InterferenceChannelConfig { Pairs = 30, AreaSide = 300, MinPairDistance = 10, MaxPairDistance = 40, RayleighFading = fading };
        var distances = new List<double>();
        foreach (var instance in new InterferenceChannelSampler(config).Sample(10, seed: 21))
        {
            Assert.That(instance.Pairs, Is.EqualTo(30));
            Assert.That(instance.Transmitters.GetLength(0), Is.EqualTo(30));
            Assert.That(instance.Receivers.GetLength(0), Is.EqualTo(30));
            for (int i = 0; i < 30; i++)
            {
                Assert.That(instance.Transmitters[i, 0], Is.InRange(0.0, 300.0), $"tx {i} x");
                Assert.That(instance.Transmitters[i, 1], Is.InRange(0.0, 300.0), $"tx {i} y");
                double d = Distance(instance, i, i);
                Assert.That(d, Is.InRange(10 - 1e-9, 40 + 1e-9), $"pair {i}: distance to its own transmitter");
                distances.Add(d);
            }
            foreach (var g in instance.Snr)
                Assert.That(double.IsFinite(g) && g > 0, $"gain {g} is positive and finite");
        }
        // Uniform on [10, 40]: mean 25, sd of the mean of 300 draws ≈ 0.5.
        Assert.That(distances.Average(), Is.InRange(22.5, 27.5), "pair distances uniform in [min, max]");
        Assert.That(distances.Min(), Is.LessThan(13), "the short end is reached");
        Assert.That(distances.Max(), Is.GreaterThan(37), "the long end is reached");
    }

    /// <summary>Snr recomputed in the test from the positions and the config's raw numbers (not its derived properties).</summary>
    private static double PathLossSnr(InterferenceChannelConfig c, InterferenceChannelInstance instance, int rx, int tx)
    {
        double pmaxW = Math.Pow(10, c.MaxPowerDbm / 10) / 1000;   // dBm -> mW -> W
        double noiseW = Math.Pow(10, c.NoiseDbm / 10) / 1000;
        double d = Math.Max(1.0, Distance(instance, rx, tx));
        double pl = c.PathLossAt1Km + c.PathLossExponent * 10 * Math.Log10(d / 1000);
        return pmaxW / noiseW * Math.Pow(10, -pl / 10);
    }

    [Test]
    public void Without_fading_the_gains_are_the_path_loss_formula_of_the_positions()
    {
        var configs = new[]
        {
            new InterferenceChannelConfig { Pairs = 8, RayleighFading = false },
            new InterferenceChannelConfig
            {
                Pairs = 12, AreaSide = 150, MinPairDistance = 5, MaxPairDistance = 30, MaxPowerDbm = 23, NoiseDbm = -90,
                PathLossAt1Km = 120, PathLossExponent = 3, RayleighFading = false,
            },
            // Pair distances below 1 m: the path loss is floored at 1 m.
            new InterferenceChannelConfig { Pairs = 4, AreaSide = 50, MinPairDistance = 0.1, MaxPairDistance = 0.6, RayleighFading = false },
        };
        foreach (var c in configs)
            foreach (var instance in new InterferenceChannelSampler(c).Sample(3, seed: 31))
                for (int i = 0; i < c.Pairs; i++)
                    for (int j = 0; j < c.Pairs; j++)
                    {
                        double expected = PathLossSnr(c, instance, i, j);
                        Assert.That(instance.Snr[i, j], Is.EqualTo(expected).Within(1e-9).Percent, $"{c}: Snr[{i}, {j}]");
                    }

        // The floor: with pair distances < 1 m every direct gain is the 1 m gain.
        var near = configs[2];
        double at1m = Math.Pow(10, (near.MaxPowerDbm - near.NoiseDbm) / 10) * Math.Pow(10, -(near.PathLossAt1Km - 3 * near.PathLossExponent * 10) / 10);
        foreach (var instance in new InterferenceChannelSampler(near).Sample(2, seed: 5))
            for (int i = 0; i < near.Pairs; i++)
                Assert.That(instance.Snr[i, i], Is.EqualTo(at1m).Within(1e-9).Percent, $"direct gain {i} at < 1 m");
    }

    [Test]
    public void Rayleigh_fading_scales_path_loss_by_unit_mean_exponentials()
    {
        var c = new InterferenceChannelConfig { Pairs = 40 };
        var ratios = new List<double>();
        foreach (var instance in new InterferenceChannelSampler(c).Sample(3, seed: 41))
            for (int i = 0; i < c.Pairs; i++)
                for (int j = 0; j < c.Pairs; j++) ratios.Add(instance.Snr[i, j] / PathLossSnr(c, instance, i, j));
        // Exp(1): mean 1 and variance 1 (sd of the mean of 4800 draws ≈ 0.015), P(X < 0.1) = 0.095.
        double mean = ratios.Average();
        double variance = ratios.Select(r => (r - mean) * (r - mean)).Average();
        Assert.That(mean, Is.InRange(0.93, 1.07), "mean fading");
        Assert.That(variance, Is.InRange(0.8, 1.2), "fading variance");
        Assert.That(ratios.Count(r => r < 0.1) / (double)ratios.Count, Is.InRange(0.075, 0.115), "P(|h|² < 0.1)");
    }

    // --- config validation ------------------------------------------------------------------------------------------

    private static IEnumerable<TestCaseData> BadConfigs()
    {
        var d = new InterferenceChannelConfig();
        yield return new TestCaseData(d with { Pairs = 0 }, "pairs").SetName("Pairs = 0");
        yield return new TestCaseData(d with { Pairs = 1001 }, "pairs").SetName("Pairs = 1001");
        yield return new TestCaseData(d with { AreaSide = double.NaN }, "areaSide").SetName("AreaSide = NaN");
        yield return new TestCaseData(d with { AreaSide = 0 }, "areaSide").SetName("AreaSide = 0");
        yield return new TestCaseData(d with { AreaSide = double.PositiveInfinity }, "areaSide").SetName("AreaSide = Inf");
        yield return new TestCaseData(d with { MinPairDistance = 0 }, "minPairDistance").SetName("MinPairDistance = 0");
        yield return new TestCaseData(d with { MinPairDistance = double.NaN }, "minPairDistance").SetName("MinPairDistance = NaN");
        yield return new TestCaseData(d with { MinPairDistance = 50, MaxPairDistance = 40 }, "maxPairDistance").SetName("MaxPairDistance < MinPairDistance");
        yield return new TestCaseData(d with { MaxPairDistance = double.NaN }, "maxPairDistance").SetName("MaxPairDistance = NaN");
        yield return new TestCaseData(d with { MaxPowerDbm = 61 }, "maxPowerDbm").SetName("MaxPowerDbm = 61");
        yield return new TestCaseData(d with { MaxPowerDbm = double.NaN }, "maxPowerDbm").SetName("MaxPowerDbm = NaN");
        yield return new TestCaseData(d with { NoiseDbm = 1 }, "noiseDbm").SetName("NoiseDbm = 1");
        yield return new TestCaseData(d with { PathLossAt1Km = double.NaN }, "pathLossAt1Km").SetName("PathLossAt1Km = NaN");
        yield return new TestCaseData(d with { PathLossExponent = 0.5 }, "pathLossExponent").SetName("PathLossExponent = 0.5");
        yield return new TestCaseData(d with { PathLossExponent = double.NaN }, "pathLossExponent").SetName("PathLossExponent = NaN");
    }

    [TestCaseSource(nameof(BadConfigs))]
    public void A_config_out_of_range_is_refused_naming_the_field(InterferenceChannelConfig config, string field)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => config.Validate());
        Assert.That(e!.ParamName, Is.EqualTo(field));
        Assert.That(e.Message, Does.Contain(field).And.Contain("expected"));
        var s = Assert.Throws<ArgumentOutOfRangeException>(() => new InterferenceChannelSampler(config));
        Assert.That(s!.ParamName, Is.EqualTo(field), "the sampler validates its config");
    }

    [Test]
    public void The_default_and_boundary_configs_are_valid()
    {
        var d = new InterferenceChannelConfig();
        Assert.DoesNotThrow(() => d.Validate());
        Assert.DoesNotThrow(() => (d with { Pairs = 1, MinPairDistance = 3, MaxPairDistance = 3 }).Validate());
        Assert.DoesNotThrow(() => (d with { Pairs = 1000, AreaSide = 1e5, MaxPowerDbm = 60, NoiseDbm = -200 }).Validate());
        Assert.That(d.MaxPowerW, Is.EqualTo(0.01).Within(1e-12), "10 dBm = 10 mW");
        Assert.That(d.NoiseW, Is.EqualTo(Math.Pow(10, -13.4)).Within(1e-9).Percent, "-104 dBm");
    }

    // --- bad input --------------------------------------------------------------------------------------------------

    [Test]
    public void FromGains_refuses_non_square_and_bad_gains_naming_snr()
    {
        var ok = InterferenceChannelInstance.FromGains(new double[,] { { 1, 0 }, { 0.5, 2 } });
        Assert.That(ok.Pairs, Is.EqualTo(2));
        Assert.That(ok.Transmitters.GetLength(0), Is.EqualTo(2));

        foreach (var snr in new[] { new double[2, 3], new double[0, 0], new double[3, 1] })
        {
            var e = Assert.Throws<ArgumentException>(() => InterferenceChannelInstance.FromGains(snr));
            Assert.That(e!.ParamName, Is.EqualTo("snr"));
            Assert.That(e.Message, Does.Contain("snr").And.Contain("square"));
        }
        foreach (var bad in new[] { -1.0, -1e-300, double.NaN, double.PositiveInfinity })
        {
            var snr = new double[,] { { 1, 2 }, { bad, 3 } };
            var e = Assert.Throws<ArgumentException>(() => InterferenceChannelInstance.FromGains(snr));
            Assert.That(e!.ParamName, Is.EqualTo("snr"), $"gain {bad}");
            Assert.That(e.Message, Does.Contain("snr"));
        }
    }

    [Test]
    public void SumRate_refuses_mismatched_shapes_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        var snr = zeros(2, 3, 3);
        foreach (var power in new[] { zeros(2, 4), zeros(3, 3), zeros(2), zeros(2, 3, 1) })
        {
            var e = Assert.Throws<ArgumentException>(() => SumRate.Rates(snr, power));
            Assert.That(e!.ParamName, Is.EqualTo("power"), $"power of shape {TensorAssert.Shape(power.shape)}");
            Assert.That(e.Message, Does.Contain("power"));
            Assert.Throws<ArgumentException>(() => SumRate.Total(snr, power));
        }
        foreach (var badSnr in new[] { zeros(2, 3, 4), zeros(3, 3) })
        {
            var e = Assert.Throws<ArgumentException>(() => SumRate.Rates(badSnr, zeros(2, 3)));
            Assert.That(e!.ParamName, Is.EqualTo("snr"), $"snr of shape {TensorAssert.Shape(badSnr.shape)}");
        }
        var m = Assert.Throws<ArgumentException>(() => SumRate.Violations(zeros(2, 3), zeros(2, 4)));
        Assert.That(m!.ParamName, Is.EqualTo("mask"));

        var o = Assert.Throws<ArgumentException>(() => SumRateOracle.Rates(new double[3, 3], new double[2]));
        Assert.That(o!.ParamName, Is.EqualTo("power"));
    }

    [Test]
    public void ToTensors_refuses_an_empty_list_and_gains_outside_float32()
    {
        var e = Assert.Throws<ArgumentException>(() => SumRate.ToTensors(Array.Empty<InterferenceChannelInstance>()));
        Assert.That(e!.ParamName, Is.EqualTo("instances"));
        Assert.That(e.Message, Does.Contain("empty"));

        var good = InterferenceChannelInstance.FromGains(new double[,] { { 1 } });
        foreach (var bad in new[] { 1e39, double.NaN, -1.0 })
        {
            // Built directly (bypassing FromGains' check), or beyond float32 though finite in float64.
            var instance = new InterferenceChannelInstance(new double[,] { { 1, 0 }, { 0, bad } }, new double[2, 2], new double[2, 2]);
            var t = Assert.Throws<ArgumentException>(() => SumRate.ToTensors(new[] { good, instance }));
            Assert.That(t!.ParamName, Is.EqualTo("instances"), $"gain {bad}");
            Assert.That(t.Message, Does.Contain("instances[1].Snr[1, 1]"), $"gain {bad}");
        }
    }

    // --- baselines --------------------------------------------------------------------------------------------------

    [Test]
    public void Simple_power_control_baselines()
    {
        Assert.That(SimplePowerControl.FullPower(4), Is.EqualTo(new[] { 1.0, 1.0, 1.0, 1.0 }));
        var a = SimplePowerControl.RandomPower(50, new Random(3));
        Assert.That(a, Has.Length.EqualTo(50).And.All.InRange(0.0, 1.0));
        Assert.That(a, Is.EqualTo(SimplePowerControl.RandomPower(50, new Random(3))), "seeded");
        Assert.That(a.Distinct().Count(), Is.GreaterThan(45), "random");
    }
}
