using TorchSharp;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.MultiTask;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>A batch of channel realisations on a device.</summary>
public sealed class CmtsslBatch : IDisposable
{
    public required MecCellFreeTensors Problem { get; init; }
    public void Dispose() => Problem.Dispose();
}

/// <summary>
/// CMTSSL and DMTSSL (Zheng, He, Huang, Quek, arXiv 2412.16565; spec mec-cmtssl.md): label-free multi-task learning of
/// joint subcarrier allocation and beamforming in a MEC-aided cell-free downlink. The network proposes beamformers,
/// allocation scores and per-task loss weights; the loss is the uncertainty-weighted joint loss of the sum-rate task,
/// the per-user rate tasks and the per-SBS full-power tasks. Two plugins share this class: <c>cmtssl</c> (one network at
/// the MBS) and <c>dmtssl</c> (one network per SBS, the loss at the MBS, an explicit SBS/MBS exchange). Model and
/// baselines (RSA+ZFBF, GSA+ZFBF) are scored by <see cref="DownlinkRate"/> on the raw decision (no projection).
/// </summary>
public sealed class CmtsslPlugin : ModelPlugin<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>
{
    public const string SumRateMetric = "sum_rate_bps_hz";

    /// <summary>The sum rate of a sample that meets every minimum rate and budget, 0 for one that does not.</summary>
    public const string FeasibleSumRateMetric = "feasible_sum_rate_bps_hz";

    /// <summary>Seed of the realisations the input scale c_H is measured on (distinct from training, validation and test seeds).</summary>
    public const int ScaleSeed = 3_000_001;

    /// <summary>Seed of the test realisations of <c>train</c>/<c>eval</c> and of the reproduction.</summary>
    public const int TestSeed = 4_000_001;

    public CmtsslPlugin(bool distributed = false)
    {
        Distributed = distributed;
        Info = distributed
            ? new PluginInfo("dmtssl", "Joint subcarrier allocation and beamforming in MEC-aided cell-free networks (sum rate, bit/s/Hz)",
                "C. Zheng, S. He, Y. Huang, T. Q. S. Quek, Learning for Cross-Layer Resource Allocation in MEC-Aided Cell-Free Networks (arXiv 2412.16565)",
                "DMTSSL: one MLP per SBS, joint multi-task loss at the MBS, vs RSA+ZFBF / GSA+ZFBF; DATL for a new SBS", "1.0.0")
            : new PluginInfo("cmtssl", "Joint subcarrier allocation and beamforming in MEC-aided cell-free networks (sum rate, bit/s/Hz)",
                "C. Zheng, S. He, Y. Huang, T. Q. S. Quek, Learning for Cross-Layer Resource Allocation in MEC-Aided Cell-Free Networks (arXiv 2412.16565)",
                "CMTSSL: centralised MLP, self-supervised uncertainty-weighted multi-task loss (NFL/EL/Huber), vs RSA+ZFBF / GSA+ZFBF", "1.0.0");
    }

    public bool Distributed { get; }
    public override PluginInfo Info { get; }
    public override string PrimaryMetric => SumRateMetric;

    /// <summary>
    /// The paper's settings (spec §7) with the scheme of each algorithm's best Table II entry (CMTSSL: NFL; DMTSSL: EL) and
    /// learning rate 1e-3 for both (see <see cref="CmtsslReproductionOptions.CentralisedLearningRate"/> for why not the
    /// paper's γ_C = 1e-2); with <paramref name="quick"/> a smoke version: hidden widths 128-256-128, 2,000 training
    /// samples, 40 steps per model, 200 test samples, one extra point per sweep, one DATL system with one placement, and 100
    /// gradient-ascent steps per sample for the reference rows.
    /// </summary>
    public override CmtsslConfig DefaultConfig(bool quick)
    {
        var paper = new CmtsslConfig();
        var config = paper with
        {
            Loss = paper.Loss with { Scheme = Distributed ? LossScheme.Scheme2 : LossScheme.Scheme1 },
            Training = paper.Training with { LearningRate = Distributed ? paper.Reproduction.DistributedLearningRate : paper.Reproduction.CentralisedLearningRate },
        };
        if (!quick) return config;
        return config with
        {
            TestInstances = 200, ScaleInstances = 200, Hidden = new[] { 128, 256, 128 },
            Training = config.Training with { Steps = 40, TrainInstances = 2_000, ValidationInstances = 200, ValidateEvery = 20 },
            Reproduction = new CmtsslReproductionOptions
            {
                TestInstances = 200, SweepSbss = new[] { 2, 3 }, SweepSubcarriers = new[] { 2, 4 }, SweepUsers = new[] { 6, 10 },
                DatlSbss = new[] { 3 }, DatlPlacements = 1,
                References = new[] { new GradientAscentOptions { Iterations = 100, RateCap = 1.5 }, new GradientAscentOptions { Iterations = 100, RateCap = 5 } },
            },
        };
    }

    /// <summary><c>reproduce</c> runs Table II, Figs. 6–8 (<see cref="CmtsslReproduction"/>); train and eval are one experiment.</summary>
    public override ExperimentOutcome Run(ExperimentRequest request) =>
        request.Mode == ExperimentMode.Reproduce ? new CmtsslReproduction(this).Run(request) : base.Run(request);

    /// <summary>Realisation k is drawn with seed + k (the sampler's contract; cached solutions are keyed by it).</summary>
    public override bool ConsecutiveSeeds => true;

    public override IReadOnlyList<MecCellFreeInstance> Sample(CmtsslConfig config, int count, int seed) =>
        MecCellFreeDataset.Get(config.Problem, count, seed);

    public override CmtsslBatch Prepare(IReadOnlyList<MecCellFreeInstance> instances, CmtsslConfig config, Device device) =>
        new() { Problem = MecCellFreeTensors.From(instances, config.Problem, device) };

    /// <summary>
    /// c_H: the RMS of |H| over <see cref="CmtsslConfig.ScaleInstances"/> realisations of the system drawn with
    /// <see cref="ScaleSeed"/>. Deviation from spec §5.2 [R] (the training set): the network is built before the trainer
    /// draws its seeded pool, and a fixed set of the same distribution gives the same constant up to sampling noise.
    /// </summary>
    public static double InputScale(CmtsslConfig config)
    {
        double sum = 0;
        long count = 0;
        foreach (var x in MecCellFreeDataset.Get(config.Problem, config.ScaleInstances, ScaleSeed))
            foreach (var h in x.Channel)
            {
                sum += h.Real * h.Real + h.Imaginary * h.Imaginary;
                count++;
            }
        return Math.Sqrt(sum / count);
    }

    public override nn.Module CreateNetwork(CmtsslConfig config)
    {
        config.Validate();
        double scale = InputScale(config);
        return Distributed ? new DmtsslNetwork(config, scale) : new CmtsslNetwork(config, scale);
    }

    /// <summary>
    /// CMTSSL: the joint loss of the centralised proposal. DMTSSL: every SBS reports its proposal, the MBS returns the loss
    /// and each SBS's gradient (<see cref="MacroBaseStation.Critique"/>), and each SBS back-propagates its own feedback; the
    /// returned tensor has the loss's value and, with respect to each SBS's weights, exactly that SBS's gradient.
    /// </summary>
    public override Tensor Loss(nn.Module network, CmtsslBatch batch, CmtsslConfig config)
    {
        if (network is not DmtsslNetwork dmtssl)
            return MacroBaseStation.JointLoss(((IAllocationNetwork)network).Propose(batch.Problem), batch.Problem, config);
        var reports = Enumerable.Range(0, dmtssl.Locals.Count).Select(b => dmtssl.Report(b, batch.Problem)).ToList();
        var (loss, feedback) = MacroBaseStation.Critique(reports, batch.Problem, config);
        var updates = reports.Select((r, b) => MacroBaseStation.Backpropagate(r, feedback[b])).ToArray();
        return loss + stack(updates).sum();
    }

    /// <summary>Lower bound K·ln(β_floor) of the joint loss with non-negative task losses; crossing it is divergence.</summary>
    public override double LossLowerBound(CmtsslConfig config) =>
        UncertaintyWeighting.LowerBound(config.Problem.Tasks, config.BetaFloor) - 1e-3;

    /// <summary>
    /// The raw beamformers and the binary allocation, as the flat row of <see cref="Allocation.Flatten"/>; refined per
    /// sample when <see cref="CmtsslConfig.Refinement"/> is set.
    /// </summary>
    public override Tensor Decide(nn.Module network, CmtsslBatch batch, CmtsslConfig config)
    {
        var proposal = ((IAllocationNetwork)network).Propose(batch.Problem);
        var y = AllocationHead.ToAllocation(proposal, config.SaGradient, training: false, config.BudgetLayerW);
        return (config.Refinement is { } refinement ? GradientAscentAllocation.Solve(batch.Problem, refinement, y) : y).Flatten();
    }

    public override Tensor ToDecision(IReadOnlyList<double[]> decisions, CmtsslBatch batch)
    {
        var p = batch.Problem;
        long width = Allocation.FlatWidth(p.Sbss, p.Subcarriers, p.Users, p.TxAntennas);
        if (decisions.Count != p.Samples) throw new ArgumentException($"decisions: {decisions.Count} rows; expected {p.Samples}.", nameof(decisions));
        for (int s = 0; s < decisions.Count; s++)
            if (decisions[s].Length != width) throw new ArgumentException($"decisions[{s}]: {decisions[s].Length} values; expected {width}.", nameof(decisions));
        return tensor(decisions.SelectMany(d => d).ToArray(), new[] { p.Samples, width }).to(p.ChannelRe.dtype, p.ChannelRe.device);
    }

    /// <summary>
    /// Scores in float64: sum rate (primary, raw decision), min-rate met by every user, the sum rate where both
    /// constraints hold (0 elsewhere), the fraction of users meeting the min rate,
    /// power within every budget (relative tolerance 1e-6), both, mean excess power <c>max(0, P_b − P_max)</c>, mean SBS power, and the sum rate and min-rate
    /// feasibility after projecting each SBS onto its budget (spec §7.3).
    /// </summary>
    public override IReadOnlyDictionary<string, double[]> Score(Tensor decision, CmtsslBatch batch)
    {
        using var scope = NewDisposeScope();
        using var p = batch.Problem.To(ScalarType.Float64);
        var y = Allocation.Unflatten(decision.to_type(ScalarType.Float64), p.Sbss, p.Subcarriers, p.Users, p.TxAntennas);
        var t = DownlinkRate.Tasks(p, y);
        var userMet = t.RateGaps <= 1e-9;
        var rateMet = userMet.all(-1);
        var powerMet = (t.Powers <= p.PowerMaxW * (1 + 1e-6)).all(-1);
        var projected = DownlinkRate.Tasks(p, DownlinkRate.ProjectOntoBudget(y, p.PowerMaxW));
        return new Dictionary<string, double[]>
        {
            [SumRateMetric] = ToArray(t.SumRate),
            ["min_rate_met"] = ToArray(rateMet),
            [FeasibleSumRateMetric] = ToArray(where(rateMet & powerMet, t.SumRate, zeros_like(t.SumRate))),
            ["users_min_rate_met"] = ToArray(userMet.to_type(ScalarType.Float64).mean(new long[] { -1 })),
            ["power_met"] = ToArray(powerMet),
            ["constraints_met"] = ToArray(rateMet & powerMet),
            ["power_excess_w"] = ToArray(t.PowerGaps.relu().mean(new long[] { -1 })),
            ["mean_sbs_power_w"] = ToArray(t.Powers.mean(new long[] { -1 })),
            ["sum_rate_projected"] = ToArray(projected.SumRate),
            ["min_rate_met_projected"] = ToArray((projected.RateGaps <= 1e-9).all(-1)),
        };
    }

    public override IReadOnlyList<Baseline<MecCellFreeInstance>> Baselines(CmtsslConfig config) => new Baseline<MecCellFreeInstance>[]
    {
        new("rsa_zfbf", (x, rng) => ZeroForcingAllocation.Solve(x, config.Problem.SbsPowerW, config.BaselineUsers, UserSelection.Random, rng)),
        new("gsa_zfbf", (x, rng) => ZeroForcingAllocation.Solve(x, config.Problem.SbsPowerW, config.BaselineUsers, UserSelection.Greedy, rng)),
    };

    public override IReadOnlyList<EvaluationSet<CmtsslConfig>> EvaluationSets(CmtsslConfig config) => new[]
    {
        new EvaluationSet<CmtsslConfig>($"B={config.Problem.TotalSbss} I={config.Problem.Users} N={config.Problem.Subcarriers}", config, config.TestInstances, TestSeed),
    };

    /// <summary>Table II at B = 3, I = 10, N = 4: the paper's sum rate of this algorithm with its loss scheme, only where
    /// the test samples are at Table II's setting.</summary>
    public override IReadOnlyDictionary<string, double> PaperNumbers(CmtsslConfig config) =>
        CmtsslPaper.IsTableIISetting(config.Problem) && CmtsslPaper.TableII(Distributed, config.Loss.Scheme) is { } value
            ? new Dictionary<string, double> { [$"table_ii_{config.Loss.Scheme}_{SumRateMetric}"] = value }
            : new Dictionary<string, double>();

    public override string? SchemaDescription(CmtsslConfig config) =>
        Distributed ? $"{config.Problem.TotalSbss} SBS MLPs, input [Re H^b, Im H^b]/c_H" : "one MLP, input [Re H, Im H]/c_H";
}
