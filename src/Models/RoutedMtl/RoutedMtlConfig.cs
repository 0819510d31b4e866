using System.Text.Json.Serialization;
using WirelessGnn.Graphs;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.Fdma;
using WirelessGnn.Problems.SumCapacity;

namespace WirelessGnn.Models.RoutedMtl;

/// <summary>How the dual variables of the unsupervised tasks move (spec mtl-routing §2.3).</summary>
public enum DualUpdate
{
    /// <summary><c>λ ← max(0, λ + η·mean f)</c>, standard projected dual ascent (default [R]).</summary>
    Projected,
    /// <summary><c>λ ← λ + η·max(0, mean f)</c> as printed: λ never decreases.</summary>
    PaperAsPrinted,
}

/// <summary>The bDNN's weights at the start of phase 2 (spec §5.3).</summary>
public enum Phase2Init
{
    /// <summary>Re-initialise the bDNN (Algorithm 1, line 12) with a fresh Adam.</summary>
    Reinit,
    /// <summary>Keep the jointly trained bDNN (fresh Adam).</summary>
    WarmStart,
}

/// <summary>The methods compared (spec §8).</summary>
public enum Scheme
{
    /// <summary>The routed multi-task DNN (bDNN + rDNN, Algorithm 1).</summary>
    Proposed,
    /// <summary>One DNN per task (the upper bound).</summary>
    SingleTask,
    /// <summary>One shared DNN, router fixed at ones, task index in input slot N_i + 1.</summary>
    Naive,
    /// <summary>One shared DNN on zero-padded inputs and labels, task index in slot 21.</summary>
    ZeroPadding,
}

/// <summary>Settings of the routed multi-task plugin (spec mtl-routing §9): tasks, problems, networks, Algorithm 1, baselines, data.</summary>
public sealed record RoutedMtlConfig : IPluginConfig
{
    /// <summary>Task sizes N_i, each 1..MaxBands; every size is one delay and one capacity task.</summary>
    public int[] Sizes { get; init; } = { 5, 8, 10, 12, 15, 18, 20 };
    public FdmaConfig Fdma { get; init; } = new();
    public SumCapacityConfig Capacity { get; init; } = new();

    /// <summary>Hidden widths d_1..d_6 of the bDNN (§4.1); the input and output widths are max N_i.</summary>
    public int[] Hidden { get; init; } = { 20, 32, 32, 32, 32, 20 };
    /// <summary>Hidden width T of the rDNN, 1..4096.</summary>
    public int RouterHidden { get; init; } = 20;
    /// <summary>Slope γ of the routing activation, (0, 1000].</summary>
    public double Gamma { get; init; } = 5;
    /// <summary>Mean μ and standard deviation σ of the rDNN's initial weights.</summary>
    public double RouterMean { get; init; } = 0.1;
    public double RouterStd { get; init; } = 0.001;
    /// <summary>Mask threshold after phase 1, (0, 1).</summary>
    public double MaskThreshold { get; init; } = 0.5;

    /// <summary>Phase-1 steps t1; phase 2 runs the remaining <c>training.steps − t1</c> (t2), 1..training.steps−1.</summary>
    public int Phase1Steps { get; init; } = 5000;
    public Phase2Init Phase2Init { get; init; } = Phase2Init.Reinit;
    /// <summary>Steps of each baseline (single-task DNNs: per task), 1..10^7 (§12 #15: t1 + t2).</summary>
    public int BaselineSteps { get; init; } = 10_000;
    /// <summary>Tasks drawn uniformly per step (without replacement), 0 = every task every step.</summary>
    public int TasksPerStep { get; init; }
    /// <summary>Dual step size η_λ, (0, 1].</summary>
    public double DualStep { get; init; } = 1e-3;
    public DualUpdate DualUpdate { get; init; } = DualUpdate.Projected;

    /// <summary>Test samples per task, 1..10^6 (the paper: 10k).</summary>
    public int TestSamples { get; init; } = 10_000;
    /// <summary>Sizes whose test curves are drawn (Figs. 5–8).</summary>
    public int[] CurveSizes { get; init; } = { 5, 12, 20 };
    /// <summary>Independent training runs averaged in the tables (spec §9 [R]: 5; the paper: 100), 1..1000.</summary>
    public int Runs { get; init; } = 5;
    /// <summary>Methods trained by <c>reproduce</c>; <c>train</c> trains the proposed one only.</summary>
    public Scheme[] Schemes { get; init; } = { Scheme.Proposed, Scheme.SingleTask, Scheme.Naive, Scheme.ZeroPadding };
    /// <summary>The task (0-based index into the task list) that <c>Sample</c> draws; the evaluation sets cover every task.</summary>
    public int Task { get; init; }

    /// <summary>
    /// Torch intra-op threads while training, 1..256. The networks are tiny (32 samples × ≤ 32 units): splitting such ops
    /// over threads costs more than it gains, about 10× in wall time on a loaded 2-core machine, so the default is 1.
    /// </summary>
    public int TrainingThreads { get; init; } = 1;

    /// <summary>Whether the evaluation sets score the classical policies too (the reproduction scores them once, not per scheme).</summary>
    public bool IncludeBaselines { get; init; } = true;

    /// <summary>
    /// Trainer settings used here: steps (t1 + t2), batchSize (B_i = 32), learningRate (Adam η), trainInstances (per task,
    /// the paper: 30k) and validateEvery (test-curve interval). Plain Adam: no schedule, no clipping, no weight decay.
    /// </summary>
    public TrainingOptions Training { get; init; } = new()
    {
        Steps = 10_000, BatchSize = 32, TrainInstances = 30_000, ValidationInstances = 1, ValidateEvery = 500,
        LearningRate = 1e-3, Schedule = LearningRateSchedule.Constant, ClipGradientNorm = 0,
    };

    [JsonIgnore]
    public IReadOnlyList<MtlTask> Tasks => MtlTask.List(Sizes);
    [JsonIgnore]
    public int MaxBands => Sizes.Max();
    [JsonIgnore]
    public int Phase2Steps => Training.Steps - Phase1Steps;
    /// <summary>Loss weight β_i = 1/K_tot (§5.1).</summary>
    [JsonIgnore]
    public double TaskWeight => 1.0 / Tasks.Count;

    public void Validate()
    {
        Require.Valid(Sizes is { Length: >= 1 } && Sizes.All(n => n is >= 1 and <= 1000) && Sizes.Distinct().Count() == Sizes.Length,
            "sizes", Sizes is null ? "null" : $"[{string.Join(", ", Sizes)}]", "distinct sizes in 1..1000");
        Fdma.Validate();
        Capacity.Validate();
        Require.Valid(Hidden is { Length: >= 2 } && Hidden.All(h => h is >= 1 and <= 4096), "hidden",
            Hidden is null ? "null" : $"[{string.Join(", ", Hidden)}]", "at least two widths in 1..4096");
        Require.InRange(RouterHidden, 1, 4096, "routerHidden");
        Require.Valid(Gamma > 0 && Gamma <= 1000, "gamma", Gamma, "(0, 1000]");
        Require.Valid(double.IsFinite(RouterMean), "routerMean", RouterMean, "a finite number");
        Require.Valid(RouterStd >= 0 && double.IsFinite(RouterStd), "routerStd", RouterStd, ">= 0");
        Require.Valid(MaskThreshold is > 0 and < 1, "maskThreshold", MaskThreshold, "(0, 1)");
        Training.Validate();
        Require.Valid(Training.Steps >= 2, "training.steps", Training.Steps, ">= 2 (t1 + t2)");
        Require.InRange(Phase1Steps, 1, Training.Steps - 1, "phase1Steps");
        Require.InRange(BaselineSteps, 1, 10_000_000, "baselineSteps");
        Require.InRange(TasksPerStep, 0, Tasks.Count, "tasksPerStep");
        Require.Valid(DualStep > 0 && DualStep <= 1, "dualStep", DualStep, "(0, 1]");
        Require.InRange(TestSamples, 1, 1_000_000, "testSamples");
        Require.Valid(Training.TrainInstances >= Training.BatchSize, "training.trainInstances", Training.TrainInstances, $">= training.batchSize ({Training.BatchSize})");
        Require.Valid(CurveSizes is not null && CurveSizes.All(n => Sizes?.Contains(n) == true), "curveSizes", CurveSizes is null ? "null" : $"[{string.Join(", ", CurveSizes)}]", "a subset of sizes");
        Require.InRange(Runs, 1, 1000, "runs");
        Require.Valid(Schemes is { Length: >= 1 } && Schemes.All(Enum.IsDefined), "schemes", Schemes is null ? "null" : $"[{string.Join(", ", Schemes)}]", "one or more of proposed, singleTask, naive, zeroPadding");
        Require.InRange(TrainingThreads, 1, 256, "trainingThreads");
        Require.InRange(Task, 0, Tasks.Count - 1, "task");
        Require.Valid(Enum.IsDefined(DualUpdate), "dualUpdate", DualUpdate, "projected or paperAsPrinted");
        Require.Valid(Enum.IsDefined(Phase2Init), "phase2Init", Phase2Init, "reinit or warmStart");
    }
}
