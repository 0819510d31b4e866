using WirelessGnn.Graphs;
using WirelessGnn.Problems.UltraDenseHetNet;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>
/// The heterogeneous bipartite UE–BS graph of HBGNN (spec §3). Node types <c>ue</c> and <c>bs</c>; UE i and BS j are
/// joined iff j is one of UE i's candidates C(i): the BSs whose max-power SNR is at least the edge threshold, the K
/// strongest of them (ties: the smaller index), at least the single strongest. Relations <c>bs -reaches-> ue</c> and
/// its reverse <c>ue -hears-> bs</c>; the 2nd-order neighbourhoods are the meta-paths UE–BS–UE (<c>ue -shares_bs-> ue</c>)
/// and BS–UE–BS (<c>bs -shares_ue-> bs</c>), composed by the graph core with set semantics and no self-loops.
/// Node features (spec §3.4), with <c>s_{i,j} = log10(SNRmax_{i,j})</c>: UE <c>[s over C(i) descending, 0-padded to K;
/// K slot masks]</c>; BS <c>[top-M s over its UEs, 0-padded; M masks; isMacro; |N1(j)|/M]</c>. The layout does not
/// depend on node labels or on I and J, so the model is permutation-equivariant and runs on any size.
/// </summary>
public sealed class HetNetGraph
{
    public const string Ue = "ue", Bs = "bs";

    public HetNetGraph(int candidates, int bsFeatureSlots, double edgeThresholdDb)
    {
        Candidates = candidates;
        BsFeatureSlots = bsFeatureSlots;
        EdgeThresholdDb = edgeThresholdDb;
        UeType = new NodeType(Ue, 2 * candidates);
        BsType = new NodeType(Bs, 2 * bsFeatureSlots + 2);
        Schema = new GraphSchema(new[] { UeType, BsType }, new[] { Reaches, Hears, SharesBs, SharesUe });
    }

    public HetNetGraph(HbgnnConfig config) : this(config.Candidates, config.BsFeatureSlots, config.EdgeThresholdDb) { }

    public int Candidates { get; }
    public int BsFeatureSlots { get; }
    public double EdgeThresholdDb { get; }
    public NodeType UeType { get; }
    public NodeType BsType { get; }
    public GraphSchema Schema { get; }

    public static readonly Relation Reaches = new(Bs, "reaches", Ue);
    public static readonly Relation Hears = new(Ue, "hears", Bs);
    public static readonly Relation SharesBs = new(Ue, "shares_bs", Ue);
    public static readonly Relation SharesUe = new(Bs, "shares_ue", Bs);
    public static readonly MetaPath UeBsUe = new("ue-bs-ue", Hears, Reaches);
    public static readonly MetaPath BsUeBs = new("bs-ue-bs", Reaches, Hears);

    /// <summary>
    /// The candidate list C(i) of every UE, strongest first, <c>[I][≤K]</c>: BSs with max-power SNR ≥ the threshold,
    /// capped at K; the strongest BS when none qualifies.
    /// </summary>
    public int[][] CandidateLists(HetNetScene scene)
    {
        double threshold = Math.Pow(10, EdgeThresholdDb / 10);
        var lists = new int[scene.Ues][];
        var snr = new double[scene.Bss];
        var order = new int[scene.Bss];
        for (int i = 0; i < scene.Ues; i++)
        {
            for (int j = 0; j < scene.Bss; j++) { snr[j] = scene.MaxPowerSnr(i, j); order[j] = j; }
            Array.Sort(order, (a, b) => snr[a] != snr[b] ? snr[b].CompareTo(snr[a]) : a.CompareTo(b));
            int qualifying = 0;
            while (qualifying < Math.Min(Candidates, scene.Bss) && snr[order[qualifying]] >= threshold) qualifying++;
            lists[i] = order.Take(Math.Max(qualifying, 1)).ToArray();
        }
        return lists;
    }

    /// <summary>The graph of a scene with its candidate lists.</summary>
    public (HeteroGraph Graph, int[][] Candidates) Build(HetNetScene scene)
    {
        var lists = CandidateLists(scene);
        var builder = new HeteroGraphBuilder(Schema);
        var ue = new float[UeType.FeatureCount];
        for (int i = 0; i < scene.Ues; i++)
        {
            Array.Clear(ue);
            for (int k = 0; k < lists[i].Length; k++)
            {
                ue[k] = EdgeValue(scene, i, lists[i][k]);
                ue[Candidates + k] = 1;
            }
            builder.AddNode(Ue, ue);
        }
        var servedBy = new List<int>[scene.Bss];
        for (int j = 0; j < scene.Bss; j++) servedBy[j] = new List<int>();
        for (int i = 0; i < scene.Ues; i++)
            foreach (var j in lists[i]) servedBy[j].Add(i);
        var bs = new float[BsType.FeatureCount];
        for (int j = 0; j < scene.Bss; j++)
        {
            Array.Clear(bs);
            var top = servedBy[j].Select(i => EdgeValue(scene, i, j)).OrderDescending().Take(BsFeatureSlots).ToArray();
            for (int m = 0; m < top.Length; m++)
            {
                bs[m] = top[m];
                bs[BsFeatureSlots + m] = 1;
            }
            bs[2 * BsFeatureSlots] = scene.Layout.IsMacro(j) ? 1 : 0;
            bs[2 * BsFeatureSlots + 1] = (float)servedBy[j].Count / BsFeatureSlots;
            builder.AddNode(Bs, bs);
        }
        for (int j = 0; j < scene.Bss; j++)
            foreach (var i in servedBy[j])
            {
                builder.AddEdge(Reaches, j, i);
                builder.AddEdge(Hears, i, j);
            }
        builder.ComposeMetaPath(UeBsUe, SharesBs).ComposeMetaPath(BsUeBs, SharesUe);
        return (builder.Build(), lists);
    }

    /// <summary>The edge scalar <c>s_{i,j} = log10(SNRmax_{i,j})</c> (the max-power SNR in units of 10 dB).</summary>
    public static float EdgeValue(HetNetScene scene, int i, int j) => (float)Math.Log10(Math.Max(scene.MaxPowerSnr(i, j), 1e-30));
}
