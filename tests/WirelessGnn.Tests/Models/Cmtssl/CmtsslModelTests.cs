using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Models.Cmtssl;
using WirelessGnn.Models.MultiTask;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models.Cmtssl;

/// <summary>
/// The decision layer, the widths and costs of the networks, the SBS/MBS exchange of DMTSSL, decentralised execution,
/// the B = 1 equivalence, DATL and divergence detection (spec §10 items 17–26).
/// </summary>
[TestFixture]
public class CmtsslModelTests
{
    private static readonly CmtsslPlugin Central = new();

    /// <summary>Bit-identical: same shape and every element equal.</summary>
    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();
    private static readonly CmtsslPlugin Distributed = new(distributed: true);

    /// <summary>A small system and network, fast on 2 cores.</summary>
    private static CmtsslConfig Small(int sbss = 2, LossScheme scheme = LossScheme.Scheme1, BeamformerMapping mapping = BeamformerMapping.Paper) => new CmtsslConfig
    {
        Problem = new MecCellFreeConfig { Sbss = sbss, Users = 3, Subcarriers = 2 }, Mapping = mapping,
        Hidden = new[] { 32, 32 }, ScaleInstances = 50, TestInstances = 20,
        Loss = new MultiTaskLoss { Scheme = scheme },
    } with { Training = new CmtsslConfig().Training with { Steps = 40, BatchSize = 16, TrainInstances = 160, ValidationInstances = 16, ValidateEvery = 20 } };

    [Test]
    public void A_finished_model_is_reused_across_scoring_settings_and_retrained_when_a_training_setting_differs()
    {
        var trained = Small();
        var saved = WirelessGnn.Models.Configuration.ConfigBinder.ToJson(trained);
        foreach (var key in CmtsslReproduction.ScoringOnlySettings)
            Assert.That(saved.ContainsKey(key), $"'{key}' is a key of the CMTSSL config");
        string Changed(CmtsslConfig c) => string.Join("; ", WirelessGnn.Models.Configuration.ConfigBinder.ChangedSettings(saved.ToJsonString(), c, CmtsslReproduction.ScoringOnlySettings));
        Assert.That(Changed(trained with { TestInstances = 7, BaselineUsers = 1, Reproduction = trained.Reproduction with { DatlPlacements = 3 } }), Is.Empty);
        Assert.That(Changed(trained with { Mapping = BeamformerMapping.PowerShares }), Does.StartWith("mapping"));
    }

    [Test]
    public void Decision_layer_is_binary_and_passes_the_gradient_straight_through()
    {
        var scores = tensor(new[] { 0.1, 0.5, 0.5000001, 0.9, 0.49 }).requires_grad_(true);
        var v = AllocationHead.Decide(scores, SaGradient.StraightThrough, training: true);
        Assert.That(v.data<double>().ToArray(), Is.EqualTo(new[] { 0.0, 0, 1, 1, 0 }));
        var weights = tensor(new[] { 1.0, -2, 3, 0.5, 7 });
        (v * weights).sum().backward();
        Assert.That(scores.grad!.data<double>().ToArray(), Is.EqualTo(weights.data<double>().ToArray()), "∂L/∂v̄ = ∂L/∂v");
        Assert.That(AllocationHead.Decide(scores, SaGradient.StraightThrough, training: false).data<double>().ToArray(), Is.EqualTo(new[] { 0.0, 0, 1, 1, 0 }));
        Assert.That(AllocationHead.Decide(scores, SaGradient.RelaxedDuringTraining, training: true).data<double>()[3], Is.EqualTo(0.9));
    }

    [Test]
    public void Widths_costs_and_parameter_counts_match_the_spec()
    {
        var p = new MecCellFreeConfig();
        Assert.That((AllocationHead.InputWidth(3, p), AllocationHead.OutputWidth(3, p)), Is.EqualTo((1920, 1094)));
        Assert.That((AllocationHead.InputWidth(1, p), AllocationHead.OutputWidth(1, p)), Is.EqualTo((640, 374)));
        var config = new CmtsslConfig { Mapping = BeamformerMapping.Paper, LinkGains = false };   // the spec's reference widths
        using var c = new CmtsslNetwork(config, 1e-4);
        using var d = new DmtsslNetwork(config, 1e-4);
        Assert.That(c.MultiplyAccumulatesPerModel, Is.EqualTo(2_591_744));
        Assert.That(d.MultiplyAccumulatesPerModel, Is.EqualTo(1_567_744));
        Assert.That(c.parameters().Sum(t => t.numel()), Is.EqualTo(2_598_982));
        Assert.That(d.Locals[0].parameters().Sum(t => t.numel()), Is.EqualTo(1_574_262));
        Assert.That(d.parameters().Sum(t => t.numel()), Is.EqualTo(3 * 1_574_262));
        Assert.That((AllocationHead.OutputWidth(3, p, BeamformerMapping.PowerShares), AllocationHead.OutputWidth(1, p, BeamformerMapping.PowerShares)), Is.EqualTo((734, 254)),
            "power shares: 2·M_r + 1 units per link");
        var wide = p with { Sbss = 6 };
        Assert.That((AllocationHead.InputWidth(6, wide), AllocationHead.OutputWidth(6, wide)), Is.EqualTo((3840, 2177)));
        Assert.That(WirelessGnn.Layers.Mlp.MultiplyAccumulatesOf(new[] { 3840, 512, 1024, 512, 2177 }), Is.EqualTo(4_129_280));
        // Matched: 2·M_r instead of 2·M_t beam units per link, 2·3·4·10·2 + 120 + 14 and 2·4·10·2 + 40 + 14.
        Assert.That((AllocationHead.OutputWidth(3, p, BeamformerMapping.Matched), AllocationHead.OutputWidth(1, p, BeamformerMapping.Matched)), Is.EqualTo((614, 214)));
        // Matched decoding per link: 6·4·2 + 2·4 = 56 MACs, over 120 links (CMTSSL) or 40 (one SBS).
        Assert.That((AllocationHead.DecodeMultiplyAccumulates(3, p, BeamformerMapping.Matched), AllocationHead.DecodeMultiplyAccumulates(3, p, BeamformerMapping.Paper)), Is.EqualTo((6720L, 0L)));
        using var matched = new DmtsslNetwork(config with { Mapping = BeamformerMapping.Matched }, 1e-4);
        Assert.That(matched.MultiplyAccumulatesPerModel, Is.EqualTo(WirelessGnn.Layers.Mlp.MultiplyAccumulatesOf(new[] { 640, 512, 1024, 512, 214 }) + 40 * 56));
    }

    [Test]
    public void Link_gains_are_the_log_channel_power_of_each_link()
    {
        var p = new MecCellFreeConfig();
        Assert.That((AllocationHead.InputWidth(3, p, linkGains: true), AllocationHead.InputWidth(1, p, linkGains: true)), Is.EqualTo((1920 + 120, 640 + 40)));
        var config = Small(2);
        var x = Central.Sample(config, 3, 5);
        using var batch = Central.Prepare(x, config, CPU);
        var h = batch.Problem;
        const double scale = 2e-4;
        var encoded = AllocationMlp.Encode(h.ChannelRe.to_type(ScalarType.Float64), h.ChannelIm.to_type(ScalarType.Float64), tensor(scale), linkGains: true);
        int nb = 2, nn = 2, ni = 3, mt = 4, mr = 2, channels = 2 * nb * nn * ni * mt * mr;
        Assert.That(encoded.shape, Is.EqualTo(new long[] { 3, channels + nb * nn * ni }));
        Assert.That(Same(encoded.narrow(1, 0, channels), AllocationMlp.Encode(h.ChannelRe.to_type(ScalarType.Float64), h.ChannelIm.to_type(ScalarType.Float64), tensor(scale), linkGains: false)),
            Is.True, "the channels come first, as without the gains");
        for (int s = 0; s < 3; s++)
            for (int b = 0, k = channels; b < nb; b++)
                for (int n = 0; n < nn; n++)
                    for (int i = 0; i < ni; i++, k++)
                    {
                        double power = 0;
                        for (int m = 0; m < mt; m++)
                            for (int r = 0; r < mr; r++) power += Math.Pow(x[s].Channel[b, n, i, m, r].Magnitude, 2);
                        Assert.That(encoded[s, k].item<double>(), Is.EqualTo(Math.Log10(power / (mt * mr * scale * scale))).Within(1e-5), $"sample {s}, link ({b}, {n}, {i})");
                    }
        using var net = new DmtsslNetwork(config with { LinkGains = true }, scale);
        Assert.That(net.Locals[0].InputWidth, Is.EqualTo(channels / nb + nn * ni));
        Assert.That(net.Locals[0].Copy().LinkGains, Is.True, "a DATL copy keeps the encoding");
        // Encoding the gains costs 2·M_t·M_r MACs per link: 6 links of one SBS here.
        Assert.That(net.MultiplyAccumulatesPerModel - net.Locals[0].MultiplyAccumulates, Is.EqualTo(6 * 16 + AllocationHead.DecodeMultiplyAccumulates(1, config.Problem, config.Mapping)));
    }

    [TestCase(BeamformerMapping.Paper)]
    [TestCase(BeamformerMapping.Matched)]
    [TestCase(BeamformerMapping.PowerShares)]
    public void The_budget_layer_keeps_every_sbs_within_its_budget(BeamformerMapping mapping)
    {
        torch.manual_seed(6);
        var config = Small(3, mapping: mapping) with { LinkGains = false };   // the untrained output scale below is that of the paper's input
        using var net = Central.CreateNetwork(config);
        net.eval();
        using var batch = Central.Prepare(Central.Sample(config, 16, 7), config, CPU);
        using var noGrad = no_grad();
        double PowerMet(CmtsslConfig c) => Central.Score(Central.Decide(net, batch, c), batch)["power_met"].Average();
        Assert.That(PowerMet(config), Is.EqualTo(1.0), "with the layer (default)");
        // The untrained paper mapping puts about 0.5 √W in each real part, 2·M_t·0.25 = 2 W per active beam: some SBSs exceed 10 W.
        if (mapping == BeamformerMapping.Paper) Assert.That(PowerMet(config with { BudgetLayer = false }), Is.LessThan(1.0), "without it");
    }

    [Test]
    public void A_refined_decision_keeps_the_networks_subcarrier_allocation_and_lifts_its_weakest_users_also_without_gradients()
    {
        torch.manual_seed(8);
        var config = Small(2, mapping: BeamformerMapping.PowerShares) with { LinkGains = true };
        using var net = Central.CreateNetwork(config);
        net.eval();
        using var batch = Central.Prepare(Central.Sample(config, 12, 9), config, CPU);
        using var noGrad = no_grad();                                      // as the evaluator calls Decide
        var p = batch.Problem;
        Allocation Unflatten(Tensor d) => Allocation.Unflatten(d.to_type(ScalarType.Float64), p.Sbss, p.Subcarriers, p.Users, p.TxAntennas);
        var raw = Unflatten(Central.Decide(net, batch, config));
        var refined = Unflatten(Central.Decide(net, batch, config with { Refinement = new GradientAscentOptions { Iterations = 60 } }));
        Assert.That(refined.Assignment.eq(raw.Assignment).all().item<bool>(), Is.True);
        var scoreRaw = Central.Score(raw.Flatten(), batch);
        var scoreRefined = Central.Score(refined.Flatten(), batch);
        Assert.That(scoreRefined["power_met"], Is.All.EqualTo(1.0));
        Assert.That(scoreRefined["users_min_rate_met"].Average(), Is.GreaterThan(scoreRaw["users_min_rate_met"].Average()),
            "an untrained network misses minimum rates that 60 refinement steps reach");
        Assert.Throws<ArgumentOutOfRangeException>(() => (config with { Refinement = new GradientAscentOptions { Iterations = 0 } }).Validate());
    }

    [Test]
    public void A_sweep_feasibility_reference_is_validated_under_its_own_name()
    {
        var config = new CmtsslConfig();
        Assert.DoesNotThrow(() => (config with { Reproduction = config.Reproduction with { SweepFeasibility = new GradientAscentOptions { RateCap = 1, SumRateWeight = 0 } } }).Validate());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            (config with { Reproduction = config.Reproduction with { SweepFeasibility = new GradientAscentOptions { Iterations = 0 } } }).Validate());
        Assert.That(e!.Message, Does.Contain("reproduction.sweepFeasibility.iterations"));
    }

    [Test]
    public void With_the_budget_layer_the_power_tasks_see_the_raw_powers_and_the_rate_tasks_the_projected_allocation()
    {
        torch.manual_seed(8);
        var config = Small(2, LossScheme.Scheme2, BeamformerMapping.Matched);
        using var net = Central.CreateNetwork(config);
        using var batch = Central.Prepare(Central.Sample(config, 6, 3), config, CPU);
        using var noGrad = no_grad();
        var untrained = ((IAllocationNetwork)net).Propose(batch.Problem);
        var proposal = untrained with { BeamRe = 3 * untrained.BeamRe, BeamIm = 3 * untrained.BeamIm };   // louder, so that the layer acts
        var raw = new Allocation(proposal.BeamRe, proposal.BeamIm, AllocationHead.Decide(proposal.Scores, config.SaGradient, training: true));
        var rawPowers = DownlinkRate.SbsPowers(raw);
        Assert.That((rawPowers > config.Problem.SbsPowerW).any().item<bool>(), Is.True, "some SBS exceeds its budget before the layer");
        var losses = MacroBaseStation.TaskLosses(proposal, batch.Problem, config);
        int users = config.Problem.Users;
        Assert.That(losses.narrow(1, 1 + users, 2).allclose(TaskLossFunctions.Huber(rawPowers - config.Problem.SbsPowerW, config.Loss.X3)), Is.True, "power tasks");
        var projected = DownlinkRate.Tasks(batch.Problem, DownlinkRate.ProjectOntoBudget(raw, config.Problem.SbsPowerW));
        Assert.That(losses.narrow(1, 1, users).allclose(TaskLossFunctions.El(projected.RateGaps, 0)), Is.True, "rate tasks");
        Assert.That(losses.narrow(1, 0, 1).squeeze(1).allclose(TaskLossFunctions.El(projected.Objective, 0)), Is.True, "sum-rate task");
        var without = MacroBaseStation.TaskLosses(proposal, batch.Problem, config with { BudgetLayer = false });
        Assert.That(without.narrow(1, 1 + users, 2).allclose(losses.narrow(1, 1 + users, 2)), Is.True, "the power tasks are the same without the layer");
        Assert.That(without.narrow(1, 0, 1 + users).allclose(losses.narrow(1, 0, 1 + users)), Is.False, "the rate tasks are not");
    }

    [TestCase(RatePenalty.Gap)]
    [TestCase(RatePenalty.LogRatio)]
    public void The_exact_rate_penalty_adds_mu_times_each_users_shortfall_to_the_joint_loss(RatePenalty form)
    {
        torch.manual_seed(5);
        var config = Small(2, LossScheme.Scheme2, BeamformerMapping.Matched) with { RatePenalty = form, MinRateMargin = 1 };
        using var net = Central.CreateNetwork(config);
        using var noGrad = no_grad();
        var instances = Central.Sample(config, 6, 3);
        using var first = Central.Prepare(instances, config, CPU);
        var untrained = ((IAllocationNetwork)net).Propose(first.Problem);
        var d = untrained.Tensors.Select(t => t.to_type(ScalarType.Float64)).ToArray();
        var proposal = new Proposal(d[0], d[1], d[2], d[3]);
        var y = AllocationHead.ToAllocation(proposal, config.SaGradient, training: true, config.BudgetLayerW);
        var rates = DownlinkRate.UserRates(first.Problem.To(ScalarType.Float64), y).data<double>().ToArray();
        double target = rates.Order().ElementAt(rates.Length / 2), expected = 0;   // the median: some users fall short
        config = config with { Problem = config.Problem with { MinRate = target / 2 } };
        using var batch = Central.Prepare(instances, config, CPU);
        using var problem = batch.Problem.To(ScalarType.Float64);
        const double mu = 3;
        double without = MacroBaseStation.JointLoss(proposal, problem, config).item<double>();
        double with = MacroBaseStation.JointLoss(proposal, problem, config with { Loss = config.Loss with { ExactPenalty = mu } }).item<double>();
        foreach (double r in rates)
            expected += Math.Max(0, form == RatePenalty.Gap ? target - r : Math.Log2(target / Math.Max(r, 1e-4 * target)));
        expected *= mu / 6;
        Assert.That(rates.Any(r => r < target) && rates.Any(r => r >= target), Is.True, "both kinds of user are in the batch");
        Assert.That(with - without, Is.EqualTo(expected).Within(1e-9 * expected));
    }

    [Test]
    public void A_margin_makes_the_loss_aim_at_one_plus_m_times_the_minimum_rate()
    {
        torch.manual_seed(6);
        var config = Small(2, LossScheme.Scheme2, BeamformerMapping.Matched) with { MinRateMargin = 1.5 };
        var shifted = config with { MinRateMargin = 0, Problem = config.Problem with { MinRate = 2.5 * config.Problem.MinRate } };
        using var net = Central.CreateNetwork(config);
        using var batch = Central.Prepare(Central.Sample(config, 6, 3), config, CPU);
        using var shiftedBatch = Central.Prepare(Central.Sample(shifted, 6, 3), shifted, CPU);
        using var noGrad = no_grad();
        var proposal = ((IAllocationNetwork)net).Propose(batch.Problem);
        Assert.That(MacroBaseStation.TaskLosses(proposal, batch.Problem, config).allclose(MacroBaseStation.TaskLosses(proposal, shiftedBatch.Problem, shifted)), Is.True);
        Assert.That(MacroBaseStation.TaskLosses(proposal, batch.Problem, config).allclose(MacroBaseStation.TaskLosses(proposal, batch.Problem, config with { MinRateMargin = 0 })), Is.False, "the margin changes the rate tasks");
    }

    [Test]
    public void Matched_beams_equal_the_scaled_channel_times_the_combiner()
    {
        var rng = new Random(11);
        const int mt = 4, mr = 2;
        var h = new System.Numerics.Complex[mt, mr];
        var c = new System.Numerics.Complex[mr];
        for (int m = 0; m < mt; m++)
            for (int k = 0; k < mr; k++) h[m, k] = new(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
        for (int k = 0; k < mr; k++) c[k] = new(2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1);
        double frobenius = Math.Sqrt(h.Cast<System.Numerics.Complex>().Sum(z => z.Magnitude * z.Magnitude));
        Tensor T(Func<System.Numerics.Complex, double> part, long[] shape, IEnumerable<System.Numerics.Complex> values) =>
            tensor(values.Select(part).ToArray(), shape, ScalarType.Float64);
        var hs = new long[] { 1, 1, 1, 1, mt, mr };
        var (re, im) = AllocationHead.MatchedBeams(T(z => z.Real, hs, h.Cast<System.Numerics.Complex>()), T(z => z.Imaginary, hs, h.Cast<System.Numerics.Complex>()),
            T(z => z.Real, new long[] { 1, 1, 1, 1, mr }, c), T(z => z.Imaginary, new long[] { 1, 1, 1, 1, mr }, c));
        double power = 0;
        for (int m = 0; m < mt; m++)
        {
            var expected = System.Numerics.Complex.Zero;
            for (int k = 0; k < mr; k++) expected += h[m, k] * c[k];
            expected *= Math.Sqrt(mt) / frobenius;
            Assert.That(re[0, 0, 0, 0, m].item<double>(), Is.EqualTo(expected.Real).Within(1e-12), $"Re w[{m}]");
            Assert.That(im[0, 0, 0, 0, m].item<double>(), Is.EqualTo(expected.Imaginary).Within(1e-12), $"Im w[{m}]");
            power += expected.Magnitude * expected.Magnitude;
        }
        Assert.That(power, Is.LessThanOrEqualTo(mt * c.Sum(z => z.Magnitude * z.Magnitude) + 1e-12), "‖w‖² ≤ M_t‖c‖² (‖Hc‖ ≤ ‖H‖_F‖c‖)");
        // Scaling the channel leaves the beam unchanged: the mapping sees only the link's direction.
        var (re2, _) = AllocationHead.MatchedBeams(1e-3 * T(z => z.Real, hs, h.Cast<System.Numerics.Complex>()), 1e-3 * T(z => z.Imaginary, hs, h.Cast<System.Numerics.Complex>()),
            T(z => z.Real, new long[] { 1, 1, 1, 1, mr }, c), T(z => z.Imaginary, new long[] { 1, 1, 1, 1, mr }, c));
        Assert.That(re2.allclose(re, 1e-10, 1e-14), Is.True);
    }

    [Test]
    public void Power_shares_spend_each_budget_in_proportion_to_gain_times_the_learned_factor_along_h_c()
    {
        torch.manual_seed(12);
        const int s = 2, b = 2, n = 3, i = 4, mt = 4, mr = 2;
        const double budget = 10;
        var hr = randn(new long[] { s, b, n, i, mt, mr }, dtype: ScalarType.Float64) * exp(2 * randn(new long[] { s, b, n, i, 1, 1 }, dtype: ScalarType.Float64));
        var hi = randn(new long[] { s, b, n, i, mt, mr }, dtype: ScalarType.Float64) * exp(2 * randn(new long[] { s, b, n, i, 1, 1 }, dtype: ScalarType.Float64));
        var cr = 2 * rand(new long[] { s, b, n, i, mr }, dtype: ScalarType.Float64) - 1;
        var ci = 2 * rand(new long[] { s, b, n, i, mr }, dtype: ScalarType.Float64) - 1;
        var o = rand(new long[] { s, b, n, i }, dtype: ScalarType.Float64);
        var (wr, wi) = AllocationHead.SharedBeams(hr, hi, cr, ci, o, budget);
        var power = (wr.square() + wi.square()).sum(-1);                                                  // [S, b, N, I]
        Assert.That(power.sum(new long[] { 2, 3 }).allclose(full(new long[] { s, b }, budget, dtype: ScalarType.Float64)), Is.True, "each SBS spends exactly P_max");
        double Weight(int x, int y, int nn, int u)
        {
            double g = (hr[x, y, nn, u].square() + hi[x, y, nn, u].square()).sum().item<double>();
            return g * Math.Exp(AllocationHead.ShareLogitRange * (2 * o[x, y, nn, u].item<double>() - 1));
        }
        for (int x = 0; x < s; x++)
            for (int y = 0; y < b; y++)
            {
                double total = 0;
                for (int nn = 0; nn < n; nn++)
                    for (int u = 0; u < i; u++) total += Weight(x, y, nn, u);
                for (int nn = 0; nn < n; nn++)
                    for (int u = 0; u < i; u++)
                        Assert.That(power[x, y, nn, u].item<double>(), Is.EqualTo(budget * Weight(x, y, nn, u) / total).Within(1e-9 * budget), $"share of ({x}, {y}, {nn}, {u})");
            }
        // w is a positive multiple of H c: |⟨H c, w⟩| = ‖H c‖·‖w‖ and the inner product is real and positive.
        var (dr, di) = AllocationHead.MatchedBeams(hr, hi, cr, ci);
        var innerRe = (dr * wr + di * wi).sum(-1);
        var innerIm = (dr * wi - di * wr).sum(-1);
        var norms = (dr.square() + di.square()).sum(-1).sqrt() * power.sqrt();
        Assert.That(innerRe.allclose(norms, 1e-9, 1e-12), Is.True, "aligned with H c");
        Assert.That(innerIm.abs().max().item<double>(), Is.LessThan(1e-9 * norms.max().item<double>()));
    }

    /// <summary>A 3-SBS DMTSSL network in eval mode (weights seeded with <paramref name="seed"/>) and a batch of 4 realisations.</summary>
    private static (CmtsslConfig Config, DmtsslNetwork Net, CmtsslBatch Batch) EvaluatedDmtssl(int seed, BeamformerMapping mapping = BeamformerMapping.Paper)
    {
        var config = Small(3, mapping: mapping);
        torch.manual_seed(seed);
        var net = (DmtsslNetwork)Distributed.CreateNetwork(config);
        net.eval();
        return (config, net, Distributed.Prepare(Distributed.Sample(config, 4, 1), config, CPU));
    }

    [Test]
    public void The_mbs_averages_beta_and_stacks_the_sbs_proposals()
    {
        var (config, net, batch) = EvaluatedDmtssl(1);
        using var noGrad = no_grad();
        var reports = Enumerable.Range(0, 3).Select(b => net.Report(b, batch.Problem)).ToList();
        var global = net.Propose(batch.Problem);
        Assert.That(global.Beta.allclose((reports[0].Beta + reports[1].Beta + reports[2].Beta) / 3), Is.True);
        Assert.That(Same(global.BeamRe.narrow(1, 2, 1), reports[2].BeamRe), Is.True);
        Assert.That(global.Scores.shape, Is.EqualTo(new long[] { 4, 3, 2, 3 }));
        Assert.That(global.Beta.shape, Is.EqualTo(new long[] { 4, config.Problem.Tasks }));
    }

    [TestCase(BeamformerMapping.Paper)]
    [TestCase(BeamformerMapping.Matched)]
    [TestCase(BeamformerMapping.PowerShares)]
    public void Each_sbs_output_depends_only_on_its_own_channels_and_weights(BeamformerMapping mapping)
    {
        var (_, net, batch) = EvaluatedDmtssl(2, mapping);
        using var noGrad = no_grad();
        var before = net.Report(0, batch.Problem);
        batch.Problem.ChannelRe.select(1, 1).mul_(3);
        batch.Problem.ChannelIm.select(1, 2).add_(1e-3);
        foreach (var p in net.Locals[1].parameters()) p.add_(0.1);
        var after = net.Report(0, batch.Problem);
        foreach (var (a, b) in before.Tensors.Zip(after.Tensors)) Assert.That(Same(a, b), Is.True);
        Assert.That(Same(net.Report(1, batch.Problem).BeamRe, before.BeamRe), Is.False);
    }

    [TestCase(BeamformerMapping.Paper, false)]
    [TestCase(BeamformerMapping.Matched, false)]
    [TestCase(BeamformerMapping.Matched, true)]
    [TestCase(BeamformerMapping.PowerShares, false)]
    public void The_explicit_exchange_gives_the_gradient_of_one_shared_graph(BeamformerMapping mapping, bool penalised)
    {
        var config = Small(3, LossScheme.Scheme2, mapping);
        if (penalised) config = config with { Loss = config.Loss with { ExactPenalty = 3 }, MinRateMargin = 1 };
        using var batch = Distributed.Prepare(Distributed.Sample(config, 8, 3), config, CPU);
        torch.manual_seed(3);
        using var net = (DmtsslNetwork)Distributed.CreateNetwork(config);
        net.train();
        var exchanged = Distributed.Loss(net, batch, config);
        exchanged.backward();
        var viaExchange = net.parameters().Select(p => p.grad!.clone()).ToList();
        net.zero_grad();
        var shared = MacroBaseStation.JointLoss(net.Propose(batch.Problem), batch.Problem, config);
        shared.backward();
        Assert.That(exchanged.item<float>(), Is.EqualTo(shared.item<float>()).Within(1e-5 * Math.Abs(shared.item<float>())));
        var direct = net.parameters().Select(p => p.grad!).ToList();
        for (int k = 0; k < direct.Count; k++) Assert.That(viaExchange[k].allclose(direct[k], 1e-4, 1e-7), Is.True, $"parameter {k}");
        Assert.That(direct.Sum(g => g.abs().sum().item<float>()), Is.GreaterThan(0));
    }

    [Test]
    public void With_one_sbs_dmtssl_and_cmtssl_are_the_same_network_and_loss()
    {
        var config = Small(1);
        torch.manual_seed(4);
        using var c = (CmtsslNetwork)Central.CreateNetwork(config);
        using var d = (DmtsslNetwork)Distributed.CreateNetwork(config);
        Assert.That(d.Locals[0].InputWidth, Is.EqualTo(c.Model.InputWidth));
        Assert.That(d.Locals[0].OutputWidth, Is.EqualTo(c.Model.OutputWidth));
        d.Locals[0].load_state_dict(c.Model.state_dict());
        using var batch = Central.Prepare(Central.Sample(config, 8, 5), config, CPU);
        c.train();
        d.train();
        float lc = Central.Loss(c, batch, config).item<float>(), ld = Distributed.Loss(d, batch, config).item<float>();
        Assert.That(ld, Is.EqualTo(lc).Within(1e-5 * Math.Abs(lc)));
    }

    [Test]
    public void Datl_copies_the_nearest_sbs_and_leaves_the_others_untouched()
    {
        var positions = new MecCellFreeConfig { Sbss = 4 }.SbsPositions();
        int nearest = DistanceAwareTransfer.NearestSbs(positions, 10, 45);
        Assert.That(nearest, Is.EqualTo(1), "ring site 1 is at (0, 50)");
        // Translation and rotation of every coordinate keep the choice.
        double angle = 0.7, tx = 13, ty = -8;
        (double, double) Move(double x, double y) => (x * Math.Cos(angle) - y * Math.Sin(angle) + tx, x * Math.Sin(angle) + y * Math.Cos(angle) + ty);
        var moved = new double[4, 2];
        for (int b = 0; b < 4; b++) (moved[b, 0], moved[b, 1]) = Move(positions[b, 0], positions[b, 1]);
        var (nx, ny) = Move(10, 45);
        Assert.That(DistanceAwareTransfer.NearestSbs(moved, nx, ny), Is.EqualTo(nearest));
        Assert.That(DistanceAwareTransfer.NearestSbs(new double[,] { { 1, 0 }, { -1, 0 } }, 0, 5), Is.EqualTo(0), "ties: lowest index");

        var config = Small(2);
        torch.manual_seed(6);
        using var trained = (DmtsslNetwork)Distributed.CreateNetwork(config);
        trained.eval();
        var site = new SbsSite(-30, 20);
        var extended = config with { Problem = config.Problem with { AddedSbss = new[] { site } } };
        int source = DistanceAwareTransfer.NearestSbs(config.Problem.SbsPositions(), site.X, site.Y);
        using var batchOld = Distributed.Prepare(Distributed.Sample(config, 4, 7), config, CPU);
        using var batchNew = Distributed.Prepare(Distributed.Sample(extended, 4, 7), extended, CPU);
        using var noGrad = no_grad();
        var oldOutputs = Enumerable.Range(0, 2).Select(b => trained.Locals[b].call(batchNew.Problem.ChannelRe.narrow(1, b, 1), batchNew.Problem.ChannelIm.narrow(1, b, 1))).ToList();
        var transferred = DistanceAwareTransfer.AddSbs(trained, source, extended);
        var copy = transferred.Locals[2];
        var sourceState = trained.Locals[source].state_dict();
        foreach (var (key, value) in copy.state_dict()) Assert.That(Same(value, sourceState[key]), Is.True, key);
        Assert.That(copy.InputScale, Is.EqualTo(trained.Locals[source].InputScale));
        Assert.That(ReferenceEquals(transferred.Locals[0], trained.Locals[0]), Is.True);
        for (int b = 0; b < 2; b++)
        {
            var again = transferred.Locals[b].call(batchNew.Problem.ChannelRe.narrow(1, b, 1), batchNew.Problem.ChannelIm.narrow(1, b, 1));
            Assert.That(Same(again, oldOutputs[b]), Is.True, $"SBS {b}");
        }
        var decision = Distributed.Decide(transferred, batchNew, extended);
        Assert.That(decision.shape[1], Is.EqualTo(WirelessGnn.Problems.MecCellFree.Allocation.FlatWidth(3, 2, 3, 4)));
        Assert.That(Distributed.Score(decision, batchNew)[CmtsslPlugin.SumRateMetric].All(double.IsFinite), Is.True);
    }

    [TestCase(LossScheme.Baseline1)]
    [TestCase(LossScheme.Baseline2)]
    public void The_trainer_detects_divergence_of_loss_baselines_1_and_2(LossScheme scheme)
    {
        var config = Small(2, scheme) with { Training = Small().Training with { Steps = 300, ValidateEvery = 300 } };
        torch.manual_seed(1);
        var net = Central.CreateNetwork(config);
        var trainer = new Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(Central, config, CPU, 1);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Train(net));
        TestContext.Out.WriteLine($"{scheme}: {e!.Message}");
        Assert.That(e.Step, Is.LessThan(300));
    }

    [Test]
    public void Scheme1_trains_without_crossing_the_bound()
    {
        var config = Small(2, LossScheme.Scheme1);
        torch.manual_seed(1);
        var net = Central.CreateNetwork(config);
        var result = new Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(Central, config, CPU, 1).Train(net);
        Assert.That(result.Steps, Is.EqualTo(config.Training.Steps));
        Assert.That(result.Losses.Min(), Is.GreaterThan(Central.LossLowerBound(config)));
    }

    [Test]
    public void Dmtssl_trains_with_batch_norm_recalibration_before_validation()
    {
        // Its loss calls autograd.grad (the SBS/MBS exchange); recalibration must run validation's forward instead.
        var small = Small(2);
        var config = small with { Training = small.Training with { Steps = 20, ValidateEvery = 10, RecalibrateBatchNorm = 3 } };
        torch.manual_seed(1);
        var net = Distributed.CreateNetwork(config);
        var result = new Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(Distributed, config, CPU, 1).Train(net);
        Assert.That(result.Validations.Select(v => v.Step), Is.EqualTo(new long[] { 10, 20 }));
        Assert.That(result.Validations.All(v => double.IsFinite(v.Value)), Is.True);
    }

    [Test]
    public void Baseline_decisions_are_scored_by_the_same_objective()
    {
        var config = Small(2);
        var xs = Central.Sample(config, 6, 9);
        using var batch = Central.Prepare(xs, config, CPU);
        var baselines = Central.Baselines(config);
        foreach (var b in baselines)
        {
            var rows = xs.Select(x => b.Solve(x, new Random(1))).ToList();
            var scores = Central.Score(Central.ToDecision(rows, batch), batch);
            for (int s = 0; s < xs.Count; s++)
            {
                var y = WirelessGnn.Problems.MecCellFree.Allocation.Unflatten(tensor(rows[s], new long[] { 1, rows[s].Length }), 2, 2, 3, 4);
                var beams = new System.Numerics.Complex[2, 2, 3, 4];
                var v = new double[2, 2, 3];
                for (int bb = 0; bb < 2; bb++) for (int n = 0; n < 2; n++) for (int i = 0; i < 3; i++)
                {
                    v[bb, n, i] = y.Assignment[0, bb, n, i].item<double>();
                    for (int m = 0; m < 4; m++) beams[bb, n, i, m] = new(y.BeamRe[0, bb, n, i, m].item<double>(), y.BeamIm[0, bb, n, i, m].item<double>());
                }
                double oracle = DownlinkRateOracle.Rates(xs[s], beams, v, config.Problem.NoiseW).Sum();
                // The batch holds the channels in float32 (scored in float64), hence 1e-6 rather than the oracle tests' 1e-9.
                Assert.That(scores[CmtsslPlugin.SumRateMetric][s], Is.EqualTo(oracle).Within(1e-6 * Math.Max(1, oracle)), $"{b.Name} sample {s}");
                Assert.That(scores["power_met"][s], Is.EqualTo(1), "ZFBF spends exactly P_max");
            }
        }
        Assert.That(() => Central.ToDecision(new[] { new double[3] }, batch), Throws.ArgumentException);
    }

    [Test]
    public void Paper_numbers_appear_only_at_Table_II_setting()
    {
        var paper = new CmtsslConfig();
        Assert.That(Central.PaperNumbers(paper).Values, Is.EqualTo(new[] { 0.796 }), "CMTSSL, scheme 1, B = 3, I = 10, N = 4");
        Assert.That(Distributed.PaperNumbers(paper).Values, Is.EqualTo(new[] { 0.911 }), "DMTSSL, scheme 1");
        Assert.That(Central.PaperNumbers(paper with { Problem = paper.Problem with { Sbss = 5 } }), Is.Empty, "B = 5 is not Table II");
        Assert.That(Central.PaperNumbers(paper with { Problem = paper.Problem with { AddedSbss = new[] { new SbsSite(10, 10) } } }), Is.Empty, "nor 3 + 1 SBSs");
    }
}
