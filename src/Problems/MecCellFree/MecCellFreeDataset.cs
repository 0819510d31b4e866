using System.Collections.Concurrent;
using System.Text.Json;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>
/// Sampled datasets kept in memory for the life of the process, keyed by the config (its JSON form), the count and the
/// seed: the reproduction trains many models on the same training, validation and test sets and draws each once.
/// Sampling is fast (about 20 µs per realisation at the defaults), so no file cache is kept.
/// </summary>
public static class MecCellFreeDataset
{
    private const int MaxEntries = 32;
    private static readonly ConcurrentDictionary<string, IReadOnlyList<MecCellFreeInstance>> Cache = new();

    /// <summary>The instances <c>new MecCellFreeSampler(config).Sample(count, seed)</c>, drawn once per key.</summary>
    public static IReadOnlyList<MecCellFreeInstance> Get(MecCellFreeConfig config, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        string key = $"{JsonSerializer.Serialize(config)}|{count}|{seed}";
        if (Cache.TryGetValue(key, out var hit)) return hit;
        var instances = new MecCellFreeSampler(config).Sample(count, seed);
        if (Cache.Count >= MaxEntries) Cache.Clear();
        Cache[key] = instances;
        return instances;
    }
}
