using System.Diagnostics;
using TorchSharp;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Reporting;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Evaluation;

/// <summary>Per-instance results of one method on one evaluation set.</summary>
/// <param name="Metrics">Metric name -> value per instance (the first is the primary metric).</param>
/// <param name="SecondsPerInstance">Time per instance samples (for the model: batch time / batch size, one per batch).</param>
public sealed record MethodScores(IReadOnlyDictionary<string, double[]> Metrics, double[] SecondsPerInstance, int BatchSize)
{
    public TimingSummary Timing => new(Percentile(SecondsPerInstance, 0.5), Percentile(SecondsPerInstance, 0.9), BatchSize, Metrics.First().Value.Length);

    public static double Percentile(double[] samples, double q)
    {
        if (samples.Length == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        double rank = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    /// <summary>
    /// How far this method falls behind <paramref name="other"/> on each instance in <paramref name="metric"/>:
    /// <c>other − this</c> where larger is better, <c>this − other</c> where smaller is (positive: behind). <c>[N]</c>.
    /// </summary>
    public double[] ShortfallBehind(MethodScores other, string metric, bool higherIsBetter)
    {
        var mine = Metrics[metric];
        var theirs = other.Metrics[metric];
        if (mine.Length != theirs.Length)
            throw new ArgumentException($"{metric}: {mine.Length} instances against {theirs.Length}; a shortfall needs the same instances.", nameof(other));
        return mine.Zip(theirs, (m, o) => higherIsBetter ? o - m : m - o).ToArray();
    }
}

/// <summary>The model and every baseline on one evaluation set.</summary>
public sealed record SetEvaluation(string Set, MethodScores Model, IReadOnlyDictionary<string, MethodScores> Baselines, double PrepareSecondsPerInstance);

/// <summary>
/// Scores the model and the baselines on the same seeded instances with the same objective (the plugin's
/// <see cref="ModelPlugin{TConfig,TInstance,TBatch}.Score"/>). Timing: the model is timed per batch (network forward
/// and decision, after one untimed warm-up batch; input preparation timed separately); baselines per instance
/// (after one untimed warm-up solve).
/// </summary>
public sealed class Evaluator<TConfig, TInstance, TBatch>
    where TConfig : class, IPluginConfig
    where TBatch : IDisposable
{
    private readonly ModelPlugin<TConfig, TInstance, TBatch> _plugin;
    private readonly Device _device;

    public Evaluator(ModelPlugin<TConfig, TInstance, TBatch> plugin, Device device)
    {
        _plugin = plugin;
        _device = device;
    }

    /// <summary>
    /// Runs the model once on the first batch, so that an instance it cannot take (a size beyond what it was built for)
    /// fails here, before baselines that may take hours.
    /// </summary>
    private void CheckModelTakes(nn.Module network, IReadOnlyList<TInstance> chunk, TConfig config)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        network.eval();
        using var batch = _plugin.Prepare(chunk, config, _device);
        _plugin.Decide(network, batch, config);
    }

    /// <param name="network">The trained network, or null to score the baselines only.</param>
    /// <param name="batchSize">Instances per inference batch (stated in the report).</param>
    /// <param name="log">Progress lines (baselines can be slow).</param>
    public SetEvaluation Evaluate(nn.Module? network, EvaluationSet<TConfig> set, int batchSize, Action<string>? log = null)
    {
        var instances = _plugin.Sample(set.Config, set.Instances, set.Seed);
        var chunks = instances.Chunk(batchSize).Select(c => (IReadOnlyList<TInstance>)c).ToList();
        var modelMetrics = new List<IReadOnlyDictionary<string, double[]>>();
        var modelTimes = new List<double>();
        double prepareSeconds = 0;
        var baselineDecisions = _plugin.Baselines(set.Config).ToDictionary(b => b.Name, _ => new List<double[]>());
        var baselineTimes = baselineDecisions.Keys.ToDictionary(k => k, _ => new List<double>());
        if (network is not null) CheckModelTakes(network, chunks[0], set.Config);

        foreach (var baseline in _plugin.Baselines(set.Config))
        {
            var rng = new Random(set.Seed);
            bool warm = false;
            var clock = new Stopwatch();
            var lastLog = Stopwatch.StartNew();
            int recalled = 0;
            for (int i = 0; i < instances.Count; i++)
            {
                double[] decision;
                double seconds;
                if (baseline.Recall?.Invoke(instances[i]) is { } hit)
                {
                    (decision, seconds) = hit;
                    recalled++;
                }
                else
                {
                    if (!warm) { baseline.Solve(instances[i], new Random(set.Seed)); warm = true; }   // warm-up (JIT), untimed
                    clock.Restart();
                    decision = baseline.Solve(instances[i], rng);
                    clock.Stop();
                    seconds = clock.Elapsed.TotalSeconds;
                    baseline.Remember?.Invoke(instances[i], decision, seconds);
                }
                baselineDecisions[baseline.Name].Add(decision);
                baselineTimes[baseline.Name].Add(seconds);
                if (log is not null && (lastLog.Elapsed.TotalSeconds >= 10 || i + 1 == instances.Count) && instances.Count > 1)
                {
                    log($"{set.Name}: {baseline.Name} {i + 1}/{instances.Count}" + (recalled > 0 ? $" ({recalled} from cache)" : ""));
                    lastLog.Restart();
                }
            }
        }

        var baselineMetrics = baselineDecisions.Keys.ToDictionary(k => k, _ => new List<IReadOnlyDictionary<string, double[]>>());
        using (var noGrad = no_grad())
        {
            network?.eval();
            bool warm = false;
            int offset = 0;
            foreach (var chunk in chunks)
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                using var batch = _plugin.Prepare(chunk, set.Config, _device);
                prepareSeconds += clock.Elapsed.TotalSeconds;
                if (network is not null)
                {
                    if (!warm)
                    {
                        // The warm-up's tensors are released before the timed call: kept alive, they made the timed call
                        // fault in fresh pages for all of its own (HBGNN at batch 200: 14.6 against about 4 ms per scene).
                        using (NewDisposeScope()) _plugin.Decide(network, batch, set.Config);
                        warm = true;
                    }
                    Synchronize();
                    clock.Restart();
                    var decision = _plugin.Decide(network, batch, set.Config);
                    Synchronize();
                    modelTimes.Add(clock.Elapsed.TotalSeconds / chunk.Count);
                    modelMetrics.Add(_plugin.Score(decision, batch));
                }
                foreach (var (name, decisions) in baselineDecisions)
                    baselineMetrics[name].Add(_plugin.Score(_plugin.ToDecision(decisions.GetRange(offset, chunk.Count), batch), batch));
                offset += chunk.Count;
            }
        }

        var model = new MethodScores(Concat(modelMetrics), modelTimes.ToArray(), batchSize);
        var baselines = baselineMetrics.ToDictionary(kv => kv.Key,
            kv => new MethodScores(Concat(kv.Value), baselineTimes[kv.Key].ToArray(), 1));
        return new SetEvaluation(set.Name, model, baselines, prepareSeconds / instances.Count);
    }

    /// <summary>
    /// Median seconds of one instance at a time through the model (network forward and decision; the input is prepared
    /// beforehand and not timed), after one untimed warm-up call whose tensors are released first.
    /// </summary>
    public double Latency(nn.Module network, IReadOnlyList<TInstance> instances, TConfig config)
    {
        if (instances.Count == 0) throw new ArgumentException("instances: the latency needs at least one instance.", nameof(instances));
        var times = new List<double>();
        network.eval();
        using var noGrad = no_grad();
        foreach (var (instance, n) in instances.Select((x, n) => (x, n)))
        {
            using var scope = NewDisposeScope();
            using var batch = _plugin.Prepare(new[] { instance }, config, _device);
            if (n == 0) using (NewDisposeScope()) _plugin.Decide(network, batch, config);
            Synchronize();
            var clock = Stopwatch.StartNew();
            _plugin.Decide(network, batch, config);
            Synchronize();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return MethodScores.Percentile(times.ToArray(), 0.5);
    }

    private void Synchronize()
    {
        if (_device.type == DeviceType.CUDA) cuda.synchronize(_device);
    }

    private static IReadOnlyDictionary<string, double[]> Concat(List<IReadOnlyDictionary<string, double[]>> parts)
    {
        if (parts.Count == 0) return new Dictionary<string, double[]>();
        return parts[0].Keys.ToDictionary(k => k, k => parts.SelectMany(p => p[k]).ToArray());
    }
}
