using System.Collections.Concurrent;
using System.Diagnostics;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Evaluation;
using WirelessGnn.Problems.UltraDenseHetNet;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>
/// GRL's supervised labels (spec §5.4): the decision of the configured optimisation baseline (JUAPCMWSER by default) on
/// each training scene, solved once and kept in memory and, with a cache folder, on disk in a
/// <see cref="SolutionCache"/> keyed by the label method, the problem config and the scene's seed, so later runs reuse them.
/// </summary>
public sealed class HbgnnLabels
{
    private readonly ConcurrentDictionary<(string, int), HetNetDecision> _memory = new();

    /// <summary>The solver of a label source (null for <see cref="LabelSource.None"/>).</summary>
    public static Func<HetNetScene, HetNetDecision>? Solver(LabelSource source) => source switch
    {
        LabelSource.Juapcmwser => Juapcmwser.Solve,
        LabelSource.Msuapc => Msuapc.Solve,
        LabelSource.Uamwser => Uamwser.Solve,
        LabelSource.Maramp => Maramp.Solve,
        _ => null,
    };

    /// <summary>The label of <paramref name="scene"/>, solving (and caching) it on a miss.</summary>
    public HetNetDecision For(HetNetScene scene, HbgnnConfig config)
    {
        var solve = Solver(config.Labels) ?? throw new InvalidOperationException("labels = None: there are no labels to read.");
        string settings = ConfigBinder.ToJson(config.Problem).ToJsonString();
        var key = (config.Labels + settings, scene.Seed);
        if (scene.Seed >= 0 && _memory.TryGetValue(key, out var known)) return known;
        var cache = string.IsNullOrEmpty(config.CacheDirectory) || scene.Seed < 0
            ? null : new SolutionCache(config.CacheDirectory, $"hbgnn-labels-{config.Labels}-v1", settings);
        HetNetDecision label;
        if (cache?.Recall(scene.Seed.ToString()) is { } hit) label = HetNetDecision.FromVector(hit.Decision, scene.Ues, scene.Bss);
        else
        {
            var clock = Stopwatch.StartNew();
            label = solve(scene);
            cache?.Remember(scene.Seed.ToString(), label.ToVector(), clock.Elapsed.TotalSeconds);
        }
        if (scene.Seed >= 0) _memory[key] = label;
        return label;
    }

    /// <summary>Solves (or loads) the labels of <paramref name="scenes"/> up front, reporting progress every few seconds.</summary>
    public void Warm(IReadOnlyList<HetNetScene> scenes, HbgnnConfig config, Action<string> log)
    {
        if (Solver(config.Labels) is null || config.SupervisedWeight == 0) return;
        var clock = Stopwatch.StartNew();
        var last = Stopwatch.StartNew();
        for (int n = 0; n < scenes.Count; n++)
        {
            For(scenes[n], config);
            if (last.Elapsed.TotalSeconds >= 5 || n + 1 == scenes.Count)
            {
                double eta = clock.Elapsed.TotalSeconds / (n + 1) * (scenes.Count - n - 1);
                log($"labels ({config.Labels}): {n + 1}/{scenes.Count} [{new string('#', 20 * (n + 1) / scenes.Count).PadRight(20, '.')}] {clock.Elapsed.TotalSeconds:F0} s, ETA {eta:F0} s");
                last.Restart();
            }
        }
    }
}
