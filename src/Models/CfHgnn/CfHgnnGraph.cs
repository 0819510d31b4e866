using WirelessGnn.Graphs;
using WirelessGnn.Problems.MddCellFree;

namespace WirelessGnn.Models.CfHgnn;

/// <summary>
/// The paper's heterogeneous graph of an MDD cell-free layout (spec §5): node types <c>ap</c> and <c>ms</c>; meta-paths
/// <c>ms -ul-> ap</c> (data path), <c>ap -iai-> ap</c> (interference, with a self-loop for SI), <c>ap -dl-> ms</c> and
/// <c>ms -imi-> ms</c> (with a self-loop); one edge feature, the distance (self-loops 0). Node features list the
/// equivalent gains in index order (eq. 10): an AP holds <c>ω_l·m</c> for every MS, subcarrier-major, then
/// <c>P_l, ξ_l^SI, ξ_l^IAI</c>; an MS holds <c>υ_·dm̄</c> for every AP, then <c>P_d, ξ_d^SI, ξ_d^IMI</c>. Because the
/// entries inside a feature vector follow the other type's labels, models on this graph are equivariant to the
/// storage order of nodes but not to relabelling (spec §12 items 22–23); <see cref="CfHgnnEqGraph"/> is the variant that is.
/// In the adaptive modes the vectors are zero-padded to the model's maximum widths; in Case 2 (clustered) an AP holds
/// only its served MS's gains and an MS only its cluster's, and data-path edges exist only inside clusters.
/// </summary>
public sealed class CfHgnnGraph
{
    public static readonly Relation Uplink = new("ms", "ul", "ap", edgeFeatureCount: 1);
    public static readonly Relation InterAp = new("ap", "iai", "ap", edgeFeatureCount: 1);
    public static readonly Relation Downlink = new("ap", "dl", "ms", edgeFeatureCount: 1);
    public static readonly Relation InterMs = new("ms", "imi", "ms", edgeFeatureCount: 1);
    public static readonly Relation[] MetaPaths = { Uplink, InterAp, Downlink, InterMs };

    private readonly CfHgnnConfig _config;

    public CfHgnnGraph(CfHgnnConfig config)
    {
        _config = config;
        var p = config.Problem;
        (ApFeatures, MsFeatures, ApOutputs, MsOutputs) = config.Mode switch
        {
            CfHgnnMode.Dedicated => (p.Mss * p.DlSubcarriers + 3, p.Aps * p.UlSubcarriers + 3, p.Mss * p.DlSubcarriers, p.UlSubcarriers),
            CfHgnnMode.Adaptive => (p.Antennas * config.MaxDlSubcarriers + 3, config.MaxAps * config.MaxUlSubcarriers + 3,
                p.Antennas * config.MaxDlSubcarriers, config.MaxUlSubcarriers),
            _ => (config.MaxDlSubcarriers + 3, p.ClusterCap * config.MaxUlSubcarriers + 3, config.MaxDlSubcarriers, config.MaxUlSubcarriers),
        };
        Schema = new GraphSchema(new[] { new NodeType("ap", ApFeatures), new NodeType("ms", MsFeatures) }, MetaPaths);
    }

    public GraphSchema Schema { get; }
    /// <summary>Input widths F_AP and F_MS (the maxima in the adaptive modes).</summary>
    public int ApFeatures { get; }
    public int MsFeatures { get; }
    /// <summary>Output widths of the PA heads (the maxima in the adaptive modes).</summary>
    public int ApOutputs { get; }
    public int MsOutputs { get; }

    /// <summary>The graph of one layout; throws when the layout exceeds what this model's sizes hold.</summary>
    public HeteroGraph Build(MddCellFreeInstance x)
    {
        CheckFits(x);
        bool clustered = _config.Mode == CfHgnnMode.LargeScale;
        var ap = new float[x.Aps, ApFeatures];
        var ms = new float[x.Mss, MsFeatures];
        for (int l = 0; l < x.Aps; l++)
        {
            if (clustered)
            {
                int served = ServedMs(x, l);
                if (served >= 0)
                    for (int m = 0; m < x.DlSubcarriers; m++) ap[l, m] = EncodeOmega(x.Omega[l, served, m]);
            }
            else
                for (int m = 0; m < x.DlSubcarriers; m++)
                    for (int d = 0; d < x.Mss; d++) ap[l, ApSlot(x, d, m)] = EncodeOmega(x.Omega[l, d, m]);
            WriteScalars(ap, l, ScalarStart(ApFeatures, clustered ? x.DlSubcarriers : x.Mss * x.DlSubcarriers),
                x.ApBudget[l], x.ApSelfInterference[l], x.InterAp[l]);
        }
        for (int d = 0; d < x.Mss; d++)
        {
            var aps = clustered ? x.ServingAps(d) : Enumerable.Range(0, x.Aps).ToArray();
            int stride = _config.Packing == FeaturePacking.SlotAligned && _config.Mode != CfHgnnMode.Dedicated
                ? (clustered ? _config.Problem.ClusterCap : _config.MaxAps) : aps.Length;
            for (int m = 0; m < x.UlSubcarriers; m++)
                for (int k = 0; k < aps.Length; k++) ms[d, m * stride + k] = EncodeUpsilon(x.Upsilon[aps[k], d, m]);
            WriteScalars(ms, d, ScalarStart(MsFeatures, aps.Length * x.UlSubcarriers), x.MsBudget[d], x.MsSelfInterference[d], x.InterMs[d]);
        }

        var builder = new HeteroGraphBuilder(Schema).AddNodes("ap", ap).AddNodes("ms", ms);
        float[] ApMs(int l, int d) => new[] { Distance(x.ApPositions, l, x.MsPositions, d) };
        float[] Aps(int a, int b) => new[] { a == b ? 0f : Distance(x.ApPositions, a, x.ApPositions, b) };
        float[] Mss(int a, int b) => new[] { a == b ? 0f : Distance(x.MsPositions, a, x.MsPositions, b) };
        builder.AddWhere(Uplink, (d, l) => x.Serves[l, d], (d, l) => ApMs(l, d));
        builder.AddWhere(Downlink, (l, d) => x.Serves[l, d], ApMs);
        builder.AddWhere(InterAp, (_, _) => true, Aps);
        builder.AddWhere(InterMs, (_, _) => true, Mss);
        return builder.Build();
    }

    /// <summary>
    /// Where each DL power <c>p_ldm</c> sits in AP l's output vector, <c>[L, D, M]</c>; <see cref="ApOutputs"/> for
    /// pairs the AP does not serve (the decoder reads a zero there).
    /// </summary>
    public int[,,] ApOutputSlots(MddCellFreeInstance x)
    {
        var slots = new int[x.Aps, x.Mss, x.DlSubcarriers];
        for (int l = 0; l < x.Aps; l++)
        {
            int served = _config.Mode == CfHgnnMode.LargeScale ? ServedMs(x, l) : -1;
            for (int d = 0; d < x.Mss; d++)
                for (int m = 0; m < x.DlSubcarriers; m++)
                    slots[l, d, m] = !x.Serves[l, d] ? ApOutputs
                        : _config.Mode == CfHgnnMode.LargeScale ? (d == served ? m : ApOutputs)
                        : ApSlot(x, d, m);
        }
        return slots;
    }

    /// <summary>Throws naming the size that exceeds what this model was built for.</summary>
    public void CheckFits(MddCellFreeInstance x)
    {
        var p = _config.Problem;
        switch (_config.Mode)
        {
            case CfHgnnMode.Dedicated:
                Fits(x.Aps == p.Aps, "problem.aps", x.Aps, $"exactly {p.Aps} (a dedicated model serves one size; use mode Adaptive)");
                Fits(x.Mss == p.Mss, "problem.mss", x.Mss, $"exactly {p.Mss}");
                Fits(x.DlSubcarriers == p.DlSubcarriers, "problem.dlSubcarriers", x.DlSubcarriers, $"exactly {p.DlSubcarriers}");
                Fits(x.UlSubcarriers == p.UlSubcarriers, "problem.ulSubcarriers", x.UlSubcarriers, $"exactly {p.UlSubcarriers}");
                break;
            case CfHgnnMode.Adaptive:
                Fits(x.Aps <= _config.MaxAps, "problem.aps", x.Aps, $"1..{_config.MaxAps} (L' of this model)");
                Fits(x.Mss <= p.Antennas, "problem.mss", x.Mss, $"1..{p.Antennas} (N: ZF serves at most N MSs per AP)");
                Fits(x.DlSubcarriers <= _config.MaxDlSubcarriers, "problem.dlSubcarriers", x.DlSubcarriers, $"1..{_config.MaxDlSubcarriers}");
                Fits(x.UlSubcarriers <= _config.MaxUlSubcarriers, "problem.ulSubcarriers", x.UlSubcarriers, $"1..{_config.MaxUlSubcarriers}");
                break;
            default:
                Fits(x.DlSubcarriers <= _config.MaxDlSubcarriers, "problem.dlSubcarriers", x.DlSubcarriers, $"1..{_config.MaxDlSubcarriers}");
                Fits(x.UlSubcarriers <= _config.MaxUlSubcarriers, "problem.ulSubcarriers", x.UlSubcarriers, $"1..{_config.MaxUlSubcarriers}");
                for (int d = 0; d < x.Mss; d++)
                    Fits(x.ServingAps(d).Length <= p.ClusterCap, $"cluster of MS {d}", x.ServingAps(d).Length, $"at most problem.clusterCap = {p.ClusterCap} APs");
                for (int l = 0; l < x.Aps; l++)
                    Fits(Enumerable.Range(0, x.Mss).Count(d => x.Serves[l, d]) <= 1, "serves", l, "at most one MS per AP in Case 2");
                break;
        }
    }

    private static void Fits(bool ok, string field, int value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(field, value, $"{field} = {value} does not fit this CF-HGNN model; expected {expected}.");
    }

    private int ApSlot(MddCellFreeInstance x, int d, int m) =>
        m * (_config.Packing == FeaturePacking.SlotAligned && _config.Mode == CfHgnnMode.Adaptive ? _config.Problem.Antennas : x.Mss) + d;

    private int ScalarStart(int width, int contiguousValues) =>
        _config.Packing == FeaturePacking.SlotAligned && _config.Mode != CfHgnnMode.Dedicated ? width - 3 : contiguousValues;

    private static int ServedMs(MddCellFreeInstance x, int l)
    {
        for (int d = 0; d < x.Mss; d++) if (x.Serves[l, d]) return d;
        return -1;
    }

    private void WriteScalars(float[,] features, int row, int start, double budget, double selfInterference, double crossLink)
    {
        features[row, start] = EncodeScalar(budget);
        features[row, start + 1] = EncodeScalar(selfInterference);
        features[row, start + 2] = EncodeScalar(crossLink);
    }

    private float EncodeOmega(double omega) => _config.Encoding == FeatureEncoding.Log ? (float)Math.Log10(omega * omega) : (float)omega;
    private float EncodeUpsilon(double upsilon) => _config.Encoding == FeatureEncoding.Log ? (float)-Math.Log10(upsilon) : (float)upsilon;
    private float EncodeScalar(double value) => _config.Encoding == FeatureEncoding.Log ? (float)Math.Log10(value) : (float)value;

    /// <summary>The distance edge feature: metres over <see cref="CfHgnnConfig.DistanceScale"/>.</summary>
    private float Distance(double[,] a, int i, double[,] b, int j) => (float)(MddCellFreeInstance.Distance(a, i, b, j) / _config.DistanceScale);
}
