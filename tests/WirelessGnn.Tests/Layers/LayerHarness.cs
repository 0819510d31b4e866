using TorchSharp;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Layers;

/// <summary>
/// Random cell-free style graphs for layer tests (APs and MSs, pruned bipartite links with a gain feature, and the
/// two composed meta-paths MS-AP-MS and AP-MS-AP), and the property checks every layer must pass.
/// </summary>
public static class LayerHarness
{
    public static readonly Relation Downlink = new("ap", "downlink", "ms", 1);
    public static readonly Relation Uplink = new("ms", "uplink", "ap", 1);
    public static readonly Relation CoServed = new("ms", "co-served", "ms", 1);
    public static readonly Relation CoServing = new("ap", "co-serving", "ap", 1);
    public static readonly GraphSchema Schema = new(
        new[] { new NodeType("ap", 3), new NodeType("ms", 2) },
        new[] { Downlink, Uplink, CoServed, CoServing });

    public static readonly IReadOnlyDictionary<string, int> Widths = new Dictionary<string, int> { ["ap"] = 3, ["ms"] = 2 };

    /// <summary>A graph with 1..maxAps APs and 1..maxMss MSs; each link kept with probability <paramref name="density"/>.</summary>
    public static HeteroGraph GenerateOne(Random rng, int maxAps = 6, int maxMss = 5, double density = 0.7)
    {
        int aps = rng.Next(1, maxAps + 1), mss = rng.Next(1, maxMss + 1);
        var b = new HeteroGraphBuilder(Schema);
        for (int i = 0; i < aps; i++) b.AddNode("ap", Features(rng, 3));
        for (int i = 0; i < mss; i++) b.AddNode("ms", Features(rng, 2));
        var gain = new float[aps, mss];
        var linked = new bool[aps, mss];
        for (int a = 0; a < aps; a++)
            for (int m = 0; m < mss; m++) { gain[a, m] = (float)rng.NextDouble(); linked[a, m] = rng.NextDouble() < density; }
        b.AddWhere(Downlink, (a, m) => linked[a, m], (a, m) => new[] { gain[a, m] });
        b.AddWhere(Uplink, (m, a) => linked[a, m], (m, a) => new[] { gain[a, m] });
        float Pair(int i, int j) => (float)(0.5 + 0.1 * ((i * 7 + j * 3) % 5));   // any values: they travel with their edges
        b.ComposeMetaPath(new MetaPath("ms-ap-ms", Uplink, Downlink), CoServed, features: (i, j) => new[] { Pair(i, j) });
        b.ComposeMetaPath(new MetaPath("ap-ms-ap", Downlink, Uplink), CoServing, features: (i, j) => new[] { Pair(j, i) });
        return b.Build();
    }

    public static List<HeteroGraph> Generate(Random rng, int count, int maxAps = 6, int maxMss = 5) =>
        Enumerable.Range(0, count).Select(_ => GenerateOne(rng, maxAps, maxMss)).ToList();

    private static float[] Features(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    /// <summary>A layer under test: node-layout inputs of every type to node-layout outputs of every type.</summary>
    public delegate Dictionary<string, Tensor> LayerRun(GraphView view);

    /// <summary>Output per graph and node type, as float64 arrays [N_b, F].</summary>
    public static List<Dictionary<string, double[,]>> PerGraph(LayerRun run, IReadOnlyList<HeteroGraph> graphs, GraphLayout layout)
    {
        using var scope = NewDisposeScope();
        using var batch = GraphBatch.Collate(graphs);
        var view = batch.View(layout);
        var output = run(view);
        var result = graphs.Select(_ => new Dictionary<string, double[,]>()).ToList();
        foreach (var (type, tensor) in output)
        {
            var parts = view.Nodes(type).Split(tensor);
            for (int g = 0; g < graphs.Count; g++) result[g][type] = ToArray(parts[g]);
        }
        return result;
    }

    public static double[,] ToArray(Tensor t)
    {
        var d = t.detach().to(float64).cpu().contiguous();
        long rows = d.shape[0], cols = d.shape[1];
        var flat = d.data<double>().ToArray();
        var a = new double[rows, cols];
        for (long i = 0; i < rows; i++) for (long j = 0; j < cols; j++) a[i, j] = flat[i * cols + j];
        return a;
    }

    /// <summary>Largest |a - b| / (1 + |b|) over two per-graph results; <paramref name="map"/> maps rows of b to rows of a.</summary>
    public static double MaxError(List<Dictionary<string, double[,]>> a, List<Dictionary<string, double[,]>> b,
        Func<int, string, int, int>? map = null)
    {
        double worst = 0;
        for (int g = 0; g < a.Count; g++)
            foreach (var (type, x) in a[g])
            {
                var y = b[g][type];
                if (x.GetLength(0) != y.GetLength(0) || x.GetLength(1) != y.GetLength(1)) return double.PositiveInfinity;
                for (int i = 0; i < y.GetLength(0); i++)
                    for (int j = 0; j < y.GetLength(1); j++)
                    {
                        int row = map?.Invoke(g, type, i) ?? i;
                        worst = Math.Max(worst, Math.Abs(x[row, j] - y[i, j]) / (1 + Math.Abs(y[i, j])));
                    }
            }
        return worst;
    }

    /// <summary>
    /// Relabels the APs and MSs of every graph at random and returns the largest deviation from equivariance:
    /// the output for new node i must equal the output for old node perm[i].
    /// </summary>
    public static double EquivarianceError(LayerRun run, IReadOnlyList<HeteroGraph> graphs, GraphLayout layout, Random rng)
    {
        var perms = graphs.Select(g => Schema.NodeTypes.ToDictionary(t => t.Name,
            t => Enumerable.Range(0, g.NodeCount(t.Name)).OrderBy(_ => rng.Next()).ToArray())).ToList();
        var permuted = graphs.Select((g, i) => perms[i].Aggregate(g, (h, p) => h.Permute(p.Key, p.Value))).ToList();
        var original = PerGraph(run, graphs, layout);
        var relabelled = PerGraph(run, permuted, layout);
        return MaxError(original, relabelled, (g, type, i) => perms[g][type][i]);
    }

    /// <summary>Largest deviation between the sparse and the dense layout.</summary>
    public static double LayoutError(LayerRun run, IReadOnlyList<HeteroGraph> graphs) =>
        MaxError(PerGraph(run, graphs, GraphLayout.Sparse), PerGraph(run, graphs, GraphLayout.Dense));

    /// <summary>Largest deviation between one batch of all graphs and each graph on its own.</summary>
    public static double BatchingError(LayerRun run, IReadOnlyList<HeteroGraph> graphs, GraphLayout layout)
    {
        var batched = PerGraph(run, graphs, layout);
        var alone = graphs.Select(g => PerGraph(run, new[] { g }, layout)[0]).ToList();
        return MaxError(batched, alone);
    }
}
