using WirelessGnn.Graphs;
using WirelessGnn.Problems.MddCellFree;

namespace WirelessGnn.Models.CfHgnn;

/// <summary>
/// The permutation-equivariant graph of an MDD cell-free layout (beyond the paper, <c>cf-hgnn-eq</c>): the same node
/// types and meta-paths as <see cref="CfHgnnGraph"/>, but every per-link quantity is an edge feature and node features
/// hold only per-node quantities, so no feature's meaning depends on another node's label and any L and D fit.
/// <list type="bullet">
/// <item>AP node: <c>log10 P_l, log10 ξ̃_l^SI, log10 ξ̃_l^IAI, log2(1 + MSs served)</c>.</item>
/// <item>MS node: <c>log10 P_d, log10 ξ̃_d^SI, log10 ξ̃_d^IMI, log2(1 + |𝓛_d|)</c>.</item>
/// <item>AP–MS edges (both directions, every pair): <c>log10 ω̃²_ldm</c> for each DL subcarrier, <c>−log10 υ̃_ldm̄</c> for each
/// UL subcarrier, the distance, and 1 if AP l serves MS d (Case 1: always).</item>
/// <item>AP–AP and MS–MS edges (complete, with self-loops): the distance and <c>log10 β / 10</c> (self-loops 0, 0).</item>
/// </list>
/// With <see cref="CfHgnnConfig.EqNeighbourRadius"/> r &gt; 0 only the pairs within r (and the served AP–MS pairs) are edges.
/// The subcarrier counts are fixed by the model (<see cref="MddCellFreeConfig.DlSubcarriers"/>, <c>UlSubcarriers</c>).
/// </summary>
public sealed class CfHgnnEqGraph
{
    public static readonly NodeType Ap = new("ap", 4);
    public static readonly NodeType Ms = new("ms", 4);

    private readonly CfHgnnConfig _config;

    public CfHgnnEqGraph(CfHgnnConfig config)
    {
        _config = config;
        LinkFeatures = config.Problem.DlSubcarriers + config.Problem.UlSubcarriers + 2;
        Uplink = new Relation("ms", "ul", "ap", LinkFeatures);
        Downlink = new Relation("ap", "dl", "ms", LinkFeatures);
        InterAp = new Relation("ap", "iai", "ap", 2);
        InterMs = new Relation("ms", "imi", "ms", 2);
        Schema = new GraphSchema(new[] { Ap, Ms }, new[] { Uplink, InterAp, Downlink, InterMs });
    }

    public GraphSchema Schema { get; }
    public Relation Uplink { get; }
    public Relation Downlink { get; }
    public Relation InterAp { get; }
    public Relation InterMs { get; }
    /// <summary>Features of an AP–MS edge: M + M̄ + 2.</summary>
    public int LinkFeatures { get; }

    public HeteroGraph Build(MddCellFreeInstance x)
    {
        var p = _config.Problem;
        if (x.DlSubcarriers != p.DlSubcarriers || x.UlSubcarriers != p.UlSubcarriers)
            throw new ArgumentOutOfRangeException("problem.dlSubcarriers", $"(M, M̄) = ({x.DlSubcarriers}, {x.UlSubcarriers}) does not fit this cf-hgnn-eq model; expected ({p.DlSubcarriers}, {p.UlSubcarriers}) (any L and D fit).");
        var ap = new float[x.Aps, Ap.FeatureCount];
        var ms = new float[x.Mss, Ms.FeatureCount];
        for (int l = 0; l < x.Aps; l++)
        {
            int served = Enumerable.Range(0, x.Mss).Count(d => x.Serves[l, d]);
            Row(ap, l, Math.Log10(x.ApBudget[l]), Math.Log10(x.ApSelfInterference[l]), Math.Log10(x.InterAp[l]), Math.Log2(1 + served));
        }
        for (int d = 0; d < x.Mss; d++)
            Row(ms, d, Math.Log10(x.MsBudget[d]), Math.Log10(x.MsSelfInterference[d]), Math.Log10(x.InterMs[d]), Math.Log2(1 + x.ServingAps(d).Length));

        float[] Link(int l, int d)
        {
            var f = new float[LinkFeatures];
            int i = 0;
            for (int m = 0; m < x.DlSubcarriers; m++) f[i++] = (float)Math.Log10(x.Omega[l, d, m] * x.Omega[l, d, m]);
            for (int m = 0; m < x.UlSubcarriers; m++) f[i++] = (float)-Math.Log10(x.Upsilon[l, d, m]);
            f[i++] = Distance(x.ApPositions, l, x.MsPositions, d);
            f[i] = x.Serves[l, d] ? 1 : 0;
            return f;
        }
        float[] Pair(double[,] positions, double[,] beta, int a, int b) =>
            a == b ? new float[2] : new[] { Distance(positions, a, positions, b), (float)(Math.Log10(beta[a, b]) / 10) };

        double r = _config.EqNeighbourRadius;
        bool Near(double[,] a, int i, double[,] b, int j) => r == 0 || MddCellFreeInstance.Distance(a, i, b, j) <= r;
        bool Linked(int l, int d) => x.Serves[l, d] || Near(x.ApPositions, l, x.MsPositions, d);

        return new HeteroGraphBuilder(Schema).AddNodes("ap", ap).AddNodes("ms", ms)
            .AddWhere(Uplink, (d, l) => Linked(l, d), (d, l) => Link(l, d))
            .AddWhere(Downlink, Linked, Link)
            .AddWhere(InterAp, (a, b) => Near(x.ApPositions, a, x.ApPositions, b), (a, b) => Pair(x.ApPositions, x.BetaAp, a, b))
            .AddWhere(InterMs, (a, b) => Near(x.MsPositions, a, x.MsPositions, b), (a, b) => Pair(x.MsPositions, x.BetaMs, a, b))
            .Build();
    }

    private static void Row(float[,] features, int row, params double[] values)
    {
        for (int i = 0; i < values.Length; i++) features[row, i] = (float)values[i];
    }

    /// <summary>The distance edge feature: metres over <see cref="CfHgnnConfig.DistanceScale"/>.</summary>
    private float Distance(double[,] a, int i, double[,] b, int j) => (float)(MddCellFreeInstance.Distance(a, i, b, j) / _config.DistanceScale);
}
