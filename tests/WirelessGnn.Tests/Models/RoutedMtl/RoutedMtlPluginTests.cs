using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.RoutedMtl;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models.RoutedMtl;

/// <summary>The routed-mtl plugin: heads, losses, duals, Algorithm 1's phases and a tiny reproduction (spec mtl-routing §13).</summary>
public sealed class RoutedMtlPluginTests
{
    private static readonly RoutedMtlPlugin Plugin = new();

    private static RoutedMtlConfig Tiny => new()
    {
        Sizes = new[] { 3, 5 }, Hidden = new[] { 6, 8, 6 }, RouterHidden = 20, Phase1Steps = 3, BaselineSteps = 4,
        TestSamples = 40, CurveSizes = new[] { 5 }, Runs = 1,
        Training = new RoutedMtlConfig().Training with { Steps = 6, BatchSize = 8, TrainInstances = 64, ValidateEvery = 2 },
    };

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static TaskBatch Batch(RoutedMtlConfig config, MtlTask task, int count, int seed) =>
        Plugin.Prepare(TaskData.Samples(config, task, count, seed), config, CPU);

    [Test]
    public void Heads_are_feasible_for_every_scheme()
    {
        var config = new RoutedMtlConfig();
        foreach (var scheme in Enum.GetValues<Scheme>())
        {
            torch.manual_seed(1);
            using var net = MultiTaskNetwork.Create(scheme, config);
            net.to(ScalarType.Float64);
            using var scope = NewDisposeScope();
            foreach (var task in config.Tasks)
            {
                var p = net.Powers(task, rand(16, task.Bands, dtype: ScalarType.Float64) * 3);
                Assert.That(p.shape[1], Is.EqualTo(net.OutputWidth(task)));
                if (task.Kind == TaskKind.Delay)
                {
                    Assert.That((p.sum(-1) - 10).abs().max().item<double>(), Is.LessThan(1e-9 * 10), $"{scheme} {task}: Σ P = P_tot");
                    Assert.That(p.min().item<double>(), Is.GreaterThanOrEqualTo(0));
                }
                else
                {
                    Assert.That(p.min().item<double>(), Is.GreaterThan(0), $"{scheme} {task}");
                    Assert.That(p.max().item<double>(), Is.LessThan(1), $"{scheme} {task}");
                }
            }
        }
    }

    [Test]
    public void Task_weights_sum_to_one_and_the_task_list_is_delay_then_capacity()
    {
        var config = new RoutedMtlConfig();
        Assert.That(config.Tasks.Count, Is.EqualTo(14));
        Assert.That(config.Tasks.Select(config.TaskWeight), Is.All.EqualTo(1.0 / 14).Within(1e-15));
        var skewed = new RoutedMtlConfig { DelayShare = 0.8 };
        Assert.That(config.Tasks.Sum(skewed.TaskWeight), Is.EqualTo(1).Within(1e-12));
        Assert.That(skewed.TaskWeight(skewed.Tasks[0]), Is.EqualTo(0.8 / 7).Within(1e-15));
        Assert.That(skewed.TaskWeight(skewed.Tasks[13]), Is.EqualTo(0.2 / 7).Within(1e-15));
        Assert.Throws<ArgumentOutOfRangeException>(() => (new RoutedMtlConfig { DelayShare = 1 }).Validate());
        Assert.That(config.Tasks.Take(7).All(t => t.Kind == TaskKind.Delay) && config.Tasks.Skip(7).All(t => t.Kind == TaskKind.Capacity));
        Assert.That(config.Tasks.Select(t => t.Index), Is.EqualTo(Enumerable.Range(0, 14)));
    }

    [Test]
    public void The_dual_step_is_projected_by_default_and_never_decreases_as_printed()
    {
        using var scope = NewDisposeScope();
        var config = new RoutedMtlConfig { DualStep = 0.1, DualProportionalGain = 0 };
        var satisfied = tensor(new float[] { -0.2f, -0.5f, -0.01f });
        var lambda = tensor(new float[] { 0.3f, 0.02f, 0f });
        var integral = lambda.clone();
        MultiTaskTrainer.DualStep(lambda, integral, satisfied, config);
        Assert.That(lambda.data<float>().ToArray(), Is.EqualTo(new[] { 0.28f, 0f, 0f }).Within(1e-7), "projected: decreases to ≥ 0");
        Assert.That(integral.data<float>().ToArray(), Is.EqualTo(lambda.data<float>().ToArray()), "without a proportional gain λ is the integral");
        var printed = config with { DualUpdate = DualUpdate.PaperAsPrinted };
        var mu = tensor(new float[] { 0.3f, 0.02f, 0f });
        MultiTaskTrainer.DualStep(mu, mu.clone(), tensor(new float[] { -0.2f, 0.5f, -0.01f }), printed);
        Assert.That(mu.data<float>().ToArray(), Is.EqualTo(new[] { 0.3f, 0.07f, 0f }).Within(1e-7), "as printed: never decreases");
    }

    [Test]
    public void A_proportional_gain_adds_the_current_excess_to_the_integral_and_stays_non_negative()
    {
        using var scope = NewDisposeScope();
        var config = new RoutedMtlConfig { DualStep = 0.1, DualProportionalGain = 2 };
        var lambda = zeros(3);
        var integral = tensor(new float[] { 0.3f, 0.02f, 0.1f });
        MultiTaskTrainer.DualStep(lambda, integral, tensor(new float[] { 0.2f, -0.5f, -0.01f }), config);
        Assert.That(integral.data<float>().ToArray(), Is.EqualTo(new[] { 0.32f, 0f, 0.099f }).Within(1e-7), "the integral is plain projected ascent");
        Assert.That(lambda.data<float>().ToArray(), Is.EqualTo(new[] { 0.72f, 0f, 0.079f }).Within(1e-6), "λ = max(0, I + K_p·f)");
    }

    [Test]
    public void With_zero_duals_the_unsupervised_loss_is_the_objective()
    {
        var config = new RoutedMtlConfig();
        torch.manual_seed(2);
        using var net = MultiTaskNetwork.Create(Scheme.Proposed, config);
        var task = config.Tasks[9];
        using var batch = Batch(config, task, 32, 5);
        using var scope = NewDisposeScope();
        var (loss, means) = RoutedMtlPlugin.TaskLoss(net, batch, config);
        var capacity = Plugin.Score(Plugin.Decide(net, batch, config), batch)[RoutedMtlPlugin.CapacityMetric].Average();
        Assert.That(loss.item<float>(), Is.EqualTo(-capacity).Within(1e-5));
        Assert.That(means!.shape, Is.EqualTo(new long[] { task.Bands }), "one constraint per user");
        net.Duals[task.Index].narrow(0, 0, task.Bands).fill_(0.3);
        var withDuals = RoutedMtlPlugin.TaskLoss(net, batch, config).Loss.item<float>();
        Assert.That(withDuals, Is.EqualTo(-capacity + 0.3 * means.sum().item<float>()).Within(1e-5));
    }

    [Test]
    public void The_normalised_delay_loss_divides_by_the_equal_power_mse_of_the_pool_and_sub_batches_keep_it()
    {
        var config = new RoutedMtlConfig();
        var task = config.Tasks[2];
        using var pool = Batch(config, task, 256, 11);
        using var scope = NewDisposeScope();
        double equalPowerMse = nn.functional.mse_loss(full_like(pool.Target!, 1.0 / task.Bands), pool.Target!).item<float>();
        Assert.That(pool.LabelSpread, Is.EqualTo(equalPowerMse).Within(1e-4 * equalPowerMse));
        Assert.That(pool.LabelSpread, Is.GreaterThan(1e-9).And.LessThan(1e-3), "labels within a few per cent of equal power (spec §11.3)");
        using var sub = pool.Select(arange(0, 32, dtype: ScalarType.Int64));
        Assert.That(sub.LabelSpread, Is.EqualTo(pool.LabelSpread), "a sub-batch keeps its pool's normaliser");
        torch.manual_seed(8);
        using var net = MultiTaskNetwork.Create(Scheme.SingleTask, config);
        double normalised = RoutedMtlPlugin.TaskLoss(net, sub, config).Loss.item<float>();
        double plain = RoutedMtlPlugin.TaskLoss(net, sub, config with { DelayLoss = DelayLoss.Mse }).Loss.item<float>();
        Assert.That(normalised, Is.EqualTo(plain / pool.LabelSpread).Within(1e-5 * normalised));
    }

    [Test]
    public void The_log_delay_loss_is_the_log_of_the_normalised_one_and_its_gradient_is_divided_by_that_loss()
    {
        var config = new RoutedMtlConfig();
        var task = config.Tasks[1];
        using var batch = Batch(config, task, 32, 12);
        torch.manual_seed(9);
        using var net = MultiTaskNetwork.Create(Scheme.Proposed, config);
        var weight = net.parameters().First();

        (double Loss, Tensor Grad) LossAndGrad(DelayLoss kind)
        {
            net.zero_grad();
            var loss = RoutedMtlPlugin.TaskLoss(net, batch, config with { DelayLoss = kind }).Loss;
            loss.backward();
            return (loss.item<float>(), weight.grad!.clone());
        }

        using var scope = NewDisposeScope();
        var (normalised, gradNormalised) = LossAndGrad(DelayLoss.NormalisedMse);
        var (log, gradLog) = LossAndGrad(DelayLoss.LogNormalisedMse);
        Assert.That(log, Is.EqualTo(Math.Log(normalised)).Within(1e-5));
        Assert.That(gradNormalised.abs().max().item<float>(), Is.GreaterThan(0f), "the first weight takes part in the loss");
        var expected = gradNormalised / normalised;
        Assert.That((gradLog - expected).abs().max().item<float>(), Is.LessThan(1e-4 * expected.abs().max().item<float>()));
    }

    [TestCase(TaskIndexEncoding.Scaled, 3.0 / 14)]
    [TestCase(TaskIndexEncoding.Raw, 3.0)]
    public void The_naive_dnn_reads_the_task_index_in_slot_N_plus_one(TaskIndexEncoding encoding, double index)
    {
        var config = new RoutedMtlConfig { TaskIndex = encoding };
        var task = config.Tasks[2];
        torch.manual_seed(5);
        using var net = (SharedTaskNetwork)MultiTaskNetwork.Create(Scheme.Naive, config);
        using var scope = NewDisposeScope();
        var x = rand(4, task.Bands);
        var expected = 10 * net.Base.Forward(cat(new[] { x, full(4, 1, index) }, 1), null, task.Bands).softmax(-1);
        Assert.That((net.Powers(task, x) - expected).abs().max().item<float>(), Is.LessThan(1e-6f));
    }

    [Test]
    public void Log_gain_features_are_the_log_of_the_gains_and_leave_the_objective_unchanged()
    {
        var config = new RoutedMtlConfig();
        foreach (var task in new[] { config.Tasks[1], config.Tasks[9] })
        {
            using var scope = NewDisposeScope();
            using var gain = Batch(config, task, 32, 4);
            using var log = Batch(config with { Features = InputFeature.LogGain }, task, 32, 4);
            Assert.That((log.Features - gain.Features.log()).abs().max().item<float>(), Is.LessThan(1e-5f), $"{task}: ln g");
            Assert.That(Same(log.Gain, gain.Gain), $"{task}: the objective reads the gains either way");
        }
        Assert.That(() => (config with { Features = (InputFeature)7 }).Validate(), Throws.InstanceOf<ArgumentException>().With.Message.Contains("features = 7"));
    }

    [Test]
    public void The_optimum_scores_zero_delay_error_and_equal_power_a_small_positive_one()
    {
        var config = new RoutedMtlConfig();
        var task = config.Tasks[1];
        var samples = TaskData.Samples(config, task, 64, 9);
        using var batch = Plugin.Prepare(samples, config, CPU);
        var optimum = Plugin.Score(Plugin.ToDecision(samples.Select(s => s.OptimalPower!).ToList(), batch), batch);
        Assert.That(optimum[RoutedMtlPlugin.DelayError].Max(), Is.LessThan(1e-20));
        var equal = Plugin.Score(Plugin.ToDecision(samples.Select(s => Problems_EqualPower(task.Bands, config)).ToList(), batch), batch);
        Assert.That(equal[RoutedMtlPlugin.DelayError].Average(), Is.GreaterThan(0).And.LessThan(1e-3), "spec §11.3: about 7e-6 ms²");
    }

    private static double[] Problems_EqualPower(int bands, RoutedMtlConfig config) => WirelessGnn.Problems.Fdma.FdmaKkt.EqualPower(bands, config.Fdma);

    [Test]
    public void Reordering_the_samples_of_a_batch_leaves_every_loss_unchanged()
    {
        var config = new RoutedMtlConfig();
        foreach (var scheme in new[] { Scheme.Proposed, Scheme.ZeroPadding })
        {
            torch.manual_seed(3);
            using var net = MultiTaskNetwork.Create(scheme, config);
            foreach (var task in new[] { config.Tasks[2], config.Tasks[12] })
            {
                using var batch = Batch(config, task, 32, 4);
                using var scope = NewDisposeScope();
                using var permuted = batch.Select(randperm(32, generator: new Generator(5)));
                net.Duals[task.Index].fill_(0.2);
                float expected = RoutedMtlPlugin.TaskLoss(net, batch, config).Loss.item<float>();
                // float32 sums in another order: relative 1e-6 (the normalised delay loss is O(1..100)).
                Assert.That(RoutedMtlPlugin.TaskLoss(net, permuted, config).Loss.item<float>(),
                    Is.EqualTo(expected).Within(1e-6 * Math.Max(1, Math.Abs(expected))), $"{scheme} {task}");
            }
        }
    }

    [Test]
    public void Phase_two_keeps_binary_masks_and_the_router_fixed_and_never_moves_a_weight_masked_out_for_every_task()
    {
        var config = Tiny with { Hidden = new[] { 12, 16, 12 } };
        torch.manual_seed(6);
        using var net = new RoutedMtlNetwork(config);
        using var trainer = new MultiTaskTrainer(Plugin, config, CPU, 1);
        trainer.Train(net, "proposed", config.Tasks, net.TrainableParameters(), config.Phase1Steps, config.TaskWeight);
        net.Freeze(config.MaskThreshold);
        using (no_grad())
        {
            // Close the first input row of the first routed layer for every task, and task 0's second row.
            net.BinaryMasks.narrow(1, 0, 16).zero_();
            net.BinaryMasks[0].narrow(0, 16, 16).zero_();
        }
        Assert.That(net.BinaryMasks.eq(0).logical_or(net.BinaryMasks.eq(1)).all().item<bool>(), "binary masks");
        Assert.That(net.TrainableParameters().Count(), Is.EqualTo(net.Base.parameters().Count()), "phase 2 trains the bDNN only");
        var router = net.Router.parameters().Select(p => p.detach().clone()).ToList();
        var masks = net.BinaryMasks.clone();
        var routed0 = net.Base.named_parameters().First(p => p.name == "routed0.weight").parameter;
        var closedBefore = routed0.detach()[0].clone();
        var openBefore = routed0.detach().narrow(0, 1, 11).clone();

        // Task 0's loss gives zero gradient to the weights its mask closes.
        using (var scope = NewDisposeScope())
        {
            using var batch = Batch(config, config.Tasks[0], 16, 3);
            net.zero_grad();
            RoutedMtlPlugin.TaskLoss(net, batch, config).Loss.backward();
            Assert.That(routed0.grad![1].abs().max().item<float>(), Is.EqualTo(0), "task 0's closed row");
            Assert.That(routed0.grad!.narrow(0, 2, 10).abs().max().item<float>(), Is.GreaterThan(0), "the open rows");
            net.zero_grad();
        }

        trainer.Train(net, "proposed", config.Tasks, net.TrainableParameters(), config.Phase2Steps, config.TaskWeight, config.Phase1Steps);
        Assert.That(Same(net.BinaryMasks, masks), "masks unchanged in phase 2");
        foreach (var (before, after) in router.Zip(net.Router.parameters()))
            Assert.That(Same(after, before), "the rDNN is bit-identical after phase 2");
        Assert.That(Same(routed0.detach()[0], closedBefore), "a weight closed for every task never moves");
        Assert.That(Same(routed0.detach().narrow(0, 1, 11), openBefore), Is.False, "the open weights train");
    }

    [Test]
    public void Algorithm_one_is_deterministic_and_ends_frozen_with_binary_masks()
    {
        var config = Tiny;
        float[] Run()
        {
            torch.manual_seed(11);
            using var trainer = new MultiTaskTrainer(Plugin, config, CPU, 2);
            var trained = SchemeTraining.Train(Scheme.Proposed, config, trainer);
            using var net = (RoutedMtlNetwork)trained.Network;
            Assert.That(net.IsFrozen);
            Assert.That(net.BinaryMasks.eq(0).logical_or(net.BinaryMasks.eq(1)).all().item<bool>());
            Assert.That(trainer.Curves.Select(c => c.Step).Distinct(), Is.EqualTo(new long[] { 0, 2, 3, 5, 6 }), "curve steps over both phases");
            return net.parameters().SelectMany(p => p.detach().data<float>().ToArray()).Concat(net.Duals.data<float>().ToArray()).ToArray();
        }
        Assert.That(Run(), Is.EqualTo(Run()), "same seed, same numbers");
    }

    [Test]
    public void After_a_rewind_a_baseline_trains_on_the_draws_of_a_fresh_trainer_whatever_trained_before_it()
    {
        var config = Tiny;
        float[] Naive(MultiTaskTrainer trainer)
        {
            torch.manual_seed(5);
            var trained = SchemeTraining.Train(Scheme.Naive, config, trainer);
            using var net = trained.Network;
            return net.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
        }
        float[] AfterProposed(bool rewind)
        {
            using var trainer = new MultiTaskTrainer(Plugin, config, CPU, 2);
            torch.manual_seed(11);
            using (SchemeTraining.Train(Scheme.Proposed, config, trainer).Network) { }
            if (rewind) trainer.Rewind();
            return Naive(trainer);
        }
        float[] alone;
        using (var fresh = new MultiTaskTrainer(Plugin, config, CPU, 2)) alone = Naive(fresh);
        Assert.That(AfterProposed(rewind: true), Is.EqualTo(alone), "rewound: the naive DNN is the one trained alone");
        Assert.That(AfterProposed(rewind: false), Is.Not.EqualTo(alone), "without the rewind its draws continue the proposed model's");
    }

    [Test]
    public void A_tiny_reproduction_writes_both_tables_the_goals_and_the_figures()
    {
        var directory = Directory.CreateTempSubdirectory("wgnn-routed-").FullName;
        try
        {
            var outcome = Plugin.Run(new ExperimentRequest
            {
                Mode = ExperimentMode.Reproduce, Device = CPU, OutputDirectory = directory, Quick = true,
                ConfigFile = ConfigBinder.ToJson(Tiny with { Sizes = new[] { 5, 8 } }),
            });
            Assert.That(outcome.Summary, Does.Contain("Table II").And.Contain("Table III").And.Contain("Goals").And.Contain("oracle"));
            Assert.That(outcome.Summary, Does.Contain("; the paper's: 1.05, 1.44)").And.Contain("; the paper's: 0.999, 0.995)").And.Contain("; the paper's: 0.993, 0.973)"),
                "each goal line gives the paper's own ratios beside ours");
            Assert.That(outcome.Summary, Does.Match(@"training time ≤ 1\.2× the single-task DNNs' total: (met|MISSED) \([0-9.]+; the proposed model ran 6 steps of every task, each single-task DNN 4\)"),
                "with more task-steps than the baselines the time ratio is scored, and the budgets named");
            Assert.That(outcome.Summary, Does.Contain("the re-initialised bDNN trained t2 = 3 steps, each single-task DNN 4"), "the budgets behind the capacity ratio");
            foreach (var file in new[] { "report.json", "reproduction.json", "reproduction.md", "model.safetensors", "fig5_delay_N5.png", "fig6_capacity_N5.png" })
                Assert.That(File.Exists(Path.Combine(directory, file)), file);
            Assert.That(outcome.Report.Baselines.Keys, Is.SupersetOf(new[] { "single_task", "naive", "zero_padding", "equal_power", "oracle", "optimum" }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void Eval_of_a_trained_checkpoint_scores_the_routed_model_as_training_did()
    {
        var directory = Directory.CreateTempSubdirectory("wgnn-routed-eval-").FullName;
        try
        {
            var trained = Plugin.Run(new ExperimentRequest
            {
                Mode = ExperimentMode.Train, Device = CPU, OutputDirectory = Path.Combine(directory, "train"), Quick = true,
                ConfigFile = ConfigBinder.ToJson(Tiny),
            });
            var evaluated = Plugin.Run(new ExperimentRequest
            {
                Mode = ExperimentMode.Evaluate, Device = CPU, OutputDirectory = Path.Combine(directory, "eval"),
                Checkpoint = Path.Combine(directory, "train", "model.safetensors"),
            });
            var (scored, saved) = (evaluated.Report.Model!.Metrics, trained.Report.Model!.Metrics);
            Assert.That(scored.Keys, Is.EquivalentTo(saved.Keys));
            // Same weights and test sets; float32 kernels may round differently in a new process layout (seen: up to 1e-8 relative).
            foreach (var (key, value) in saved) Assert.That(scored[key], Is.EqualTo(value).Within(1e-4).Percent, $"{key}: same test sets, same model, same numbers");
            Assert.That(evaluated.Report.Baselines.Keys, Does.Contain("oracle").And.Contain("equal_power"));
            Assert.That(evaluated.Summary, Does.Contain("the routed model of").And.Contain("Table III").And.Not.Contain("Training time"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void Bad_config_names_the_field()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny with { Phase1Steps = 6 }).Validate());
        Assert.That(e!.Message, Does.Contain("phase1Steps"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny with { CurveSizes = new[] { 7 } }).Validate())!.Message, Does.Contain("curveSizes"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny with { TasksPerStep = 5 }).Validate())!.Message, Does.Contain("tasksPerStep"));
        Assert.That(Assert.Throws<ArgumentException>(() => Plugin.Run(new ExperimentRequest { Mode = ExperimentMode.Evaluate, Device = CPU, OutputDirectory = "unused" }))!.Message,
            Does.Contain("--checkpoint"));
    }
}
