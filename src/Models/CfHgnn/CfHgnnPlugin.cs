using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Evaluation;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Problems.MddCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Models.CfHgnn;

/// <summary>
/// CF-HGNN (Li, Yang, Maunder, Sun, Xiao): unsupervised power allocation in MDD cell-free massive MIMO with a
/// heterogeneous GNN (spec cf-hgnn.md), against QT-SCA, greedy unfair water-filling and equal power, all scored by
/// <see cref="SpectralEfficiency"/>. Two plugins share this class: <c>cf-hgnn</c>, the paper's model in its three modes,
/// and <c>cf-hgnn-eq</c>, the permutation-equivariant variant whose per-link quantities are edge features.
/// Decisions are the raw outputs; scoring projects them onto the power budgets (spec §6.5) and reports how often the
/// raw outputs already met them.
/// </summary>
public sealed class CfHgnnPlugin : ModelPlugin<CfHgnnConfig, MddCellFreeInstance, CfHgnnBatch>
{
    public const string SpectralEfficiencyMetric = "se_nats";

    private readonly bool _equivariant;

    public CfHgnnPlugin(bool equivariant = false)
    {
        _equivariant = equivariant;
        Info = equivariant
            ? new PluginInfo("cf-hgnn-eq", "Power allocation in MDD cell-free massive MIMO (SE, nats/s/Hz)",
                "Beyond Li et al. (CF-HGNN, arXiv): per-link gains as edge features",
                "Permutation-equivariant heterogeneous AP/MS GNN for any L and D, vs QT-SCA / greedy / equal power", "1.0.0")
            : new PluginInfo("cf-hgnn", "Power allocation in MDD cell-free massive MIMO (SE, nats/s/Hz)",
                "B. Li, L.-L. Yang, R. G. Maunder, S. Sun, P. Xiao, Heterogeneous GNN for Power Allocation in MDD Cell-Free Massive MIMO (arXiv)",
                "CF-HGNN (DCF / ACF / LSACF): meta-path message passing with attention, unsupervised, vs QT-SCA / greedy / equal power", "1.0.0");
    }

    public override PluginInfo Info { get; }
    public bool Equivariant => _equivariant;
    public override string PrimaryMetric => SpectralEfficiencyMetric;

    /// <summary>
    /// Validation selects by the SE minus the loss's QoS penalties on the projected outputs (spec A18 keeps the best
    /// validation loss): selecting by SE alone would prefer weights that switch the UL off.
    /// </summary>
    public override string ValidationMetric => PenalisedMetric;
    public const string PenalisedMetric = "se_minus_qos_penalties";

    /// <summary>
    /// The paper's settings (spec §6.7, §7.2), or with <paramref name="quick"/> a small version: 60 steps of 32 layouts per
    /// model, 32 test layouts, one Table III size, two Table V rows and one Table VI row of 8 layouts each.
    /// </summary>
    public override CfHgnnConfig DefaultConfig(bool quick) => PaperDefaults(quick) with
    {
        // cf-hgnn-eq (beyond the paper) decodes budget shares by default; cf-hgnn keeps the paper's ReLU heads.
        PowerHead = _equivariant ? PowerHead.BudgetShares : PowerHead.Relu,
    };

    private static CfHgnnConfig PaperDefaults(bool quick) => quick
        ? new CfHgnnConfig
        {
            Hidden = 64, TestInstances = 32,
            Training = new CfHgnnConfig().Training with { Steps = 60, BatchSize = 32, TrainInstances = 1_024, ValidationInstances = 64, ValidateEvery = 20, LearningRate = 2e-3 },
            Reproduction = new CfHgnnReproductionOptions
            {
                TableInstances = 8, CellSizes = new double[] { 200 }, DedicatedPerCellSize = false, DedicatedPerTableVRow = false,
                TableVRows = new[] { new SizeOverride(24, 6, 4, 2), new SizeOverride(12, 6, 4, 2) },
                TableVIRows = new[] { new ClusteredSize(400, 24, 12) }, LatencyLayouts = 10,
            },
        }
        : new CfHgnnConfig();

    /// <summary><c>reproduce</c> of the paper's plugin runs every table (<see cref="CfHgnnReproduction"/>); everything else is one experiment.</summary>
    public override Experiments.ExperimentOutcome Run(Experiments.ExperimentRequest request) =>
        request.Mode == Experiments.ExperimentMode.Reproduce && !_equivariant ? new CfHgnnReproduction(this).Run(request) : base.Run(request);

    /// <summary>Realisation k is drawn with seed + k (the sampler's contract; cached solutions are keyed by it).</summary>
    public override bool ConsecutiveSeeds => true;

    public override IReadOnlyList<MddCellFreeInstance> Sample(CfHgnnConfig config, int count, int seed)
    {
        if (config.TrainingMix.Count == 0) return new MddCellFreeSampler(config.Problem).Sample(count, seed);
        // Each layout draws its size from the mix with its own seeded generator, then its layout with seed + index.
        var samplers = config.TrainingMix.Select(s => new MddCellFreeSampler(s.Apply(config.Problem))).ToArray();
        return Enumerable.Range(0, count)
            .Select(i => samplers[new Random(unchecked(seed * 7919 + i)).Next(samplers.Length)].Sample(1, unchecked(seed + i))[0])
            .ToList();
    }

    public override CfHgnnBatch Prepare(IReadOnlyList<MddCellFreeInstance> instances, CfHgnnConfig config, Device device)
    {
        using var scope = NewDisposeScope();
        var problem = MddCellFreeTensors.From(instances, device).Detach();
        GraphBatch graphs;
        Tensor? slots = null;
        if (_equivariant)
        {
            var graph = new CfHgnnEqGraph(config);
            graphs = GraphBatch.Collate(instances.Select(graph.Build).ToList(), device);
        }
        else
        {
            var graph = new CfHgnnGraph(config);
            graphs = GraphBatch.Collate(instances.Select(graph.Build).ToList(), device);
            slots = ApSlotTensor(graph, instances, problem, device).DetachFromDisposeScope();
        }
        return new CfHgnnBatch { Graphs = graphs, Problem = problem, ApSlots = slots, Kappa = config.Kappa };
    }

    private static Tensor ApSlotTensor(CfHgnnGraph graph, IReadOnlyList<MddCellFreeInstance> instances, MddCellFreeTensors problem, Device device)
    {
        long b = problem.Omega.shape[0], l = problem.Omega.shape[1], d = problem.Omega.shape[2], m = problem.Omega.shape[3];
        var slots = new long[b * l * d * m];
        Array.Fill(slots, graph.ApOutputs);
        for (int n = 0; n < instances.Count; n++)
        {
            var s = graph.ApOutputSlots(instances[n]);
            for (int i = 0; i < s.GetLength(0); i++)
                for (int j = 0; j < s.GetLength(1); j++)
                    for (int k = 0; k < s.GetLength(2); k++) slots[((n * l + i) * d + j) * m + k] = s[i, j, k];
        }
        return tensor(slots, new[] { b, l, d * m }, device: device);
    }

    public override nn.Module CreateNetwork(CfHgnnConfig config) => _equivariant
        ? new CfHgnnEqNetwork(config, new CfHgnnEqGraph(config))
        : new CfHgnnNetwork(config, new CfHgnnGraph(config));

    /// <summary>The raw power allocation of the network: DL <c>[B, L, D, M]</c> and UL <c>[B, D, M̄]</c>, W, ≥ 0.</summary>
    public (Tensor Ap, Tensor Ms) Powers(nn.Module network, CfHgnnBatch batch, CfHgnnConfig config)
    {
        var view = batch.Graphs.View(GraphLayout.Dense);
        var (ap, ms) = ((nn.Module<GraphView, (Tensor, Tensor)>)network).call(view);
        var p = batch.Problem;
        long b = p.Omega.shape[0], l = p.Omega.shape[1], d = p.Omega.shape[2], m = p.Omega.shape[3], mb = p.Upsilon.shape[3];
        bool shares = config.PowerHead == PowerHead.BudgetShares;
        // The paper's network with budget shares ends each node's outputs with its share logit; the equivariant network
        // (no slots) decodes its own shares.
        bool paperShares = shares && batch.ApSlots is not null;
        var apShare = paperShares ? ap[.., .., -1] : null;
        var msShare = paperShares ? ms[.., .., -1] : null;
        if (paperShares) ap = ap.narrow(-1, 0, ap.shape[^1] - 1);
        if (batch.ApSlots is { } slots)
        {
            // Append a zero column for the slots of unserved pairs and padding, then read each p_ldm from its slot.
            var withZero = cat(new[] { ap, zeros(b, ap.shape[1], 1, dtype: ap.dtype, device: ap.device) }, -1);
            ap = withZero.gather(-1, slots).reshape(b, l, d, m);
        }
        ms = ms.narrow(-1, 0, mb);
        if (paperShares)
        {
            // Scores plus ln ω²_ldm, split over each AP's served (d, m) and each MS's UL subcarriers.
            var valid = p.Serves.unsqueeze(-1) * p.DlMask.unsqueeze(1).unsqueeze(1) * p.ApMask.unsqueeze(-1).unsqueeze(-1);   // [B, L, D, M]
            var prior = (2 * p.Omega.clamp_min(1e-30).log()).to(ap.dtype).masked_fill(valid == 0, 0);
            ap = BudgetSplit.Fractions((ap + prior).reshape(b, l, -1), valid.reshape(b, l, -1), apShare!).reshape(b, l, d, m);
            ms = BudgetSplit.Fractions(ms, p.UlMask.unsqueeze(1).expand_as(ms) * p.MsMask.unsqueeze(-1), msShare!);
        }
        if (config.ScaleOutputsByBudget || shares)
        {
            ap = ap * p.ApBudget.unsqueeze(-1).unsqueeze(-1);
            ms = ms * p.MsBudget.unsqueeze(-1);
        }
        return (ap * p.Serves.unsqueeze(-1) * p.DlMask.unsqueeze(1).unsqueeze(1), ms * p.MsMask.unsqueeze(-1) * p.UlMask.unsqueeze(1));
    }

    /// <summary>Eq. (14): −Λ_SE plus ReLU penalties on the DL/UL QoS and the MS/AP budgets, on the raw outputs; batch mean.</summary>
    public override Tensor Loss(nn.Module network, CfHgnnBatch batch, CfHgnnConfig config)
    {
        var (ap, ms) = Powers(network, batch, config);
        return LossOf(batch.Problem, ap, ms, config);
    }

    /// <summary>The loss of eq. (14) for given powers (public for tests).</summary>
    public static Tensor LossOf(MddCellFreeTensors problem, Tensor ap, Tensor ms, CfHgnnConfig config)
    {
        var (q, t) = SpectralEfficiency.Totals(problem, ap, ms);
        if (config.ProjectInLoss) (ap, ms) = SpectralEfficiency.Project(problem, ap, ms);
        var se = SpectralEfficiency.Evaluate(problem, ap, ms, config.LossEpsilon);
        var k = config.Kappa;
        var perGraph = -se.Value + QosPenalty(problem, se, k, 1 + config.QosMargin)
                       + (k[2] * (t - problem.MsBudget).relu() * problem.MsMask).sum(-1)
                       + (k[3] * (q - problem.ApBudget).relu() * problem.ApMask).sum(-1);
        return perGraph.mean();
    }

    /// <summary>
    /// The QoS terms of eq. (14) per layout, <c>[B]</c>: <c>Σ_d κ1·ReLU(s·χ_DL − R_d^DL) + κ2·ReLU(s·χ_UL − R_d^UL)</c>, with the targets
    /// scaled by <paramref name="scale"/> (1 in scoring; 1 + <see cref="CfHgnnConfig.QosMargin"/> in the loss).
    /// </summary>
    private static Tensor QosPenalty(MddCellFreeTensors problem, SpectralEfficiencyTensors se, double[] kappa, double scale = 1) =>
        ((kappa[0] * (scale * problem.DlQos.unsqueeze(-1) - se.DlRate).relu() + kappa[1] * (scale * problem.UlQos.unsqueeze(-1) - se.UlRate).relu()) * problem.MsMask).sum(-1);

    /// <summary>
    /// The outputs as one decision row per layout: DL powers (l, d, m) then UL powers (d, m̄), padded; with
    /// <see cref="CfHgnnConfig.UplinkQosFloor"/>, the UL powers of MSs short of their UL QoS are first raised to it.
    /// </summary>
    public override Tensor Decide(nn.Module network, CfHgnnBatch batch, CfHgnnConfig config)
    {
        var (ap, ms) = Powers(network, batch, config);
        if (config.UplinkQosFloor) ms = SpectralEfficiency.RaiseUplinkToQos(batch.Problem, ap, ms);
        return cat(new[] { ap.flatten(1), ms.flatten(1) }, 1);
    }

    public override Tensor ToDecision(IReadOnlyList<double[]> decisions, CfHgnnBatch batch)
    {
        var p = batch.Problem;
        long b = p.Omega.shape[0], l = p.Omega.shape[1], d = p.Omega.shape[2], m = p.Omega.shape[3], mb = p.Upsilon.shape[3];
        if (decisions.Count != b) throw new ArgumentException($"decisions: {decisions.Count} layouts; expected {b}.", nameof(decisions));
        var ap = new double[b * l * d * m];
        var ms = new double[b * d * mb];
        var aps = p.ApMask.sum(-1).to(ScalarType.Int64).data<long>().ToArray();
        var mss = p.MsMask.sum(-1).to(ScalarType.Int64).data<long>().ToArray();
        var dls = p.DlMask.sum(-1).to(ScalarType.Int64).data<long>().ToArray();
        var uls = p.UlMask.sum(-1).to(ScalarType.Int64).data<long>().ToArray();
        for (int n = 0; n < b; n++)
        {
            var x = MddPowers.FromVector(decisions[n], (int)aps[n], (int)mss[n], (int)dls[n], (int)uls[n]);
            for (int i = 0; i < aps[n]; i++)
                for (int j = 0; j < mss[n]; j++)
                    for (int k = 0; k < dls[n]; k++) ap[((n * l + i) * d + j) * m + k] = x.Ap[i, j, k];
            for (int j = 0; j < mss[n]; j++)
                for (int k = 0; k < uls[n]; k++) ms[(n * d + j) * mb + k] = x.Ms[j, k];
        }
        var dtype = p.Omega.dtype;
        return cat(new[] { tensor(ap, new[] { b, l * d * m }).to(dtype, p.Omega.device), tensor(ms, new[] { b, d * mb }).to(dtype, p.Omega.device) }, 1);
    }

    /// <summary>
    /// Projects the decision onto the budgets and scores it in float64: SE (primary), SE minus the QoS penalties, DL/UL QoS met by every MS (0/1),
    /// raw decision within every budget (0/1, relative tolerance 1e-6), mean AP and MS power.
    /// </summary>
    public override IReadOnlyDictionary<string, double[]> Score(Tensor decision, CfHgnnBatch batch)
    {
        using var scope = NewDisposeScope();
        using var p = batch.Problem.To(ScalarType.Float64);
        var (ap, ms) = Split(decision.to_type(ScalarType.Float64), p);
        var (rawQ, rawT) = SpectralEfficiency.Totals(p, ap, ms);
        var budgetsMet = ((rawQ <= p.ApBudget * (1 + 1e-6)) | (p.ApMask == 0)).all(-1) & ((rawT <= p.MsBudget * (1 + 1e-6)) | (p.MsMask == 0)).all(-1);
        (ap, ms) = SpectralEfficiency.Project(p, ap, ms);
        var se = SpectralEfficiency.Evaluate(p, ap, ms);
        var (q, t) = SpectralEfficiency.Totals(p, ap, ms);
        var dlMet = ((se.DlRate >= p.DlQos.unsqueeze(-1) - 1e-6) | (p.MsMask == 0)).all(-1);
        var ulMet = ((se.UlRate >= p.UlQos.unsqueeze(-1) - 1e-6) | (p.MsMask == 0)).all(-1);
        return new Dictionary<string, double[]>
        {
            [SpectralEfficiencyMetric] = ToArray(se.Value),
            [PenalisedMetric] = ToArray(se.Value - QosPenalty(p, se, batch.Kappa)),
            ["dl_qos_met"] = ToArray(dlMet),
            ["ul_qos_met"] = ToArray(ulMet),
            ["budgets_met_raw"] = ToArray(budgetsMet),
            ["mean_ap_power_w"] = ToArray(q.sum(-1) / p.ApMask.sum(-1)),
            ["mean_ms_power_w"] = ToArray(t.sum(-1) / p.MsMask.sum(-1)),
        };
    }

    /// <summary>A decision row split into DL <c>[B, L, D, M]</c> and UL <c>[B, D, M̄]</c> powers.</summary>
    public static (Tensor Ap, Tensor Ms) Split(Tensor decision, MddCellFreeTensors p)
    {
        long b = p.Omega.shape[0], l = p.Omega.shape[1], d = p.Omega.shape[2], m = p.Omega.shape[3], mb = p.Upsilon.shape[3];
        Require.Shape(decision, "decision", b, l * d * m + d * mb);
        return (decision.narrow(1, 0, l * d * m).reshape(b, l, d, m), decision.narrow(1, l * d * m, d * mb).reshape(b, d, mb));
    }

    public override IReadOnlyList<Baseline<MddCellFreeInstance>> Baselines(CfHgnnConfig config)
    {
        var baselines = new List<Baseline<MddCellFreeInstance>>();
        if (config.IncludeQtSca) baselines.Add(QtScaBaseline(config));
        baselines.Add(new("greedy", (x, _) => GreedyUnfair.Allocate(x).ToVector()));
        baselines.Add(new("equal_power", (x, _) => EqualPower.Allocate(x).ToVector()));
        return baselines;
    }

    /// <summary>QT-SCA (spec §4.1), with its solutions cached per layout seed under <see cref="CfHgnnConfig.CacheDirectory"/>.</summary>
    public static Baseline<MddCellFreeInstance> QtScaBaseline(CfHgnnConfig config)
    {
        var options = new QtScaOptions { InfeasibleFallback = config.QtScaFallback };
        var baseline = new Baseline<MddCellFreeInstance>("qt_sca", (x, _) => QtSca.Solve(x, options).Powers.ToVector());
        if (string.IsNullOrEmpty(config.CacheDirectory)) return baseline;
        // v2: the fallback on QoS-infeasible layouts became a setting (v1 solutions were the phase-I points).
        var cache = new SolutionCache(config.CacheDirectory, $"qt_sca-v2-{config.QtScaFallback}", ConfigBinder.ToJson(config.Problem).ToJsonString());
        string Key(MddCellFreeInstance x) => $"{x.Aps}x{x.Mss}x{x.DlSubcarriers}x{x.UlSubcarriers}_{x.Seed}";
        return baseline with
        {
            Recall = x => x.Seed < 0 ? null : cache.Recall(Key(x)),
            Remember = (x, decision, seconds) => { if (x.Seed >= 0) cache.Remember(Key(x), decision, seconds); },
        };
    }

    /// <summary>The test layouts at <see cref="CfHgnnConfig.Problem"/>'s size, also for a model trained on a mix of sizes.</summary>
    public override IReadOnlyList<EvaluationSet<CfHgnnConfig>> EvaluationSets(CfHgnnConfig config) => new[]
    {
        new EvaluationSet<CfHgnnConfig>($"L={config.Problem.Aps} D={config.Problem.Mss}", config with { TrainingMix = Array.Empty<SizeOverride>() }, config.TestInstances, 2_000_001),
    };

    /// <summary>The paper's row of Table V, III or VI at the test layouts' size, if the paper has one.</summary>
    public override IReadOnlyDictionary<string, double> PaperNumbers(CfHgnnConfig config) => CfHgnnPaper.RowOf(config.Problem);

    public override string? SchemaDescription(CfHgnnConfig config) =>
        _equivariant ? new CfHgnnEqGraph(config).Schema.ToString() : new CfHgnnGraph(config).Schema.ToString();
}
