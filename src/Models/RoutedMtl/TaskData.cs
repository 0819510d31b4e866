using System.Collections.Concurrent;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Problems.Fading;
using WirelessGnn.Problems.Fdma;

namespace WirelessGnn.Models.RoutedMtl;

/// <summary>
/// The seeded per-task datasets (spec mtl-routing §9): Rayleigh gains, and for delay tasks the KKT labels (§6.2).
/// Delay and capacity tasks of the same size draw independently (the seed mixes in the task index). Datasets are cached
/// in the process, keyed by task, count, seed and problem settings, so every scheme and run trains on the same draws
/// without labelling them again.
/// </summary>
public static class TaskData
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<TaskSample>> Cache = new();

    /// <summary>Seed of a task's training set in run <paramref name="runSeed"/>.</summary>
    public static int TrainSeed(int runSeed, MtlTask task) => unchecked(runSeed * 104_729 + 7919 * (task.Index + 1));

    /// <summary>Seed of a task's test set (the same in every run).</summary>
    public static int TestSeed(MtlTask task) => 3_000_001 + 1000 * task.Index;

    /// <summary><paramref name="count"/> samples of <paramref name="task"/> drawn with <paramref name="seed"/>.</summary>
    public static IReadOnlyList<TaskSample> Samples(RoutedMtlConfig config, MtlTask task, int count, int seed)
    {
        string problem = task.Kind == TaskKind.Delay ? ConfigBinder.ToJson(config.Fdma).ToJsonString() : "capacity";
        string key = $"{task.Kind}|{task.Index}|{task.Bands}|{count}|{seed}|{problem}";
        return Cache.GetOrAdd(key, _ => Draw(config, task, count, seed));
    }

    private static IReadOnlyList<TaskSample> Draw(RoutedMtlConfig config, MtlTask task, int count, int seed)
    {
        var gains = RayleighGains.Sample(task.Bands, count, unchecked(seed * 31 + task.Index));
        var samples = new TaskSample[count];
        Parallel.For(0, count, s => samples[s] = new TaskSample(task.Index, gains[s],
            task.Kind == TaskKind.Delay ? FdmaKkt.Solve(gains[s].Select(config.Fdma.SnrGain).ToArray(), config.Fdma) : null));
        return samples;
    }
}
