using WirelessGnn.Graphs;

namespace WirelessGnn.Tests.Support;

/// <summary>
/// Random graphs of one small wireless schema, for tests of the graph core and of layers.
/// <list type="bullet">
/// <item><c>ap</c> nodes with <see cref="ApFeatures"/> features, <c>ms</c> nodes with <see cref="MsFeatures"/> features,
/// all uniform in [-1, 1].</item>
/// <item><see cref="Serves"/>: ap -> ms, complete bipartite, 2 edge features (a gain in (0, 1), a phase in [-1, 1]).</item>
/// <item><see cref="Hears"/>: ms -> ap, sparse random (each pair kept with probability <c>density</c>), 1 edge feature in
/// (0, 1); with a small density some APs have no incoming edge, with density 0 the relation is empty.</item>
/// <item><see cref="HeardBy"/>: ap -> ms, the reverse of <see cref="Hears"/> (same pairs, same edge feature).</item>
/// </list>
/// Every graph has at least one node of each type. All randomness comes from the <see cref="Random"/> passed in.
/// </summary>
public static class RandomGraphs
{
    public const int ApFeatures = 3;
    public const int MsFeatures = 2;

    /// <summary>ap -> ms, complete bipartite, edge features [gain, phase].</summary>
    public static readonly Relation Serves = new("ap", "serves", "ms", 2);

    /// <summary>ms -> ap, sparse random, edge feature [gain].</summary>
    public static readonly Relation Hears = new("ms", "hears", "ap", 1);

    /// <summary>ap -> ms, the reverse of <see cref="Hears"/>.</summary>
    public static readonly Relation HeardBy = new("ap", "heard-by", "ms", 1);

    public static readonly GraphSchema Schema = new(
        new[] { new NodeType("ap", ApFeatures), new NodeType("ms", MsFeatures) },
        new[] { Serves, Hears, HeardBy });

    /// <summary>Node types of <see cref="Schema"/>, in declaration order.</summary>
    public static readonly string[] NodeTypes = { "ap", "ms" };

    /// <summary>
    /// A graph with between <paramref name="minNodes"/> and <paramref name="maxNodes"/> (inclusive, at least 1) APs and,
    /// drawn independently, as many MSs.
    /// </summary>
    public static HeteroGraph Generate(Random rng, int minNodes, int maxNodes, double density = 0.4)
    {
        if (minNodes < 1 || maxNodes < minNodes)
            throw new ArgumentOutOfRangeException(nameof(minNodes), $"node range [{minNodes}, {maxNodes}] must satisfy 1 <= min <= max.");
        return GenerateSized(rng, rng.Next(minNodes, maxNodes + 1), rng.Next(minNodes, maxNodes + 1), density);
    }

    /// <summary>A graph with exactly <paramref name="aps"/> APs and <paramref name="mss"/> MSs.</summary>
    public static HeteroGraph GenerateSized(Random rng, int aps, int mss, double density = 0.4)
    {
        var b = new HeteroGraphBuilder(Schema);
        for (int i = 0; i < aps; i++) b.AddNode("ap", Uniform(rng, ApFeatures, -1, 1));
        for (int i = 0; i < mss; i++) b.AddNode("ms", Uniform(rng, MsFeatures, -1, 1));

        var link = new float[aps, mss][];
        for (int a = 0; a < aps; a++)
            for (int m = 0; m < mss; m++)
                link[a, m] = new[] { (float)(0.01 + 0.99 * rng.NextDouble()), (float)(2 * rng.NextDouble() - 1) };
        b.AddCompleteBipartite(Serves, (a, m) => link[a, m]);

        var heard = new float?[mss, aps];
        for (int m = 0; m < mss; m++)
            for (int a = 0; a < aps; a++)
                if (rng.NextDouble() < density) heard[m, a] = (float)(0.01 + 0.99 * rng.NextDouble());
        b.AddWhere(Hears, (m, a) => heard[m, a].HasValue, (m, a) => new[] { heard[m, a]!.Value });
        b.AddWhere(HeardBy, (a, m) => heard[m, a].HasValue, (a, m) => new[] { heard[m, a]!.Value });
        return b.Build();
    }

    /// <summary><paramref name="count"/> graphs drawn by <see cref="Generate"/> (sizes differ from graph to graph).</summary>
    public static List<HeteroGraph> GenerateMany(Random rng, int count, int minNodes, int maxNodes, double density = 0.4) =>
        Enumerable.Range(0, count).Select(_ => Generate(rng, minNodes, maxNodes, density)).ToList();

    /// <summary>A random permutation of 0..n-1 (Fisher-Yates).</summary>
    public static int[] Permutation(Random rng, int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    private static float[] Uniform(Random rng, int n, double low, double high) =>
        Enumerable.Range(0, n).Select(_ => (float)(low + (high - low) * rng.NextDouble())).ToArray();
}
