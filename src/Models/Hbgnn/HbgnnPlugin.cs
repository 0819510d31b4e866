using System.Runtime.CompilerServices;
using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Evaluation;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.UltraDenseHetNet;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>
/// HBGNN (Zhang, Zhang, Yang; spec hbgnn.md): joint user association and power allocation in a heterogeneous
/// ultra-dense network with a heterogeneous bipartite GNN, trained offline by GRL (labels from JUAPCMWSER weighted 10,
/// minus the relaxed global rate weighted 1) and fine-tuned online per scene by SRL (<see cref="SrlFineTuning"/>), against
/// MARAMP, MSUAMP, MSUAPC, UAMWSER and JUAPCMWSER, all scored by <see cref="GlobalRate"/> at one-hot associations.
/// Decisions are one row per scene: the serving BS of every UE (−1 on padding), then every BS's power in watts.
/// </summary>
public sealed class HbgnnPlugin : ModelPlugin<HbgnnConfig, HetNetScene, HbgnnBatch>
{
    public const string RateMetric = "global_rate_bps_hz";

    private readonly ConditionalWeakTable<HetNetScene, Tuple<HetNetGraph, HeteroGraph, int[][]>> _graphs = new();

    public override PluginInfo Info { get; } = new("hbgnn", "Joint user association and power allocation in heterogeneous ultra-dense networks (global rate, bit/s/Hz)",
        "X. Zhang, Z. Zhang, L. Yang, Learning-Based Resource Allocation in Heterogeneous Ultra Dense Network",
        "HBGNN (bipartite 1st/2nd-order kernels, dynamic-temperature UA head), GRL + SRL, vs MARAMP / MSUAMP / MSUAPC / UAMWSER / JUAPCMWSER", "1.0.0");

    public override string PrimaryMetric => RateMetric;

    /// <summary>The labels GRL trains on (solved once per scene, cached on disk).</summary>
    public HbgnnLabels Labels { get; } = new();

    /// <summary>
    /// The paper's setup, or with <paramref name="quick"/> a reduced scene (2 macro + 30 small BSs, 40 UEs, 8 buildings in
    /// 120 m): 250 steps of 32 at a raised learning rate, 50 test scenes, SRL (60 iterations) on 5 of them. Deviations in the
    /// quick preset only: GRL without the supervised term (w_s = 0), and the edge-scorer association head. With JUAPCMWSER
    /// labels the supervised term slowed GRL in every short run we made (validation 19.4 at step 300 with w_s = 10, 23.1
    /// with w_s = 1, 25.2 without; edge scorer, T = 1 cross-entropy); the edge scorer gave 24.8 against the slot head's 17.1
    /// after 250 steps (README, HBGNN section).
    /// </summary>
    public override HbgnnConfig DefaultConfig(bool quick) => quick
        ? new HbgnnConfig
        {
            Problem = new UltraDenseHetNetConfig { AreaSide = 120, MacroBss = 2, SmallBss = 30, Ues = 40, Buildings = 8 },
            Candidates = 8, BsFeatureSlots = 16, TestInstances = 50, SupervisedWeight = 0, Labels = LabelSource.None, UaHead = UaHead.EdgeScorer,
            SrlMaxIterations = 60, SrlWindow = 20, SrlLearningRate = 1e-3,
            Training = new HbgnnConfig().Training with { Steps = 250, BatchSize = 32, TrainInstances = 512, ValidationInstances = 64, ValidateEvery = 25, LearningRate = 2e-3 },
            Reproduction = new HbgnnReproductionOptions
            {
                SrlScenes = 5, SweepUes = new[] { 30, 40, 50 }, SweepSmallBss = new[] { 20, 30, 40 }, SweepScenes = 20, SweepSrlScenes = 2, CountNeuralBaselines = true,
            },
        }
        : new HbgnnConfig();

    /// <summary>Train and reproduce first solve (or load) the labels of the training pool, with progress lines; reproduce runs <see cref="HbgnnReproduction"/>.</summary>
    public override ExperimentOutcome Run(ExperimentRequest request)
    {
        if (request.Mode != ExperimentMode.Evaluate)
        {
            var config = new Experiment<HbgnnConfig, HetNetScene, HbgnnBatch>(this).ResolveConfig(request);
            WarmLabels(config, request.Seed, request.Log ?? (_ => { }));
        }
        return request.Mode == ExperimentMode.Reproduce ? new HbgnnReproduction(this).Run(request) : base.Run(request);
    }

    /// <summary>Solves the labels of the trainer's pool for <paramref name="seed"/> before training.</summary>
    public void WarmLabels(HbgnnConfig config, int seed, Action<string> log)
    {
        if (config.SupervisedWeight == 0 || config.Labels == LabelSource.None || config.Training.TrainInstances == 0) return;
        Labels.Warm(Sample(config, config.Training.TrainInstances, Trainer<HbgnnConfig, HetNetScene, HbgnnBatch>.TrainSeed(seed)), config, log);
    }

    public override IReadOnlyList<HetNetScene> Sample(HbgnnConfig config, int count, int seed) => new HetNetSampler(config.Problem).Sample(count, seed);

    /// <summary>The graph and candidate lists of a scene, built once per scene object and graph setting.</summary>
    public (HeteroGraph Graph, int[][] Candidates) GraphOf(HetNetScene scene, HetNetGraph graph)
    {
        if (_graphs.TryGetValue(scene, out var known) && known.Item1.Candidates == graph.Candidates && known.Item1.BsFeatureSlots == graph.BsFeatureSlots
            && known.Item1.EdgeThresholdDb == graph.EdgeThresholdDb && ReferenceEquals(known.Item2.Schema, graph.Schema))
            return (known.Item2, known.Item3);
        var (g, c) = graph.Build(scene);
        _graphs.AddOrUpdate(scene, Tuple.Create(graph, g, c));
        return (g, c);
    }

    private readonly Dictionary<(int, int, double), HetNetGraph> _graphSettings = new();

    /// <summary>One <see cref="HetNetGraph"/> (one schema) per graph setting, so cached graphs of one setting batch together.</summary>
    public HetNetGraph Graph(HbgnnConfig config)
    {
        lock (_graphSettings)
        {
            var key = (config.Candidates, config.BsFeatureSlots, config.EdgeThresholdDb);
            if (!_graphSettings.TryGetValue(key, out var g)) _graphSettings[key] = g = new HetNetGraph(config);
            return g;
        }
    }

    public override HbgnnBatch Prepare(IReadOnlyList<HetNetScene> instances, HbgnnConfig config, Device device)
    {
        var graph = Graph(config);
        var built = instances.Select(s => GraphOf(s, graph)).ToList();
        int b = instances.Count, ues = instances.Max(s => s.Ues), k = config.Candidates;
        var candidates = new long[b * ues * k];
        var mask = new float[b * ues * k];
        for (int n = 0; n < b; n++)
            for (int i = 0; i < built[n].Candidates.Length; i++)
                for (int s = 0; s < built[n].Candidates[i].Length; s++)
                {
                    candidates[(n * ues + i) * k + s] = built[n].Candidates[i][s];
                    mask[(n * ues + i) * k + s] = 1;
                }
        var (gain, pmax, ueMask) = GlobalRate.ToTensors(instances, device);
        return new HbgnnBatch
        {
            Scenes = instances,
            Graphs = GraphBatch.Collate(built.Select(x => x.Graph).ToList(), device),
            GainOverNoise = gain.DetachFromDisposeScope(),
            MaxPower = pmax.DetachFromDisposeScope(),
            UeMask = ueMask.DetachFromDisposeScope(),
            CandidateBs = tensor(candidates, new long[] { b, ues, k }, device: device).DetachFromDisposeScope(),
            CandidateMask = tensor(mask, new long[] { b, ues, k }, device: device).DetachFromDisposeScope(),
            SinrMode = config.Problem.SinrMode,
            SilenceIdleBs = config.Problem.SilenceIdleBs,
        };
    }

    public override nn.Module CreateNetwork(HbgnnConfig config) => new HbgnnNetwork(config, Graph(config));

    /// <summary>Slot scores <c>[B, I, K]</c> and powers in watts <c>[B, J]</c>.</summary>
    public static (Tensor Scores, Tensor Power) Forward(nn.Module network, HbgnnBatch batch)
    {
        var (scores, fraction) = ((HbgnnNetwork)network).call(batch.Graphs.View(GraphLayout.Dense), batch.CandidateBs);
        return (scores, fraction * batch.MaxPower);
    }

    /// <summary>
    /// The temperature softmax over each UE's candidate slots <c>[B, I, K]</c> and the soft association x̂ <c>[B, I, J]</c> it
    /// scatters to the candidates' BSs (zero elsewhere).
    /// </summary>
    public static (Tensor Probabilities, Tensor Association) SoftAssociation(Tensor scores, HbgnnBatch batch, double temperature)
    {
        var probabilities = TemperatureSoftmax.Probabilities(scores, batch.CandidateMask, temperature);
        var association = zeros(new[] { scores.shape[0], batch.Ues, batch.Bss }, dtype: probabilities.dtype, device: probabilities.device)
            .scatter_add(2, batch.CandidateBs, probabilities);
        return (probabilities, association);
    }

    /// <summary>The decision rows <c>[B, I + J]</c> of slot scores and powers: the hard association, then the powers.</summary>
    public static Tensor DecisionRows(Tensor scores, Tensor power, HbgnnBatch batch) =>
        cat(new[] { HardAssociation(scores, batch).to(power.dtype), power }, 1);

    /// <summary>The serving BS of every UE, the candidate of the largest score (independent of T); −1 on padded UEs. <c>[B, I]</c> int64.</summary>
    public static Tensor HardAssociation(Tensor scores, HbgnnBatch batch)
    {
        var slot = scores.masked_fill(batch.CandidateMask.eq(0), double.NegativeInfinity).argmax(-1, keepdim: true);
        return batch.CandidateBs.gather(2, slot).squeeze(-1).masked_fill(batch.UeMask.eq(0), -1);
    }

    /// <summary>The relaxed global rate R̂ per scene <c>[B]</c> (spec §2.3).</summary>
    public static Tensor RelaxedRate(Tensor association, Tensor power, HbgnnBatch batch) =>
        GlobalRate.Total(batch.GainOverNoise, association, power, batch.SinrMode, batch.SilenceIdleBs);

    /// <summary>
    /// GRL loss (spec §5.1): <c>w_s L_s − w_r R̂</c> (− <c>w_e L_ent</c> with <see cref="HbgnnConfig.GrlEntropy"/>), batch mean. Afterwards the
    /// temperature is set from this step's largest x̂ (leaving out single-candidate UEs) for the next step (spec §4.5).
    /// </summary>
    public override Tensor Loss(nn.Module network, HbgnnBatch batch, HbgnnConfig config)
    {
        var net = (HbgnnNetwork)network;
        var (scores, power) = Forward(network, batch);
        double temperature = net.Temperature;
        var (probabilities, association) = SoftAssociation(scores, batch, temperature);
        var loss = -config.RateWeight * RelaxedRate(association, power, batch).mean();
        if (config.SupervisedWeight > 0 && config.Labels != LabelSource.None)
            loss = loss + config.SupervisedWeight * Supervised(scores, power, batch, config, config.SupervisedAtOutputTemperature ? temperature : 1).mean();
        if (config.GrlEntropy) loss = loss - config.EntropyWeight * Entropy(scores, batch).mean();
        UpdateTemperature(net, probabilities, batch, config);
        return loss;
    }

    /// <summary>
    /// <c>L_s</c> per scene <c>[B]</c>: the cross-entropy of the label's BS under the temperature softmax (floored at 1e-12;
    /// UEs whose label BS is not a candidate are skipped) plus the MSE of the normalised powers <c>p/p_max</c> (spec §5.1).
    /// </summary>
    public Tensor Supervised(Tensor scores, Tensor power, HbgnnBatch batch, HbgnnConfig config, double temperature)
    {
        long b = scores.shape[0], ues = batch.Ues, bss = batch.Bss, k = scores.shape[2];
        var slots = new long[b * ues];
        var fractions = new float[b * bss];
        Array.Fill(slots, -1);
        var candidates = batch.CandidateBs.cpu().data<long>().ToArray();
        var mask = batch.CandidateMask.cpu().data<float>().ToArray();
        for (int n = 0; n < b; n++)
        {
            var scene = batch.Scenes[n];
            var label = Labels.For(scene, config);
            for (int i = 0; i < scene.Ues; i++)
                for (int s = 0; s < k; s++)
                    if (mask[(n * ues + i) * k + s] > 0 && candidates[(n * ues + i) * k + s] == label.Association[i]) { slots[n * ues + i] = s; break; }
            for (int j = 0; j < scene.Bss; j++) fractions[n * bss + j] = (float)(label.Power[j] / scene.MaxPower[j]);
        }
        var slot = tensor(slots, new[] { b, ues }, device: scores.device);
        var logP = TemperatureSoftmax.LogProbabilities(scores, batch.CandidateMask, temperature);
        var crossEntropy = -(logP.gather(2, slot.clamp_min(0).unsqueeze(-1)).squeeze(-1) * slot.ge(0).to(logP.dtype)).sum(-1);
        var real = batch.MaxPower.gt(0).to(power.dtype);
        var fraction = power / batch.MaxPower.clamp_min(1e-30);
        var mse = ((fraction - tensor(fractions, new[] { b, bss }, device: scores.device)).square() * real).sum(-1) / real.sum(-1);
        return crossEntropy + mse;
    }

    /// <summary><c>L_ent</c> per scene <c>[B]</c>: the entropy of each UE's temperature-1 softmax over its candidates, summed over UEs.</summary>
    public static Tensor Entropy(Tensor scores, HbgnnBatch batch) => TemperatureSoftmax.Entropy(scores, batch.CandidateMask).sum(-1);

    /// <summary>T ← clip(T(x̂_max)), x̂_max the largest entry over UEs with more than one candidate (spec §4.5, [R]).</summary>
    public static void UpdateTemperature(HbgnnNetwork network, Tensor probabilities, HbgnnBatch batch, HbgnnConfig config)
    {
        if (NextTemperature(probabilities, batch, config) is { } t) network.Temperature = t;
    }

    /// <summary>The temperature after x̂ <c>[B, I, K]</c> (spec §4.5); null when no UE has more than one candidate.</summary>
    public static double? NextTemperature(Tensor probabilities, HbgnnBatch batch, HbgnnConfig config)
    {
        using var noGrad = no_grad();
        var several = batch.CandidateMask.sum(-1, keepdim: true).gt(1);
        if (!several.any().item<bool>()) return null;
        double max = probabilities.detach().masked_fill(several.logical_not(), 0).max().item<float>();
        return new DynamicTemperature(config.MinTemperature, config.MaxTemperature).Of(Math.Clamp(max, 0, 1));
    }

    public override Tensor Decide(nn.Module network, HbgnnBatch batch, HbgnnConfig config)
    {
        var (scores, power) = Forward(network, batch);
        return DecisionRows(scores, power, batch);
    }

    public override Tensor ToDecision(IReadOnlyList<double[]> decisions, HbgnnBatch batch)
    {
        long b = batch.GainOverNoise.shape[0], ues = batch.Ues, bss = batch.Bss;
        if (decisions.Count != b) throw new ArgumentException($"decisions: {decisions.Count} scenes; expected {b}.", nameof(decisions));
        var rows = new float[b * (ues + bss)];
        for (int n = 0; n < b; n++)
        {
            var scene = batch.Scenes[n];
            var d = HetNetDecision.FromVector(decisions[n], scene.Ues, scene.Bss);
            for (int i = 0; i < ues; i++) rows[n * (ues + bss) + i] = i < scene.Ues ? d.Association[i] : -1;
            for (int j = 0; j < scene.Bss; j++) rows[n * (ues + bss) + ues + j] = (float)d.Power[j];
        }
        return tensor(rows, new[] { b, ues + bss }, device: batch.GainOverNoise.device);
    }

    /// <summary>Splits a decision row into the serving BSs <c>[B, I]</c> (int64, −1 on padding) and the powers <c>[B, J]</c>.</summary>
    public static (Tensor Association, Tensor Power) Split(Tensor decision, HbgnnBatch batch)
    {
        Require.Shape(decision, "decision", batch.GainOverNoise.shape[0], batch.Ues + batch.Bss);
        return (decision.narrow(1, 0, batch.Ues).round().to(ScalarType.Int64), decision.narrow(1, batch.Ues, batch.Bss));
    }

    /// <summary>Per-UE effective rates <c>[B, I]</c> of a decision (float64, 0 on padding), by the one objective.</summary>
    public static Tensor UeRates(Tensor decision, HbgnnBatch batch)
    {
        var (association, power) = Split(decision, batch);
        var x = GlobalRate.OneHot(association, batch.Bss).to(ScalarType.Float64);
        return GlobalRate.UeRates(batch.GainOverNoise.to(ScalarType.Float64), x, power.to(ScalarType.Float64), SinrMode.PaperRelaxed, batch.SilenceIdleBs);
    }

    /// <summary>
    /// Scores decisions in float64: the global rate R (primary), BSs that serve someone at non-zero power, and whether a
    /// power left its box <c>[0, p_max,j]</c> (0/1, relative tolerance 1e-6).
    /// </summary>
    public override IReadOnlyDictionary<string, double[]> Score(Tensor decision, HbgnnBatch batch)
    {
        using var scope = NewDisposeScope();
        var (association, power) = Split(decision, batch);
        var rate = UeRates(decision, batch).sum(-1);
        var load = GlobalRate.OneHot(association, batch.Bss).sum(1);
        var active = (load.gt(0) & power.gt(0)).sum(-1);
        var outside = (power.lt(0) | power.gt(batch.MaxPower * (1 + 1e-6)) | power.isfinite().logical_not()).any(-1);
        return new Dictionary<string, double[]>
        {
            [RateMetric] = ToArray(rate),
            ["active_bss"] = ToArray(active),
            ["power_violation"] = ToArray(outside),
        };
    }

    /// <summary>The paper's names of the baselines, in Table III's order.</summary>
    public static readonly string[] BaselineNames = { "maramp", "msuamp", "msuapc", "uamwser", "juapcmwser" };

    public override IReadOnlyList<Baseline<HetNetScene>> Baselines(HbgnnConfig config)
    {
        var solvers = new Func<HetNetScene, HetNetDecision>[] { Maramp.Solve, Msuamp.Solve, Msuapc.Solve, Uamwser.Solve, Juapcmwser.Solve, s => RelaxedAscent.Solve(this, s, config) };
        return BaselineNames.Append(RelaxedAscent.Name).Select((name, n) => (name, n)).Where(x => config.Baselines.Contains(x.name))
            .Select(x => Cached(new Baseline<HetNetScene>(x.name, (s, _) => solvers[x.n](s).ToVector()), config)).ToList();
    }

    /// <summary>A baseline whose solutions are kept in the solution cache (per problem config and scene seed), where one is configured.</summary>
    public static Baseline<HetNetScene> Cached(Baseline<HetNetScene> baseline, HbgnnConfig config)
    {
        if (string.IsNullOrEmpty(config.CacheDirectory)) return baseline;
        var cache = BaselineCache(baseline.Name, config);
        return baseline with
        {
            Recall = s => s.Seed < 0 ? null : cache.Recall(s.Seed.ToString()),
            Remember = (s, decision, seconds) => { if (s.Seed >= 0) cache.Remember(s.Seed.ToString(), decision, seconds); },
        };
    }

    /// <summary>A baseline's decision on a scene: from its cache where solved before, else solved now.</summary>
    public HetNetDecision BaselineDecision(string name, HetNetScene scene, HbgnnConfig config)
    {
        var all = Baselines(config with { Baselines = new[] { name } }).Single();
        var vector = all.Recall?.Invoke(scene)?.Decision ?? all.Solve(scene, new Random(0));
        return HetNetDecision.FromVector(vector, scene.Ues, scene.Bss);
    }

    /// <summary>The solution cache of a baseline, keyed by the problem config (and, for the reference optimiser, its graph and ascent settings).</summary>
    public static SolutionCache BaselineCache(string name, HbgnnConfig config)
    {
        string settings = ConfigBinder.ToJson(config.Problem).ToJsonString();
        if (name == RelaxedAscent.Name)
            settings += $"|K={config.Candidates} threshold={config.EdgeThresholdDb} lr={config.AscentLearningRate} iterations={config.AscentMaxIterations} " +
                        $"window={config.SrlWindow} tolerance={config.AscentTolerance} T={config.InitialTemperature},{config.MinTemperature},{config.MaxTemperature}";
        return new(config.CacheDirectory, $"hbgnn-{name}-v1", settings);
    }

    public override IReadOnlyList<EvaluationSet<HbgnnConfig>> EvaluationSets(HbgnnConfig config) => new[]
    {
        new EvaluationSet<HbgnnConfig>(SetName(config.Problem), config, config.TestInstances, 5_000_001),
    };

    public static string SetName(UltraDenseHetNetConfig p) => $"Jm={p.MacroBss} Jn={p.SmallBss} I={p.Ues}";

    public override IReadOnlyDictionary<string, double> PaperNumbers(HbgnnConfig config) => HbgnnPaper.ReportNumbers;

    public override string? SchemaDescription(HbgnnConfig config) => Graph(config).Schema.ToString();
}
