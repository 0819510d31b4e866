using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Models.CfHgnn;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.MddCellFree;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models.CfHgnn;

/// <summary>
/// The CF-HGNN plugins (spec §12 items 27–29): the eq. (14) loss and its penalties, decoding and scoring of decisions
/// (baseline vectors round-trip, projection onto the budgets, constraint flags), and a seeded training smoke test.
/// </summary>
[TestFixture]
public class CfHgnnPluginTests
{
    private static CfHgnnConfig Tiny(CfHgnnMode mode = CfHgnnMode.Dedicated) => new()
    {
        Problem = new MddCellFreeConfig { Aps = 6, Mss = 2, Antennas = 4, DlSubcarriers = 2, UlSubcarriers = 1, Taps = 2 },
        Mode = mode, Hidden = 32, AttentionWidth = 16, EmbeddingWidth = 32, MaxAps = 8, MaxDlSubcarriers = 4, MaxUlSubcarriers = 2,
        TestInstances = 32, IncludeQtSca = false, CacheDirectory = "",
        Training = new TrainingOptions { Steps = 80, BatchSize = 64, TrainInstances = 256, ValidationInstances = 64, ValidateEvery = 20, LearningRate = 2e-3, Schedule = LearningRateSchedule.Constant, ClipGradientNorm = 0 },
    };

    [Test]
    public void Loss_is_minus_the_SE_when_every_constraint_holds_and_grows_with_slope_kappa_when_one_is_violated()
    {
        using var scope = NewDisposeScope();
        var config = Tiny() with { LossEpsilon = 0, QosMargin = 0 };
        var x = MddInstances.Random(6, 2, 2, 1, 3);
        using var problem = MddCellFreeTensors.From(new[] { x }, dtype: ScalarType.Float64);
        var ap = full(new long[] { 1, 6, 2, 2 }, 0.02, dtype: ScalarType.Float64);    // 0.08 W of 10 per AP: little SI, so the UL QoS holds
        var ms = full(new long[] { 1, 2, 1 }, 0.5, dtype: ScalarType.Float64);         // 0.5 W of 1 per MS
        var se = SpectralEfficiency.Evaluate(problem, ap, ms);
        Assert.That((se.DlRate >= 0.5).all().item<bool>() && (se.UlRate >= 0.1).all().item<bool>(), $"QoS met at this point: DL {se.DlRate.str()} UL {se.UlRate.str()}");
        double loss = CfHgnnPlugin.LossOf(problem, ap, ms, config).item<double>();
        Assert.That(loss, Is.EqualTo(-se.Value.item<double>()).Within(1e-12), "no penalty when feasible");

        // One AP 1 W over budget: κ4 · 1 W more, plus the SE change.
        var over = ap.clone();
        over[0, 0, 0, 0] = over[0, 0, 0, 0] + 10.92;
        double expected = -SpectralEfficiency.Evaluate(problem, over, ms).Value.item<double>() + config.Kappa[3] * 1.0;
        Assert.That(CfHgnnPlugin.LossOf(problem, over, ms, config).item<double>(), Is.EqualTo(expected).Within(1e-9), "AP budget penalty κ4·excess");

        // projectInLoss: the SE term sees the projected decision, the penalty still the raw excess.
        var (projectedAp, projectedMs) = SpectralEfficiency.Project(problem, over, ms);
        double projected = -SpectralEfficiency.Evaluate(problem, projectedAp, projectedMs).Value.item<double>() + config.Kappa[3] * 1.0;
        Assert.That(projected, Is.Not.EqualTo(expected).Within(1e-6), "the projection changes the SE here");
        Assert.That(CfHgnnPlugin.LossOf(problem, over, ms, config with { ProjectInLoss = true }).item<double>(), Is.EqualTo(projected).Within(1e-9));
        Assert.That(CfHgnnPlugin.LossOf(problem, ap, ms, config with { ProjectInLoss = true }).item<double>(), Is.EqualTo(-se.Value.item<double>()).Within(1e-12), "within budget nothing changes");

        // UL QoS violated by switching MS 0 off: penalty κ2 · (χ_UL − R_UL).
        var off = ms.clone();
        off[0, 0, 0] = 0.0;
        var seOff = SpectralEfficiency.Evaluate(problem, ap, off);
        expected = -seOff.Value.item<double>() + config.Kappa[1] * (0.1 - seOff.UlRate[0, 0].item<double>());
        Assert.That(CfHgnnPlugin.LossOf(problem, ap, off, config).item<double>(), Is.EqualTo(expected).Within(1e-9), "UL QoS penalty κ2·shortfall");

        // With a 10 % margin the penalties act below 1.1·χ, on every MS and both links.
        var margined = config with { QosMargin = 0.1 };
        expected = -seOff.Value.item<double>();
        for (int d = 0; d < 2; d++)
            expected += config.Kappa[0] * Math.Max(0, 0.55 - seOff.DlRate[0, d].item<double>()) + config.Kappa[1] * Math.Max(0, 0.11 - seOff.UlRate[0, d].item<double>());
        Assert.That(CfHgnnPlugin.LossOf(problem, ap, off, margined).item<double>(), Is.EqualTo(expected).Within(1e-9), "penalties below (1 + margin)·χ");
        Assert.That(expected, Is.GreaterThan(CfHgnnPlugin.LossOf(problem, ap, off, config).item<double>()), "the margin adds penalty");
    }

    [Test]
    public void An_adaptive_model_is_tested_on_its_base_size_not_on_its_training_mix()
    {
        var plugin = new CfHgnnPlugin();
        var config = Tiny(CfHgnnMode.Adaptive) with { TrainingMix = new[] { new SizeOverride(4, 2, 2, 1), new SizeOverride(8, 3, 4, 2) } };
        Assert.That(plugin.Sample(config, 16, 5).Select(x => x.Aps).Distinct().Count(), Is.EqualTo(2), "training draws from the mix");
        var set = plugin.EvaluationSets(config)[0];
        var test = plugin.Sample(set.Config, 16, set.Seed);
        Assert.That(test.All(x => x.Aps == 6 && x.Mss == 2 && x.DlSubcarriers == 2 && x.UlSubcarriers == 1), $"test set {set.Name}: every layout at L=6 D=2 M/M̄=2/1");
    }

    [Test]
    public void Loss_gradient_is_finite_where_the_network_outputs_exact_zeros()
    {
        using var scope = NewDisposeScope();
        var config = Tiny();
        using var problem = MddCellFreeTensors.From(new[] { MddInstances.Random(6, 2, 2, 1, 4) });
        var ap = zeros(1, 6, 2, 2).requires_grad_(true);
        var ms = zeros(1, 2, 1).requires_grad_(true);
        CfHgnnPlugin.LossOf(problem, ap, ms, config).backward();
        Assert.That(ap.grad!.isfinite().all().item<bool>() && ms.grad!.isfinite().all().item<bool>(), "finite gradients at p = 0 (spec A15)");
    }

    [Test]
    public void Baseline_decisions_round_trip_and_are_scored_by_the_shared_objective()
    {
        using var scope = NewDisposeScope();
        var plugin = new CfHgnnPlugin();
        var config = Tiny(CfHgnnMode.Adaptive);
        var xs = new[] { MddInstances.Random(6, 2, 2, 1, 1), MddInstances.Random(4, 3, 4, 2, 2) };
        using var batch = plugin.Prepare(xs, config, CPU);
        var greedy = xs.Select(GreedyUnfair.Allocate).ToList();
        var decision = plugin.ToDecision(greedy.Select(p => p.ToVector()).ToList(), batch);
        var scores = plugin.Score(decision, batch);
        for (int n = 0; n < xs.Length; n++)
            Assert.That(scores[CfHgnnPlugin.SpectralEfficiencyMetric][n], Is.EqualTo(SpectralEfficiencyOracle.SpectralEfficiency(xs[n], greedy[n])).Within(1e-4),
                $"layout {n}: the plugin's score equals the oracle's SE of the same powers");
        Assert.That(scores["budgets_met_raw"], Is.All.EqualTo(1.0), "greedy spends the budgets exactly");
    }

    [Test]
    public void Scores_project_raw_outputs_onto_the_budgets_and_flag_that_they_were_over()
    {
        using var scope = NewDisposeScope();
        var plugin = new CfHgnnPlugin();
        var config = Tiny();
        var x = MddInstances.Random(6, 2, 2, 1, 5);
        using var batch = plugin.Prepare(new[] { x }, config, CPU);
        var over = MddPowers.Zero(6, 2, 2, 1);
        for (int l = 0; l < 6; l++) for (int d = 0; d < 2; d++) for (int m = 0; m < 2; m++) over.Ap[l, d, m] = 5;   // 20 W per AP
        for (int d = 0; d < 2; d++) over.Ms[d, 0] = 3;                                                              // 3 W per MS
        var scores = plugin.Score(plugin.ToDecision(new[] { over.ToVector() }, batch), batch);
        var projected = MddPowers.Zero(6, 2, 2, 1);
        for (int l = 0; l < 6; l++) for (int d = 0; d < 2; d++) for (int m = 0; m < 2; m++) projected.Ap[l, d, m] = 2.5;
        for (int d = 0; d < 2; d++) projected.Ms[d, 0] = 1;
        Assert.That(scores["budgets_met_raw"][0], Is.EqualTo(0), "raw outputs were over budget");
        Assert.That(scores["mean_ap_power_w"][0], Is.EqualTo(10).Within(1e-9), "projected to the AP budget");
        Assert.That(scores[CfHgnnPlugin.SpectralEfficiencyMetric][0], Is.EqualTo(SpectralEfficiencyOracle.SpectralEfficiency(x, projected)).Within(1e-4));
    }

    [TestCase(true, CfHgnnMode.Dedicated)]
    [TestCase(false, CfHgnnMode.Dedicated)]
    [TestCase(false, CfHgnnMode.Adaptive)]
    public void Budget_shares_spend_within_every_budget_and_start_in_proportion_to_the_gains(bool equivariant, CfHgnnMode mode)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var plugin = new CfHgnnPlugin(equivariant);
        var config = Tiny(mode) with { PowerHead = PowerHead.BudgetShares, UplinkQosFloor = false };
        var xs = new[] { MddInstances.Random(6, 2, 2, 1, 70), MddInstances.Random(6, 2, 2, 1, 71, clustered: true), MddInstances.Random(4, 2, 2, 1, 72) }
            .Where(x => mode == CfHgnnMode.Adaptive || x.Aps == 6).ToList();
        using var batch = plugin.Prepare(xs, config, CPU);
        var network = plugin.CreateNetwork(config);
        network.eval();
        // With the last layers of the DL head (and of the AP share head) at zero, the scores are ln ω² alone and every
        // AP's share is σ(0) = ½.
        string[] lastLayers = equivariant ? new[] { "headDl.layers.linear3.", "headApShare.layers.linear2." } : new[] { "headAp.layers.linear3." };
        var last = network.named_parameters().Where(n => lastLayers.Any(n.name.StartsWith)).ToList();
        Assert.That(last, Has.Count.EqualTo(2 * lastLayers.Length), "each last layer's weight and bias");
        foreach (var (_, parameter) in last)
            using (no_grad()) parameter.zero_();
        var (ap, ms) = plugin.Powers(network, batch, config);
        var msWatts = ms.sum(-1);                                                   // [B, D]
        Assert.That((msWatts <= batch.Problem.MsBudget).all().item<bool>(), "MSs within their budgets");
        for (int n = 0; n < xs.Count; n++)
        {
            var x = xs[n];
            for (int l = 0; l < x.Aps; l++)
            {
                double total = 0;
                for (int d = 0; d < x.Mss; d++)
                    for (int m = 0; m < x.DlSubcarriers; m++) total += x.Serves[l, d] ? x.Omega[l, d, m] * x.Omega[l, d, m] : 0;
                for (int d = 0; d < x.Mss; d++)
                    for (int m = 0; m < x.DlSubcarriers; m++)
                    {
                        double expected = x.Serves[l, d] ? 0.5 * x.ApBudget[l] * x.Omega[l, d, m] * x.Omega[l, d, m] / total : 0;
                        Assert.That(ap[n, l, d, m].item<float>(), Is.EqualTo(expected).Within(1e-4 * x.ApBudget[l]), $"layout {n}, p_{l}{d}{m}: half of P_l in proportion to ω²");
                    }
            }
        }
        Assert.That(xs.Any(x => Enumerable.Range(0, x.Aps).Any(l => Enumerable.Range(0, x.Mss).Any(d => !x.Serves[l, d]))), "some pair is unserved");
        var scores = plugin.Score(plugin.Decide(network, batch, config), batch);
        Assert.That(scores["budgets_met_raw"], Is.All.EqualTo(1.0));
    }

    [Test]
    public void The_paper_model_keeps_its_ReLU_heads_and_the_equivariant_one_decodes_budget_shares_by_default()
    {
        foreach (bool quick in new[] { false, true })
        {
            Assert.That(new CfHgnnPlugin().DefaultConfig(quick).PowerHead, Is.EqualTo(PowerHead.Relu));
            Assert.That(new CfHgnnPlugin(equivariant: true).DefaultConfig(quick).PowerHead, Is.EqualTo(PowerHead.BudgetShares));
        }
        Assert.That(new CfHgnnConfig().PowerHead, Is.EqualTo(PowerHead.Relu), "what a checkpoint without the key was trained with");
        Assert.That(new CfHgnnConfig().Reproduction.EqPowerHead, Is.EqualTo(PowerHead.BudgetShares));
    }

    [TestCase(false, PowerHead.Relu)]
    [TestCase(true, PowerHead.Relu)]
    [TestCase(false, PowerHead.BudgetShares)]
    [TestCase(true, PowerHead.BudgetShares)]
    public void Training_lowers_the_loss_and_raises_the_SE_and_is_deterministic(bool equivariant, PowerHead head)
    {
        var plugin = new CfHgnnPlugin(equivariant);
        var config = Tiny() with { PowerHead = head };
        TrainingResult Train()
        {
            torch.manual_seed(1);
            var network = plugin.CreateNetwork(config);
            return new Trainer<CfHgnnConfig, MddCellFreeInstance, CfHgnnBatch>(plugin, config, CPU, 1).Train(network);
        }
        var first = Train();
        var second = Train();
        Assert.That(second.Losses, Is.EqualTo(first.Losses), "same seed, same losses");
        double early = first.Losses.Take(4).Average(), late = first.Losses.TakeLast(4).Average();
        Assert.That(late, Is.LessThan(early), "training loss goes down");
        TestContext.Out.WriteLine($"validations: {string.Join(", ", first.Validations.Select(v => $"{v.Step}: {v.Value:F3}"))}");
        Assert.That(first.BestValidation, Is.GreaterThan(first.Validations[0].Value), "the validated SE minus QoS penalties improves on the first validation (the best weights are kept)");
    }

    [Test]
    public void Config_out_of_range_names_the_field()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny() with { Kappa = new[] { 0.1, -1, 0.1, 0.1 } }).Validate());
        Assert.That(ex!.Message, Does.Contain("kappa"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny() with { Problem = Tiny().Problem with { Mss = 5 } }).Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("problem.mss"));
        Assert.That(ex.Message, Does.StartWith("problem.mss = 5 exceeds antennas"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny() with { TrainingMix = new[] { new SizeOverride(6, 2, 2, 1), new SizeOverride(4, 2, 0, 1) } }).Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("trainingMix[1].dlSubcarriers"));
        Assert.That(ex.Message, Does.Contain("trainingMix[1] (L=4 D=2 M/M̄=0/1): dlSubcarriers = 0 is out of range; expected 1..256."));
    }

    [Test]
    public void A_finished_reproduction_model_is_reused_only_when_its_training_settings_match()
    {
        var trained = new CfHgnnConfig();
        string saved = WirelessGnn.Models.Configuration.ConfigBinder.ToJson(trained).ToJsonString();
        Assert.That(CfHgnnReproduction.ChangedTrainingSettings(saved, trained), Is.Empty, "the same settings");
        var scoring = trained with { TestInstances = 7, Reproduction = new CfHgnnReproductionOptions { TableInstances = 3 } };
        Assert.That(CfHgnnReproduction.ChangedTrainingSettings(saved, scoring), Is.Empty, "settings that only choose what is scored");
        var changed = CfHgnnReproduction.ChangedTrainingSettings(saved, trained with { Kappa = new[] { 100.0, 100, 0.1, 0.1 }, EqNeighbourRadius = 150 });
        Assert.That(changed, Has.Count.EqualTo(2));
        Assert.That(changed[0] + changed[1], Does.Contain("kappa").And.Contain("eqNeighbourRadius").And.Contain("→"));
        var older = System.Text.Json.Nodes.JsonNode.Parse(saved)!.AsObject();
        older.Remove("eqNeighbourRadius");
        Assert.That(CfHgnnReproduction.ChangedTrainingSettings(older.ToJsonString(), trained), Is.Empty, "a key an older checkpoint lacks has its default");
        older.Remove("powerHead");
        Assert.That(CfHgnnReproduction.ChangedTrainingSettings(older.ToJsonString(), trained with { PowerHead = PowerHead.BudgetShares }),
            Is.EqualTo(new[] { "powerHead: \"relu\" → \"budgetShares\"" }), "a checkpoint from before powerHead was trained with the ReLU heads");
        older["settingSinceRemoved"] = 1;
        Assert.That(CfHgnnReproduction.ChangedTrainingSettings(older.ToJsonString(), trained), Has.Count.EqualTo(1).And.Some.Contains("no longer load"));
    }

    [Test]
    public void Paper_numbers_are_those_of_the_table_row_at_the_test_size_and_absent_off_the_tables()
    {
        var plugin = new CfHgnnPlugin();
        var paper = new MddCellFreeConfig();
        var defaults = plugin.PaperNumbers(new CfHgnnConfig());
        Assert.That((defaults["qt_sca_se_nats"], defaults["ratio_dcf_to_qt_sca"], defaults["ratio_acf_to_qt_sca"], defaults["ratio_greedy_to_qt_sca"]),
            Is.EqualTo((34.23, 0.9778, 0.9477, 0.7306)), "Table V, L = 24, D = 6, 4/2");
        var wide = plugin.PaperNumbers(new CfHgnnConfig { Problem = paper with { Aps = 16, DlSubcarriers = 32, UlSubcarriers = 16 } });
        Assert.That((wide["qt_sca_se_nats"], wide["ratio_dcf_to_qt_sca"]), Is.EqualTo((9.26, 0.9881)), "Table V, 32/16");
        var cell = plugin.PaperNumbers(new CfHgnnConfig { Problem = paper with { AreaSide = 250 } });
        Assert.That((cell["qt_sca_se_nats"], cell["ratio_gcf_to_qt_sca"]), Is.EqualTo((43.76, 0.9184)), "Table III, 250 m");
        var case2 = plugin.PaperNumbers(new CfHgnnConfig { Problem = paper with { Serving = Serving.UserCentric, Antennas = 1, Aps = 96, Mss = 48, AreaSide = 800 } });
        Assert.That((case2["qt_sca_se_nats"], case2["ratio_lsacf_to_qt_sca"]), Is.EqualTo((82.10, 0.8058)), "Table VI, 96 APs");

        Assert.That(plugin.PaperNumbers(new CfHgnnConfig { Problem = paper with { Aps = 17 } }), Is.Empty, "no row at L = 17");
        Assert.That(plugin.PaperNumbers(new CfHgnnConfig { Problem = paper with { Aps = 16, DlSubcarriers = 32, UlSubcarriers = 16, AreaSide = 300 } }), Is.Empty,
            "Table V's 32/16 row is at 400 m only");
        Assert.That(plugin.PaperNumbers(new CfHgnnConfig { Problem = paper with { NoiseDbm = -90 } }), Is.Empty, "another noise power is not the paper's setting");
    }
}
