using System.Diagnostics;
using TorchSharp;
using WirelessGnn.Models.Checkpoints;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Reporting;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Training;

/// <summary>What a training run did.</summary>
public sealed record TrainingResult(long Steps, double WallSeconds, double PeakNativeMb, double FinalLoss,
    double BestValidation, long BestStep, bool StoppedEarly, IReadOnlyList<double> Losses,
    IReadOnlyList<(long Step, double Value)> Validations, IReadOnlyList<MemorySample> Memory);

/// <summary>
/// Memory at one validation: the resident set (MB, native allocations included) and the tensors of the process not yet
/// disposed (<see cref="torch.Tensor.TotalCount"/>). A leak of one tensor per step raises the count by one per step;
/// wrappers that wait for the finalizer make it swing by a few dozen.
/// </summary>
public readonly record struct MemorySample(long Step, double RssMb, long LiveTensors);

/// <summary>The training loss became non-finite, or fell below the plugin's <see cref="ModelPlugin{TConfig,TInstance,TBatch}.LossLowerBound"/>.</summary>
public sealed class TrainingDivergedException(long step, double loss, double lowerBound) : InvalidOperationException(
    double.IsFinite(loss)
        ? $"The training diverged: the loss {loss:G5} at step {step} is below {lowerBound:G5}, a bound no converging run crosses."
        : $"The training loss became {loss} at step {step}; lower training.learningRate or check the instances.")
{
    public long Step { get; } = step;
    public double Loss { get; } = loss;
}

/// <summary>
/// The one training loop of every plugin: Adam, a learning-rate schedule, gradient clipping, seeded mini-batches,
/// a dispose scope per step, validation every N steps on held-out instances, early stop, best-weights restore,
/// checkpoints and resume. Native memory is sampled at each validation.
/// </summary>
public sealed class Trainer<TConfig, TInstance, TBatch>
    where TConfig : class, IPluginConfig
    where TBatch : IDisposable
{
    private readonly ModelPlugin<TConfig, TInstance, TBatch> _plugin;
    private readonly TConfig _config;
    private readonly Device _device;
    private readonly int _seed;

    public Trainer(ModelPlugin<TConfig, TInstance, TBatch> plugin, TConfig config, Device device, int seed)
    {
        _plugin = plugin;
        _config = config;
        _device = device;
        _seed = seed;
    }

    private TrainingOptions Options => _config.Training;

    /// <summary>Seeds of the training pool and the validation set, derived from the run's seed.</summary>
    public static int TrainSeed(int seed) => unchecked(seed * 7919 + 1);
    public static int ValidationSeed(int seed) => unchecked(seed * 7919 + 2);

    /// <summary>
    /// The validation set's seed: <see cref="ValidationSeed(int)"/>, or, for a plugin with
    /// <see cref="ModelPlugin{TConfig, TInstance, TBatch}.ConsecutiveSeeds"/>, the first seed after the training pool's
    /// range (the old <c>seed·7919 + 2</c> made validation realisation k training realisation k + 1 there).
    /// </summary>
    public int ValidationSetSeed => _plugin.ConsecutiveSeeds ? unchecked(TrainSeed(_seed) + Math.Max(Options.TrainInstances, 1)) : ValidationSeed(_seed);

    /// <summary>The seed of a fresh batch at <paramref name="step"/> (no pool); consecutive-seed plugins stride by the batch size so batches do not share realisations.</summary>
    private int FreshBatchSeed(long step) => unchecked(TrainSeed(_seed) * 31 + (int)step * (_plugin.ConsecutiveSeeds ? Options.BatchSize : 1));

    /// <summary>
    /// For a consecutive-seed plugin: throws when the seed range of the training pool (or of all fresh batches) or of the
    /// validation set meets one of the plugin's evaluation sets, which would put test realisations into training or validation.
    /// </summary>
    private void RequireDisjointFromEvaluation()
    {
        if (!_plugin.ConsecutiveSeeds) return;
        var ranges = new List<(string Name, long Start, long Count)>();
        if (Options.TrainInstances > 0) ranges.Add(("training pool", TrainSeed(_seed), Options.TrainInstances));
        else ranges.Add(("fresh training batches", FreshBatchSeed(1), Options.Steps * (long)Options.BatchSize));
        ranges.Add(("validation set", ValidationSetSeed, Options.ValidationInstances));
        foreach (var set in _plugin.EvaluationSets(_config))
            foreach (var (name, start, count) in ranges)
                if (start < (long)set.Seed + set.Instances && set.Seed < start + count)
                    throw new ArgumentException(
                        $"seed: {_seed} puts the {name} (realisation seeds {start}..{start + count - 1}) into the test set '{set.Name}' " +
                        $"(seeds {set.Seed}..{(long)set.Seed + set.Instances - 1}); choose another --seed.", "seed");
    }

    /// <summary>Trains <paramref name="network"/> in place; with <paramref name="resumeFrom"/>, from that checkpoint's step.</summary>
    /// <param name="checkpointPath">Where to write the checkpoint (<c>.safetensors</c>; training state beside it), or null.</param>
    public TrainingResult Train(nn.Module network, IProgress<TrainingProgress>? progress = null, MetricsLog? log = null,
        string? checkpointPath = null, string? resumeFrom = null, CheckpointInfo? info = null, CancellationToken cancel = default)
    {
        Options.Validate();
        network.to(_device);
        var parameters = network.parameters().ToList();
        if (parameters.Count == 0) throw new InvalidOperationException($"The network of '{_plugin.Info.Name}' has no parameters to train.");
        var optimizer = optim.Adam(parameters, Options.LearningRate, weight_decay: Options.WeightDecay);
        var schedule = Options.Scheduler(optimizer, Options.Steps);

        long startStep = 0;
        if (resumeFrom is not null)
        {
            Checkpoint.Load(resumeFrom, network);
            startStep = Checkpoint.LoadTrainingState(Checkpoint.TrainingStatePath(resumeFrom), optimizer);
            // The restored state carries the rate of the step it stopped at; the schedulers are chained (each step scales
            // the current rate), so replay them from the configured base rate, or a Step schedule decays twice.
            foreach (var group in optimizer.ParamGroups) group.LearningRate = Options.LearningRate;
            for (long s = 0; s < startStep; s++) schedule?.step();
        }

        RequireDisjointFromEvaluation();
        var pool = Options.TrainInstances > 0 ? _plugin.Sample(_config, Options.TrainInstances, TrainSeed(_seed)) : null;
        var validation = PrepareValidation();
        double lowerBound = _plugin.LossLowerBound(_config);
        var losses = new List<double>();
        var validations = new List<(long, double)>();
        var memory = new List<MemorySample>();
        double best = _plugin.HigherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        long bestStep = startStep;
        Dictionary<string, Tensor>? bestWeights = null;
        int sinceBest = 0;
        bool stoppedEarly = false;
        double? lastValidation = null;
        var clock = Stopwatch.StartNew();
        long step = startStep;
        try
        {
            while (step < Options.Steps && !cancel.IsCancellationRequested)
            {
                step++;
                double loss;
                using (var scope = NewDisposeScope())
                {
                    using var batch = _plugin.Prepare(NextBatch(pool, step), _config, _device);
                    network.train();
                    optimizer.zero_grad();
                    var lossTensor = _plugin.Loss(network, batch, _config);
                    loss = lossTensor.item<float>();
                    if (!double.IsFinite(loss) || loss < lowerBound)
                        throw new TrainingDivergedException(step, loss, lowerBound);
                    lossTensor.backward();
                    if (Options.ClipGradientNorm > 0) nn.utils.clip_grad_norm_(parameters, Options.ClipGradientNorm);
                    optimizer.step();
                    schedule?.step();
                }
                losses.Add(loss);
                var row = new Dictionary<string, double> { ["loss"] = loss, ["learning_rate"] = LearningRate(optimizer) };

                if (step % Options.ValidateEvery == 0 || step == Options.Steps)
                {
                    double? underRunningStats = null;
                    if (Options.RecalibrateBatchNorm > 0)
                    {
                        underRunningStats = Validate(network, validation);
                        RecalibrateBatchNorm(network, pool, step);
                    }
                    double value = Validate(network, validation);
                    if (underRunningStats is double r) row[RunningStatsColumn] = r;
                    lastValidation = value;
                    validations.Add((step, value));
                    memory.Add(new MemorySample(step, ProcessMemory.CurrentRssMb(), torch.Tensor.TotalCount));
                    row[ValidationColumn] = value;
                    row["rss_mb"] = memory[^1].RssMb;
                    if (_plugin.HigherIsBetter ? value > best : value < best)
                    {
                        best = value;
                        bestStep = step;
                        sinceBest = 0;
                        DisposeAll(bestWeights);
                        bestWeights = Snapshot(network);
                    }
                    else if (Options.EarlyStopPatience > 0 && ++sinceBest >= Options.EarlyStopPatience)
                    {
                        stoppedEarly = true;
                    }
                }
                log?.Append(step, row);
                progress?.Report(new TrainingProgress(step, Options.Steps, loss, lastValidation, LearningRate(optimizer), clock.Elapsed));
                if (checkpointPath is not null && Options.CheckpointEvery > 0 && step % Options.CheckpointEvery == 0)
                    SaveCheckpoint(network, optimizer, checkpointPath, info, step);
                if (stoppedEarly) break;
            }
            if (bestWeights is not null) network.load_state_dict(bestWeights);
            if (checkpointPath is not null) SaveCheckpoint(network, optimizer, checkpointPath, info, step);
        }
        finally
        {
            DisposeAll(bestWeights);
            foreach (var b in validation) b.Batch.Dispose();
        }
        return new TrainingResult(step, clock.Elapsed.TotalSeconds, ProcessMemory.PeakRssMb(), losses.Count > 0 ? losses[^1] : double.NaN,
            best, bestStep, stoppedEarly, losses, validations, memory);
    }

    private void SaveCheckpoint(nn.Module network, optim.Optimizer optimizer, string path, CheckpointInfo? info, long step)
    {
        var meta = (info ?? new CheckpointInfo(_plugin.Info.Name, _plugin.Info.Version, _seed, "{}", null, step, "")) with { Step = step };
        Checkpoint.Save(path, network, meta);
        Checkpoint.SaveTrainingState(Checkpoint.TrainingStatePath(path), optimizer, step);
    }

    private IReadOnlyList<TInstance> NextBatch(IReadOnlyList<TInstance>? pool, long step)
    {
        int size = Options.BatchSize;
        if (pool is null) return _plugin.Sample(_config, size, FreshBatchSeed(step));
        // Epoch e visits the pool in the order of a permutation seeded by (seed, e): resumable from any step.
        long perEpoch = pool.Count / size;
        long epoch = (step - 1) / perEpoch, slot = (step - 1) % perEpoch;
        var order = Permutation(pool.Count, unchecked(_seed * 104729 + (int)epoch));
        return Enumerable.Range((int)(slot * size), size).Select(i => pool[order[i]]).ToList();
    }

    private readonly Dictionary<int, int[]> _permutations = new();

    private int[] Permutation(int n, int seed)
    {
        if (_permutations.TryGetValue(seed, out var p)) return p;
        _permutations.Clear();
        p = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(p);
        return _permutations[seed] = p;
    }

    private List<(TBatch Batch, int Count)> PrepareValidation()
    {
        var instances = _plugin.Sample(_config, Options.ValidationInstances, ValidationSetSeed);
        int chunk = Math.Max(Options.BatchSize, 256);
        var batches = new List<(TBatch, int)>();
        for (int i = 0; i < instances.Count; i += chunk)
        {
            var part = instances.Skip(i).Take(chunk).ToList();
            batches.Add((_plugin.Prepare(part, _config, _device), part.Count));
        }
        return batches;
    }

    /// <summary>The columns of the training curve (metrics.csv), in order.</summary>
    public IReadOnlyList<string> MetricsColumns => Options.RecalibrateBatchNorm > 0
        ? new[] { "loss", "learning_rate", ValidationColumn, RunningStatsColumn, "rss_mb" }
        : new[] { "loss", "learning_rate", ValidationColumn, "rss_mb" };

    private string ValidationColumn => "validation_" + ValidationMetric;

    /// <summary>The validation score before <see cref="TrainingOptions.RecalibrateBatchNorm"/> replaced the running statistics.</summary>
    private string RunningStatsColumn => ValidationColumn + "_running_stats";

    /// <summary>Re-estimates the BatchNorm statistics from the last <see cref="TrainingOptions.RecalibrateBatchNorm"/> training batches up to <paramref name="step"/>.</summary>
    private void RecalibrateBatchNorm(nn.Module network, IReadOnlyList<TInstance>? pool, long step)
    {
        long first = Math.Max(1, step - Options.RecalibrateBatchNorm + 1);
        var steps = Enumerable.Range(0, (int)(step - first + 1)).Select(i => first + i);
        BatchNormRecalibration.Recalibrate(network, steps.Select(s => (Action)(() =>
        {
            // Decide, not Loss: it is the forward validation runs without gradients (some losses need them, e.g. dmtssl's
            // SBS/MBS exchange calls autograd.grad, which would abort natively under no_grad).
            using var batch = _plugin.Prepare(NextBatch(pool, s), _config, _device);
            _plugin.Decide(network, batch, _config);
        })));
    }

    /// <summary>The score validation uses: <see cref="TrainingOptions.ValidationMetric"/>, or the plugin's.</summary>
    public string ValidationMetric => Options.ValidationMetric ?? _plugin.ValidationMetric;

    /// <summary>Mean of the primary metric over the validation set, in eval mode without gradients.</summary>
    private double Validate(nn.Module network, List<(TBatch Batch, int Count)> validation)
    {
        network.eval();
        double sum = 0;
        int count = 0;
        using var noGrad = no_grad();
        foreach (var (batch, n) in validation)
        {
            using var scope = NewDisposeScope();
            var metrics = _plugin.Score(_plugin.Decide(network, batch, _config), batch);
            if (!metrics.TryGetValue(ValidationMetric, out var values))
                throw new ArgumentException($"training.validationMetric = {ValidationMetric} is not a score of {_plugin.Info.Name}; expected one of {string.Join(", ", metrics.Keys)}.");
            sum += values.Sum();
            count += n;
        }
        network.train();
        return sum / count;
    }

    private static double LearningRate(optim.Optimizer optimizer) => optimizer.ParamGroups.First().LearningRate;

    private static Dictionary<string, Tensor> Snapshot(nn.Module network) =>
        network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
    }
}
