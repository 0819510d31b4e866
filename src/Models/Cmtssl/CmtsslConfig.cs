using WirelessGnn.Graphs;
using WirelessGnn.Models.MultiTask;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.MecCellFree;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>How the sigmoid outputs become complex beamformers (spec §5.3).</summary>
public enum BeamformerMapping
{
    /// <summary><c>Re w = o_re, Im w = o_im</c> in √W: every entry in the first quadrant (the paper's, default).</summary>
    Paper,
    /// <summary><c>Re w = 2o_re − 1, Im w = 2o_im − 1</c>: any phase (ablation).</summary>
    Symmetric,
    /// <summary>
    /// Deviation (spec §9 item 4 leaves the mapping open): a matched filter in the span of the link's own channel,
    /// <c>w^b_{n,i} = √M_t · H^b_{n,i} c / ‖H^b_{n,i}‖_F</c> with <c>c = (2o_re − 1) + j(2o_im − 1) ∈ C^{M_r}</c>, so the
    /// network chooses a receive-combining direction and an amplitude per (b, n, i) (2·M_r units instead of 2·M_t) and
    /// every beam is phase-aligned with its user's channel by construction; <c>‖w‖² ≤ 2·M_t·M_r</c> W.
    /// </summary>
    Matched,
    /// <summary>
    /// Deviation, like <see cref="Matched"/>: the direction of a matched filter, <c>H^b_{n,i} c / ‖H^b_{n,i} c‖</c>, and
    /// a share of the SBS's whole budget, <c>‖w^b_{n,i}‖² = P_max·softmax_{(n,i)}(ln‖H^b_{n,i}‖_F² + κ·(2o_p − 1))</c>
    /// with κ = <see cref="AllocationHead.ShareLogitRange"/>, so an untrained network gives each link power in proportion
    /// to its gain and the network moves that by up to e^{±κ}; 2·M_r + 1 units per link, and every SBS always spends
    /// exactly P_max over its scheduled links or less.
    /// </summary>
    PowerShares,
}

/// <summary>The residual of the exact rate penalty (<see cref="MacroBaseStation.RatePenaltyResiduals"/>).</summary>
public enum RatePenalty
{
    /// <summary>
    /// <c>t − r_i</c>, bit/s/Hz. A weak user's rate grows with its power at a slope of its SNR, so μ must be very large
    /// (hundreds) to buy its power from the strong users.
    /// </summary>
    Gap,
    /// <summary>
    /// <c>log2(t / r_i)</c>: at low SNR r_i ∝ P_i, so a weak user's penalty falls by μ per doubling of its power whatever
    /// its SNR; a few units of μ compete with the sum rate.
    /// </summary>
    LogRatio,
}

/// <summary>How the decision layer passes gradients from the binary allocation v to the scores v̄ (spec §5.4).</summary>
public enum SaGradient
{
    /// <summary>Forward <c>v = 1[v̄ &gt; 0.5]</c>, backward <c>∂v/∂v̄ = 1</c> (default).</summary>
    StraightThrough,
    /// <summary>Train on v̄ itself; threshold only at test time.</summary>
    RelaxedDuringTraining,
    /// <summary>Binary v with no gradient: v̄ keeps its initial values.</summary>
    None,
}

/// <summary>The experiments of <c>wgnn reproduce cmtssl</c> (spec §8): which sweep points, how many test samples, which schemes.</summary>
public sealed record CmtsslReproductionOptions
{
    /// <summary>Test realisations per table row and sweep point.</summary>
    public int TestInstances { get; init; } = 2000;
    /// <summary>Loss schemes of Table II (both algorithms are trained with each).</summary>
    public LossScheme[] TableSchemes { get; init; } =
        { LossScheme.Scheme1, LossScheme.Scheme2, LossScheme.Baseline1, LossScheme.Baseline2, LossScheme.Baseline3 };
    /// <summary>Scheme of CMTSSL in the sweeps and DATL (the paper's best for it: NFL).</summary>
    public LossScheme CentralisedScheme { get; init; } = LossScheme.Scheme1;
    /// <summary>Scheme of DMTSSL in the sweeps and DATL (the paper's best for it: EL).</summary>
    public LossScheme DistributedScheme { get; init; } = LossScheme.Scheme2;
    /// <summary>
    /// Adam learning rate of every CMTSSL model, (0, 1]. Deviation: the paper's γ_C = 1e-2 (spec §7.1) drove every
    /// allocation score into the flat end of its sigmoid within the first 20 steps here (the first steps push all power
    /// down, Adam moves every weight by about the learning rate per step), after which v = 0 everywhere and the test sum
    /// rate was 0; at 1e-3 (γ_D) it trains. <c>--set reproduction.centralisedLearningRate=0.01</c> restores the paper's value.
    /// </summary>
    public double CentralisedLearningRate { get; init; } = 1e-3;
    /// <summary>Adam learning rate of every DMTSSL model (spec §7.1: γ_D = 1e-3), (0, 1].</summary>
    public double DistributedLearningRate { get; init; } = 1e-3;
    /// <summary>Fig. 6(a): B values (I, N at the defaults).</summary>
    public int[] SweepSbss { get; init; } = { 2, 3, 4, 5, 6 };
    /// <summary>Fig. 6(b): N values.</summary>
    public int[] SweepSubcarriers { get; init; } = { 2, 4, 6, 8 };
    /// <summary>Fig. 6(c): I values.</summary>
    public int[] SweepUsers { get; init; } = { 4, 6, 8, 10, 12, 16, 20 };
    /// <summary>Fig. 7: FLOPs are counted over these ranges (no training needed).</summary>
    public int[] FlopSbss { get; init; } = { 2, 3, 4, 5, 6, 8, 10 };
    public int[] FlopUsers { get; init; } = { 4, 6, 8, 10, 12, 16, 20, 30, 40 };
    public int[] FlopSubcarriers { get; init; } = { 2, 4, 6, 8, 12, 16 };
    /// <summary>Fig. 8: original SBS counts B of the B+1 DATL systems.</summary>
    public int[] DatlSbss { get; init; } = { 3, 4, 5 };
    /// <summary>New-SBS placements per DATL system (uniform in the disc); each needs one retrained DMTSSL.</summary>
    public int DatlPlacements { get; init; } = 10;
    /// <summary>
    /// The per-sample gradient-ascent references of Table II (not in the paper; <see cref="GradientAscentAllocation"/>):
    /// how far the sum rate and the min-rate feasibility can go on these channels, one row each; by default one that caps
    /// the rates of its soft minimum at 1.5·r^min (sum rate first once r^min is met) and one at 5·r^min (more margin, so
    /// more samples meet every minimum rate). An empty list leaves them out.
    /// </summary>
    public GradientAscentOptions[] References { get; init; } = { new() { RateCap = 1.5 }, new() { RateCap = 5 } };
    /// <summary>
    /// A reference run at every Fig. 6 point (not in the paper; off by default, it costs about 0.3 s per sample at 2,000
    /// steps): the share of samples on which it meets every constraint is printed beside each point, a lower bound on how many are
    /// feasible at all, against which the 95 % goal can be read. A max-min setting suits it:
    /// <c>--set 'reproduction.sweepFeasibility={"rateCap":1,"iterations":2000,"sumRateWeight":0}'</c>.
    /// </summary>
    public GradientAscentOptions? SweepFeasibility { get; init; }

    public void Validate()
    {
        Require.InRange(TestInstances, 1, 1_000_000, "reproduction.testInstances");
        Require.InRange(DatlPlacements, 0, 100, "reproduction.datlPlacements");
        for (int k = 0; k < References.Length; k++) References[k].Validate($"reproduction.references[{k}].");
        SweepFeasibility?.Validate("reproduction.sweepFeasibility.");
        Require.Valid(CentralisedLearningRate is > 0 and <= 1, "reproduction.centralisedLearningRate", CentralisedLearningRate, "(0, 1]");
        Require.Valid(DistributedLearningRate is > 0 and <= 1, "reproduction.distributedLearningRate", DistributedLearningRate, "(0, 1]");
        foreach (var (name, values, max) in new[] { ("sweepSbss", SweepSbss, 16), ("sweepSubcarriers", SweepSubcarriers, 64), ("sweepUsers", SweepUsers, 64),
                     ("flopSbss", FlopSbss, 1000), ("flopUsers", FlopUsers, 1000), ("flopSubcarriers", FlopSubcarriers, 1000), ("datlSbss", DatlSbss, 15) })
            for (int k = 0; k < values.Length; k++) Require.InRange(values[k], 1, max, $"reproduction.{name}[{k}]");
    }
}

/// <summary>Settings of the CMTSSL / DMTSSL plugins: the system, the loss, the network, decoding, test set and training.</summary>
public sealed record CmtsslConfig : IPluginConfig
{
    public MecCellFreeConfig Problem { get; init; } = new();
    /// <summary>Loss scheme and its hyper-parameters (spec §4).</summary>
    public MultiTaskLoss Loss { get; init; } = new();
    /// <summary>Hidden widths of the backbone MLP, each FC -> BatchNorm -> ReLU (spec §5.1: 512, 1024, 512).</summary>
    public int[] Hidden { get; init; } = { 512, 1024, 512 };
    /// <summary>
    /// Deviation from the spec's [R] default (Paper), which §9 item 4 leaves open: <see cref="BeamformerMapping.PowerShares"/>.
    /// Measured at B=3, I=10, N=4 with 500 test samples (GSA+ZFBF 9.88):
    /// <list type="bullet">
    /// <item>With the paper's first-quadrant mapping, CMTSSL stayed at 1.5–1.7 bit/s/Hz (1,000–1,500 steps; symmetric: 1.7)
    /// whatever the learning rate or β floor.</item>
    /// <item>Matched beams lifted it to 4.4–9.2 before the link gains, and CMTSSL Scheme 2 to 10.38 after 4,000 steps with
    /// them.</item>
    /// <item>Power shares: 13.75 after the same 4,000 steps (DMTSSL: 13.28). A trained matched network gave each (SBS,
    /// subcarrier)'s largest power to its strongest link on 44 % of them, against 93 % for a per-sample sum-rate optimum
    /// over the same beams. Even with no network, power in proportion to gain along H c with c = e₁ reaches 10.8.</item>
    /// </list>
    /// <c>--set mapping=Matched</c> or <c>--set mapping=Paper</c> restores the others.
    /// </summary>
    public BeamformerMapping Mapping { get; init; } = BeamformerMapping.PowerShares;
    public SaGradient SaGradient { get; init; } = SaGradient.StraightThrough;
    /// <summary>
    /// Deviation from spec §5.2 (input: Re H and Im H only): append the link gains <c>log10 ‖H^b_{n,i}‖_F²</c> (relative to
    /// c_H², one per link) to the input. They are a function of H, so the network sees no new information, but a ReLU MLP
    /// cannot easily form a sum of squares of its inputs, and which link is strong is what the allocation hinges on
    /// (their cost, 2·M_t·M_r MACs per link, is counted). Measured at B=3, I=10, N=4, DMTSSL, 1,000 steps, 500 test
    /// samples: 7.00 bit/s/Hz without, 10.38 with (GSA+ZFBF 9.88). <c>--set linkGains=false</c> restores the paper's input.
    /// </summary>
    public bool LinkGains { get; init; } = true;
    /// <summary>
    /// Deviation (the paper scores raw sigmoid outputs, spec §7.3): a budget layer after the decision scales each SBS's
    /// beamformers onto P_max when they exceed it, <c>w^b ← w^b·min(1, √(P_max/P_b))</c>, in training and inference, so
    /// every decision meets the power budgets; the Huber power task still pulls P_b up to P_max. Without it the
    /// uncertainty weighting lets a task that does badly fade (its β grows as √(2L/K)), and the raw decisions exceeded
    /// the budget on 88–99 % of samples here.
    /// </summary>
    public bool BudgetLayer { get; init; } = true;
    /// <summary>The budget of the budget layer, or null without it.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public double? BudgetLayerW => BudgetLayer ? Problem.SbsPowerW : null;
    /// <summary>
    /// Margin m of the loss's minimum rate, 0..100 (not in the paper, whose loss aims at r^min: m = 0, the default): the rate
    /// tasks and the exact rate penalty aim at <c>(1 + m)·r^min</c> while scoring keeps r^min, so that users the network
    /// only just serves on its training batches still meet r^min on unseen samples (as <c>qosMargin</c> does for CF-HGNN).
    /// Measured with CMTSSL Scheme 2, κ = 100, 4,000 steps, 500 test samples: every minimum rate met on 19 % of samples
    /// with m = 0, 24 % with m = 1 and 26 % with m = 4.
    /// </summary>
    public double MinRateMargin { get; init; }
    /// <summary>
    /// What the exact rate penalty (<c>loss.exactPenalty</c> μ, 0 by default: off) prices. Its default, LogRatio, is a
    /// deviation for a penalty the paper does not have. Measured with CMTSSL Scheme 2, m = 1, 4,000 steps, 500 test samples:
    /// Gap with μ = 300 met every minimum rate on 66 % of samples at 6.76 bit/s/Hz, LogRatio with μ = 3 on 66 % at 7.75.
    /// </summary>
    public RatePenalty RatePenalty { get; init; } = RatePenalty.LogRatio;
    /// <summary>
    /// Not in the paper; null (off) by default. A per-sample refinement of every decision: <see cref="GradientAscentAllocation"/>
    /// started from the network's allocation (its v kept, its beams projected onto the budget) for
    /// <c>refinement.iterations</c> Adam steps on the same rate model, first every user to <c>rateCap</c>·r^min, then the sum
    /// rate. It runs wherever the model decides (validation, test, timing); Fig. 7's FLOPs do not count it.
    /// <c>--set 'refinement={"iterations":50}'</c>.
    /// </summary>
    public GradientAscentOptions? Refinement { get; init; }
    /// <summary>Floor of the loss weights β (spec §5.3), (0, 1).</summary>
    public double BetaFloor { get; init; } = 1e-3;
    /// <summary>Realisations the input scale c_H (RMS of |H|) is measured on, 1..10^6.</summary>
    public int ScaleInstances { get; init; } = 1000;
    /// <summary>Test realisations of <c>wgnn train/eval</c>, 1..10^6.</summary>
    public int TestInstances { get; init; } = 2000;
    /// <summary>Users per (SBS, subcarrier) of the ZFBF baselines, U_max (spec §6.2: 2), 1..M_t.</summary>
    public int BaselineUsers { get; init; } = 2;

    /// <summary>
    /// Spec §7.3: 2,000 validation samples, S = 100, 100 epochs of 200 steps, Adam at γ_C = 1e-2 (DMTSSL: 1e-3), no schedule
    /// or clipping. Deviation from its [R] 20,000 training samples: fresh realisations every step (<c>TrainInstances = 0</c>;
    /// the training is label-free, so data cost nothing but sampling). On the 20,000-sample pool the network memorised:
    /// sum rate 8.2 on training realisations against 6.8 on unseen ones after 1,500 steps, and 7.2 on unseen ones when
    /// trained on fresh samples. <c>--set training.trainInstances=20000</c> restores the pool.
    /// </summary>
    public TrainingOptions Training { get; init; } = new()
    {
        Steps = 20_000, BatchSize = 100, TrainInstances = 0, ValidationInstances = 2_000, ValidateEvery = 200,
        LearningRate = 1e-2, Schedule = LearningRateSchedule.Constant, ClipGradientNorm = 0,
    };

    public CmtsslReproductionOptions Reproduction { get; init; } = new();

    public void Validate()
    {
        Problem.Validate("problem.");
        Loss.Validate();
        Require.Valid(Hidden.Length >= 1, "hidden", Hidden.Length, "at least one width");
        for (int k = 0; k < Hidden.Length; k++) Require.InRange(Hidden[k], 1, 65536, $"hidden[{k}]");
        Require.Valid(BetaFloor is > 0 and < 1, "betaFloor", BetaFloor, "(0, 1)");
        Require.Valid(MinRateMargin is >= 0 and <= 100, "minRateMargin", MinRateMargin, "0..100");
        Require.InRange(ScaleInstances, 1, 1_000_000, "scaleInstances");
        Require.InRange(TestInstances, 1, 1_000_000, "testInstances");
        Require.InRange(BaselineUsers, 1, Problem.TxAntennas, "baselineUsers");
        Refinement?.Validate("refinement.");
        Training.Validate();
        Reproduction.Validate();
    }
}
