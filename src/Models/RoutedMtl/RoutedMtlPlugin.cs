using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Problems.Fdma;
using WirelessGnn.Problems.SumCapacity;
using static TorchSharp.torch;

namespace WirelessGnn.Models.RoutedMtl;

/// <summary>
/// The routed multi-task DNN (Mitsiou et al., spec mtl-routing.md): one bDNN with an rDNN router serves fourteen
/// power-allocation tasks (FDMA delay, supervised by KKT labels; average sum capacity, primal-dual) of sizes 5..20,
/// against single-task DNNs, a naive multi-task DNN and zero padding. An instance is one sample of one task
/// (<see cref="RoutedMtlConfig.Task"/>), a batch holds samples of one task, and every method — networks and the
/// classical policies (KKT optimum, capacity oracle, equal power) — is scored by <see cref="Score"/>.
/// <c>train</c> and <c>reproduce</c> run <see cref="RoutedMtlReproduction"/> (Algorithm 1 has two phases and dual
/// variables, which the generic trainer does not have).
/// </summary>
public sealed class RoutedMtlPlugin : ModelPlugin<RoutedMtlConfig, TaskSample, TaskBatch>
{
    public const string DelayError = "delay_sq_error_ms2";
    public const string DelayMs = "delay_ms";
    public const string CapacityMetric = "capacity_bps_hz";
    public const string TotalPower = "total_power_w";

    /// <summary>The per-band power metric of capacity tasks (its test mean gives the average constraint violation).</summary>
    public static string BandPower(int band) => $"power_w_{band + 1}";

    public override PluginInfo Info { get; } = new("routed-mtl",
        "14 power-allocation tasks: FDMA delay (SL) and average sum capacity (UL), N = 5..20",
        "N. A. Mitsiou, P. S. Bouzinis, P. G. Sarigiannidis, G. K. Karagiannidis, Heterogeneous Resource Allocation with Multi-task Learning for Wireless Networks",
        "Routed multi-task DNN (bDNN + rDNN, Algorithm 1) vs single-task DNNs, naive multi-task and zero padding", "1.0.0");

    /// <summary>Delay tasks: the Table II metric; capacity tasks put <see cref="CapacityMetric"/> first.</summary>
    public override string PrimaryMetric => DelayError;
    public override bool HigherIsBetter => false;

    /// <summary>
    /// The paper's settings (§9; R = 5 runs), or with <paramref name="quick"/>: 1 run, t1 = t2 = 250 with 7 of the 14
    /// tasks per step, 500 steps per baseline, 2,000 training and 1,000 test samples per task, and a dual step of 1e-2
    /// instead of 1e-3 (so that the duals can reach their level, about 0.06–0.22, in a few hundred steps).
    /// </summary>
    public override RoutedMtlConfig DefaultConfig(bool quick) => quick
        ? new RoutedMtlConfig
        {
            Phase1Steps = 250, BaselineSteps = 500, TasksPerStep = 7, TestSamples = 1000, Runs = 1, DualStep = 1e-2,
            Training = new RoutedMtlConfig().Training with { Steps = 500, TrainInstances = 2000, ValidateEvery = 50 },
        }
        : new RoutedMtlConfig();

    /// <summary><c>train</c> trains and scores the routed model, <c>reproduce</c> every scheme, <c>eval</c> scores a saved routed model.</summary>
    public override ExperimentOutcome Run(ExperimentRequest request) => new RoutedMtlReproduction(this).Run(request);

    public override IReadOnlyList<TaskSample> Sample(RoutedMtlConfig config, int count, int seed) =>
        TaskData.Samples(config, config.Tasks[config.Task], count, seed);

    public override TaskBatch Prepare(IReadOnlyList<TaskSample> instances, RoutedMtlConfig config, Device device)
    {
        if (instances.Count == 0) throw new ArgumentException("instances: expected at least one sample.", nameof(instances));
        var task = config.Tasks[instances[0].Task];
        int b = instances.Count, n = task.Bands;
        var features = new float[b * n];
        var gain = new double[b * n];
        var target = task.Kind == TaskKind.Delay ? new float[b * n] : null;
        var optimal = task.Kind == TaskKind.Delay ? new double[b] : null;
        double spread = 0;
        for (int s = 0; s < b; s++)
        {
            var x = instances[s];
            if (x.Task != task.Index || x.Gain.Length != n)
                throw new ArgumentException($"instances[{s}]: task {x.Task} with {x.Gain.Length} gains; a batch holds one task ({task}).", nameof(instances));
            for (int i = 0; i < n; i++)
            {
                features[s * n + i] = (float)(config.Features == InputFeature.LogGain ? Math.Log(Math.Max(x.Gain[i], 1e-12)) : x.Gain[i]);
                gain[s * n + i] = task.Kind == TaskKind.Delay ? config.Fdma.SnrGain(x.Gain[i]) : x.Gain[i];
                if (target is null) continue;
                double label = x.OptimalPower![i] / config.Fdma.TotalPower;
                target[s * n + i] = (float)label;
                spread += (label - 1.0 / n) * (label - 1.0 / n);
            }
            if (optimal is not null) optimal[s] = FdmaKkt.MeanDelayMs(gain.AsSpan(s * n, n).ToArray(), x.OptimalPower!, config.Fdma);
        }
        return new TaskBatch
        {
            Task = task, Fdma = config.Fdma, Capacity = config.Capacity,
            Features = tensor(features, new long[] { b, n }, device: device),
            Gain = tensor(gain, new long[] { b, n }, device: device),
            Target = target is null ? null : tensor(target, new long[] { b, n }, device: device),
            OptimalDelayMs = optimal is null ? null : tensor(optimal, new long[] { b }, device: device),
            // Equal labels (spread 0) leave the plain MSE.
            LabelSpread = target is not null && spread > 0 ? spread / (b * n) : 1,
        };
    }

    public override nn.Module CreateNetwork(RoutedMtlConfig config) => MultiTaskNetwork.Create(Scheme.Proposed, config);

    /// <summary>The floor of the normalised MSE under <see cref="DelayLoss.LogNormalisedMse"/>, so an exact fit gives a finite loss.</summary>
    public const double MinNormalisedMse = 1e-12;

    /// <summary>
    /// A task's loss on a batch, without β_i (spec §5.1): delay tasks the MSE between <c>P/P_tot</c> and the normalised
    /// labels over the output units (zero padding: all units, padded labels 0), divided by the batch's
    /// <see cref="TaskBatch.LabelSpread"/> with <see cref="DelayLoss.NormalisedMse"/> (and its log with <see cref="DelayLoss.LogNormalisedMse"/>); capacity tasks the Lagrangian
    /// <c>mean f_0 + Σ_n λ_n mean f_n</c> with <c>f_0 = −log2(1 + Σ g P)</c> and the budget tightened by
    /// <see cref="RoutedMtlConfig.ConstraintMargin"/>, plus the constraint means <c>[C]</c> for the dual step (null for
    /// delay tasks).
    /// </summary>
    public static (Tensor Loss, Tensor? ConstraintMeans) TaskLoss(MultiTaskNetwork network, TaskBatch batch, RoutedMtlConfig config)
    {
        var task = batch.Task;
        var powers = network.Powers(task, batch.Features);
        if (task.Kind == TaskKind.Delay)
        {
            var target = batch.Target!;
            if (powers.shape[1] > task.Bands) target = nn.functional.pad(target, new long[] { 0, powers.shape[1] - task.Bands });
            var mse = nn.functional.mse_loss(powers / config.Fdma.TotalPower, target);
            return (config.DelayLoss switch
            {
                DelayLoss.Mse => mse,
                DelayLoss.NormalisedMse => mse / batch.LabelSpread,
                DelayLoss.LogNormalisedMse => (mse / batch.LabelSpread).clamp_min(MinNormalisedMse).log(),
                _ => throw new ArgumentOutOfRangeException(nameof(config), config.DelayLoss, "delayLoss: expected normalisedMse, mse or logNormalisedMse."),
            }, null);
        }
        var decision = powers.narrow(1, 0, task.Bands);
        var capacity = AverageSumCapacity.Capacity(batch.Gain.to_type(decision.dtype), decision);
        var constraints = AverageSumCapacity.ConstraintMeans(decision, config.Capacity, config.ConstraintMargin);
        var duals = network.Duals[task.Index].narrow(0, 0, constraints.shape[0]);
        return (-capacity.mean() + (duals * constraints).sum(), constraints);
    }

    public override Tensor Loss(nn.Module network, TaskBatch batch, RoutedMtlConfig config) => TaskLoss((MultiTaskNetwork)network, batch, config).Loss;

    /// <summary>The decision of a task: the first N_i powers <c>[B, N_i]</c>, W (zero padding: not renormalised).</summary>
    public override Tensor Decide(nn.Module network, TaskBatch batch, RoutedMtlConfig config) =>
        ((MultiTaskNetwork)network).Powers(batch.Task, batch.Features).narrow(1, 0, batch.Task.Bands);

    public override Tensor ToDecision(IReadOnlyList<double[]> decisions, TaskBatch batch)
    {
        int n = batch.Task.Bands;
        if (decisions.Count != batch.Count) throw new ArgumentException($"decisions: {decisions.Count} samples; expected {batch.Count}.", nameof(decisions));
        var flat = new double[decisions.Count * n];
        for (int s = 0; s < decisions.Count; s++)
        {
            if (decisions[s].Length != n) throw new ArgumentException($"decisions[{s}]: {decisions[s].Length} powers; expected {n}.", nameof(decisions));
            decisions[s].CopyTo(flat, s * n);
        }
        return tensor(flat, new long[] { decisions.Count, n }, device: batch.Gain.device);
    }

    /// <summary>
    /// Scores powers <c>[B, N_i]</c> in float64. Delay tasks: squared delay error to the optimum (ms², Table II), delay
    /// (ms), total power. Capacity tasks: capacity (bit/s/Hz, Table III), total power and each band's power (their test
    /// means give the average constraint violation, <see cref="AverageSumCapacity.AverageViolation"/>).
    /// </summary>
    public override IReadOnlyDictionary<string, double[]> Score(Tensor decision, TaskBatch batch)
    {
        using var scope = NewDisposeScope();
        var task = batch.Task;
        Require.Shape(decision, "decision", batch.Count, task.Bands);
        var p = decision.to_type(ScalarType.Float64);
        Require.Finite(p, "decision");
        if (task.Kind == TaskKind.Delay)
        {
            var delay = FdmaDelay.MeanDelayMs(batch.Gain, p, batch.Fdma);
            return new Dictionary<string, double[]>
            {
                [DelayError] = ToArray((delay - batch.OptimalDelayMs!).square()),
                [DelayMs] = ToArray(delay),
                [TotalPower] = ToArray(p.sum(-1)),
            };
        }
        var metrics = new Dictionary<string, double[]>
        {
            [CapacityMetric] = ToArray(AverageSumCapacity.Capacity(batch.Gain, p)),
            [TotalPower] = ToArray(p.sum(-1)),
        };
        for (int i = 0; i < task.Bands; i++) metrics[BandPower(i)] = ToArray(p.select(1, i));
        return metrics;
    }

    /// <summary>The average constraint violation (W) of a capacity task's scores over a test set (spec §7.3).</summary>
    public static double AverageViolation(IReadOnlyDictionary<string, double[]> metrics, MtlTask task, RoutedMtlConfig config) =>
        AverageSumCapacity.AverageViolation(Enumerable.Range(0, task.Bands).Select(i => metrics[BandPower(i)].Average()).ToArray(), config.Capacity);

    /// <summary>
    /// Delay tasks: the KKT optimum (the labels) and equal power. Capacity tasks: the derived oracle with the common λ
    /// that meets the budget on this task's test set (§7.4) and equal power <c>P_n = P_av</c>.
    /// </summary>
    public override IReadOnlyList<Baseline<TaskSample>> Baselines(RoutedMtlConfig config)
    {
        if (!config.IncludeBaselines) return Array.Empty<Baseline<TaskSample>>();
        var task = config.Tasks[config.Task];
        if (task.Kind == TaskKind.Delay)
            return new Baseline<TaskSample>[]
            {
                new("optimum", (x, _) => x.OptimalPower!),
                new("equal_power", (x, _) => FdmaKkt.EqualPower(x.Gain.Length, config.Fdma)),
            };
        var test = TaskData.Samples(config, task, config.TestSamples, TaskData.TestSeed(task));
        var dual = Enumerable.Repeat(CapacityOracle.CommonDual(test.Select(s => s.Gain).ToList(), config.Capacity), task.Bands).ToArray();
        return new Baseline<TaskSample>[]
        {
            new("oracle", (x, _) => CapacityOracle.Allocate(x.Gain, dual, config.Capacity.MaxPower)),
            new("equal_power", (x, _) => CapacityOracle.EqualPower(x.Gain.Length, config.Capacity)),
        };
    }

    /// <summary>One test set per task (seeded by <see cref="TaskData.TestSeed"/>, the same in every run).</summary>
    public override IReadOnlyList<EvaluationSet<RoutedMtlConfig>> EvaluationSets(RoutedMtlConfig config) =>
        config.Tasks.Select(t => new EvaluationSet<RoutedMtlConfig>(t.ToString(), config with { Task = t.Index }, config.TestSamples, TaskData.TestSeed(t))).ToArray();

    public override int EvaluationBatchSize(RoutedMtlConfig config) => 1000;
}
