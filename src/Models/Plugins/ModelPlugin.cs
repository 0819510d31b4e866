using TorchSharp;
using WirelessGnn.Models.Experiments;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Plugins;

/// <summary>
/// Binds a network to a problem: how instances are sampled, how a batch of them becomes the network's input
/// (a graph batch plus the problem's tensors), the network, the training loss, the decision, and how a decision is
/// scored. Model and baselines are scored by the same <see cref="Score"/>, i.e. by the problem's one objective.
/// The trainer, evaluator and command line are generic over this class; a plugin supplies only what differs.
/// </summary>
/// <typeparam name="TConfig">The plugin's config record.</typeparam>
/// <typeparam name="TInstance">One problem instance (plain arrays).</typeparam>
/// <typeparam name="TBatch">A prepared batch on a device; owns its tensors.</typeparam>
public abstract class ModelPlugin<TConfig, TInstance, TBatch> : IModelPlugin
    where TConfig : class, IPluginConfig
    where TBatch : IDisposable
{
    public abstract PluginInfo Info { get; }
    public Type ConfigType => typeof(TConfig);

    /// <inheritdoc />
    public void CheckSettings(ExperimentRequest request) => new Experiment<TConfig, TInstance, TBatch>(this).ResolveConfig(request);

    /// <summary>One train / eval / reproduce run; a plugin whose paper needs more than one model and table overrides it.</summary>
    public virtual ExperimentOutcome Run(ExperimentRequest request) => new Experiment<TConfig, TInstance, TBatch>(this).Run(request);

    /// <summary>The paper's settings, or with <paramref name="quick"/> a small version that trains in about a minute on 2 cores.</summary>
    public abstract TConfig DefaultConfig(bool quick);

    IPluginConfig IModelPlugin.DefaultConfig(bool quick) => DefaultConfig(quick);

    /// <summary><paramref name="count"/> instances sampled with <paramref name="seed"/>: same seed, same instances.</summary>
    public abstract IReadOnlyList<TInstance> Sample(TConfig config, int count, int seed);

    /// <summary>The instances of a batch as the network's input and the problem's tensors, on <paramref name="device"/>.</summary>
    public abstract TBatch Prepare(IReadOnlyList<TInstance> instances, TConfig config, Device device);

    /// <summary>A fresh network (weights drawn from torch's seeded generator).</summary>
    public abstract nn.Module CreateNetwork(TConfig config);

    /// <summary>The scalar training loss of a batch (e.g. the negative mean objective plus penalties).</summary>
    public abstract Tensor Loss(nn.Module network, TBatch batch, TConfig config);

    /// <summary>
    /// A value the training loss of a converging run never goes below (e.g. the bound of an uncertainty-weighted loss with
    /// non-negative task losses); the trainer stops with <see cref="Training.TrainingDivergedException"/> when it does.
    /// </summary>
    public virtual double LossLowerBound(TConfig config) => double.NegativeInfinity;

    /// <summary>The model's decision for a batch, in the problem's decision layout (e.g. powers <c>[B, K]</c>), feasible.</summary>
    public abstract Tensor Decide(nn.Module network, TBatch batch, TConfig config);

    /// <summary>The decision tensor of baseline outputs (one flat vector per instance, in batch order).</summary>
    public abstract Tensor ToDecision(IReadOnlyList<double[]> decisions, TBatch batch);

    /// <summary>
    /// Per-instance metrics of a decision, by the problem's one objective: name -> values <c>[B]</c>. The first entry
    /// is the primary metric (used for validation, early stop, ratios and CDF plots).
    /// </summary>
    public abstract IReadOnlyDictionary<string, double[]> Score(Tensor decision, TBatch batch);

    /// <summary>The primary metric: the first key of <see cref="Score"/>, used for validation, early stop, ratios and CDFs.</summary>
    public abstract string PrimaryMetric { get; }

    /// <summary>
    /// The metric of <see cref="Score"/> that validation, early stop and best-weights selection use; the primary metric
    /// unless a plugin needs the constraints in it too (e.g. the objective minus the QoS penalties). Same direction as
    /// <see cref="HigherIsBetter"/>.
    /// </summary>
    public virtual string ValidationMetric => PrimaryMetric;

    /// <summary>Whether a larger primary metric is better (sum rate: yes; delay: no).</summary>
    public virtual bool HigherIsBetter => true;

    /// <summary>
    /// Whether realisation k of <see cref="Sample"/><c>(config, count, seed)</c> is drawn with its own generator seeded
    /// with <c>seed + k</c> (so cached per-layout solutions can be keyed by seed). Two such samples share realisations
    /// exactly when their seed ranges overlap, so the trainer then keeps its training pool, its batches and its validation
    /// set in disjoint ranges and refuses seeds whose ranges reach an evaluation set's.
    /// </summary>
    public virtual bool ConsecutiveSeeds => false;

    /// <summary>The classical baselines of the paper.</summary>
    public abstract IReadOnlyList<Baseline<TInstance>> Baselines(TConfig config);

    /// <summary>The seeded test sets; the first one is the main one.</summary>
    public abstract IReadOnlyList<EvaluationSet<TConfig>> EvaluationSets(TConfig config);

    /// <summary>The paper's own numbers for the report (metric name -> value); printed beside ours, never mixed.</summary>
    public virtual IReadOnlyDictionary<string, double> PaperNumbers(TConfig config) => new Dictionary<string, double>();

    /// <summary>Instances per inference batch in evaluation (stated in the report's timings).</summary>
    public virtual int EvaluationBatchSize(TConfig config) => 256;

    /// <summary>A description of the input graph schema, stored in checkpoints.</summary>
    public virtual string? SchemaDescription(TConfig config) => null;

    /// <summary>A per-instance metric tensor <c>[B]</c> as doubles on the host, for <see cref="Score"/>.</summary>
    protected static double[] ToArray(Tensor t) => t.to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
}
