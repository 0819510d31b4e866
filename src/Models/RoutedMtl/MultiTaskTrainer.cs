using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WirelessGnn.Models.RoutedMtl;

/// <summary>
/// The multi-task training loop of every scheme (spec mtl-routing §5): per step, a mini-batch of B_i samples of every
/// task (or of a uniform random subset), the loss <c>Σ β_i L_i</c> (<see cref="RoutedMtlPlugin.TaskLoss"/>), one Adam step
/// on the given parameters, then the dual step of every unsupervised task with the constraint means of that same
/// forward pass (eq. 18/20). A dispose scope per step. Test curves of the curve tasks are taken every
/// <c>training.validateEvery</c> steps with the clock paused, so the measured training time excludes them.
/// </summary>
public sealed class MultiTaskTrainer : IDisposable
{
    private readonly RoutedMtlPlugin _plugin;
    private readonly RoutedMtlConfig _config;
    private readonly Dictionary<int, TaskBatch> _train = new();
    private readonly Dictionary<int, TaskBatch> _test = new();
    private readonly int _seed;
    private Random _rng;
    private readonly Generator _rows;

    /// <param name="seed">Seed of the run: training sets, batch draws and task draws.</param>
    public MultiTaskTrainer(RoutedMtlPlugin plugin, RoutedMtlConfig config, Device device, int seed)
    {
        config.Validate();
        _plugin = plugin;
        _config = config;
        _seed = seed;
        _rng = new Random(seed);
        _rows = new Generator((ulong)(uint)seed, device);
        foreach (var task in config.Tasks)
        {
            using var scope = NewDisposeScope();
            _train[task.Index] = plugin.Prepare(TaskData.Samples(config, task, config.Training.TrainInstances, TaskData.TrainSeed(seed, task)), config, device).Detach();
            if (config.CurveSizes.Contains(task.Bands))
                _test[task.Index] = plugin.Prepare(TaskData.Samples(config, task, config.TestSamples, TaskData.TestSeed(task)), config, device).Detach();
        }
    }

    public List<CurvePoint> Curves { get; } = new();

    /// <summary>
    /// Restarts the batch and task draws from the run's seed, so that a scheme sees the draws a fresh trainer would give
    /// it: its numbers then depend neither on the schemes trained before it nor on their step counts.
    /// </summary>
    public void Rewind()
    {
        _rng = new Random(_seed);
        _rows.manual_seed((uint)_seed);
    }

    /// <summary>
    /// Trains <paramref name="parameters"/> of <paramref name="network"/> on <paramref name="tasks"/> for
    /// <paramref name="steps"/> steps with a fresh Adam and <c>training.schedule</c> over those steps; curve steps are numbered from <paramref name="stepOffset"/>.
    /// Returns the wall seconds of training (curves excluded).
    /// </summary>
    /// <param name="taskWeight">β_i of each task.</param>
    public double Train(MultiTaskNetwork network, string scheme, IReadOnlyList<MtlTask> tasks, IEnumerable<Parameter> parameters,
        int steps, Func<MtlTask, double> taskWeight, long stepOffset = 0, Action<string>? log = null)
    {
        var trained = parameters.ToList();
        using var optimizer = optim.Adam(trained, _config.Training.LearningRate);
        var schedule = _config.Training.Scheduler(optimizer, steps);
        int perStep = _config.TasksPerStep > 0 ? Math.Min(_config.TasksPerStep, tasks.Count) : tasks.Count;
        network.train();
        var clock = new Stopwatch();
        if (stepOffset == 0) Curve(network, scheme, tasks, 0);
        for (int step = 1; step <= steps; step++)
        {
            clock.Start();
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                network.BeginStep();
                var chosen = perStep == tasks.Count ? tasks : tasks.OrderBy(_ => _rng.Next()).Take(perStep).ToList();
                Tensor? total = null;
                var constraints = new List<(MtlTask Task, Tensor Means)>();
                foreach (var task in chosen)
                {
                    var pool = _train[task.Index];
                    using var batch = pool.Select(randint(pool.Count, new long[] { _config.Training.BatchSize }, dtype: ScalarType.Int64, device: pool.Features.device, generator: _rows));
                    var (loss, means) = RoutedMtlPlugin.TaskLoss(network, batch, _config);
                    var weighted = taskWeight(task) * loss;
                    total = total is null ? weighted : total + weighted;
                    if (means is not null) constraints.Add((task, means.detach()));
                }
                if (!double.IsFinite(total!.item<float>()))
                    throw new InvalidOperationException($"{scheme}: the training loss became {total.item<float>()} at step {stepOffset + step}; lower training.learningRate.");
                total.backward();
                network.EndStep();
                optimizer.step();
                schedule?.step();
                using (no_grad())
                    foreach (var (task, means) in constraints)
                        DualStep(network.Duals[task.Index].narrow(0, 0, means.shape[0]), network.DualIntegral[task.Index].narrow(0, 0, means.shape[0]), means, _config);
            }
            clock.Stop();
            if (step % _config.Training.ValidateEvery == 0 || step == steps)
            {
                Curve(network, scheme, tasks, stepOffset + step);
                log?.Invoke($"{scheme}: step {stepOffset + step}, {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The dual step of one task in place (spec §2.3): the integral part moves by projected ascent
    /// <c>I ← max(0, I + η·mean f)</c>, or as printed <c>I ← I + η·max(0, mean f)</c>, and the duals used by the loss are
    /// <c>λ = max(0, I + K_p·mean f)</c> with <c>K_p</c> = <see cref="RoutedMtlConfig.DualProportionalGain"/> (so λ = I for K_p = 0).
    /// </summary>
    public static void DualStep(Tensor duals, Tensor integral, Tensor constraintMeans, RoutedMtlConfig config)
    {
        using var noGrad = no_grad();
        var next = config.DualUpdate == DualUpdate.Projected
            ? (integral + config.DualStep * constraintMeans).clamp_min(0)
            : integral + config.DualStep * constraintMeans.clamp_min(0);
        integral.copy_(next);
        duals.copy_(config.DualProportionalGain > 0 ? (next + config.DualProportionalGain * constraintMeans).clamp_min(0) : next);
    }

    /// <summary>Test metric of each curve task among <paramref name="tasks"/>: delay MSE (ms²) or capacity with its violation.</summary>
    private void Curve(MultiTaskNetwork network, string scheme, IReadOnlyList<MtlTask> tasks, long step)
    {
        using var noGrad = no_grad();
        network.eval();
        foreach (var task in tasks.Where(t => _test.ContainsKey(t.Index)))
        {
            using var scope = NewDisposeScope();
            var batch = _test[task.Index];
            var scores = _plugin.Score(_plugin.Decide(network, batch, _config), batch);
            Curves.Add(task.Kind == TaskKind.Delay
                ? new CurvePoint(scheme, task, step, scores[RoutedMtlPlugin.DelayError].Average(), null)
                : new CurvePoint(scheme, task, step, scores[RoutedMtlPlugin.CapacityMetric].Average(), RoutedMtlPlugin.AverageViolation(scores, task, _config)));
        }
        network.train();
    }

    public void Dispose()
    {
        foreach (var b in _train.Values.Concat(_test.Values)) b.Dispose();
        _rows.Dispose();
    }
}
