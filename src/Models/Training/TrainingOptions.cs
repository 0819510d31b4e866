using TorchSharp;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Training;

/// <summary>Learning-rate schedule over the training steps.</summary>
public enum LearningRateSchedule
{
    Constant,
    /// <summary>Cosine annealing from the initial rate to 1% of it at the last step.</summary>
    Cosine,
    /// <summary>Multiply by <see cref="TrainingOptions.StepDecay"/> every <see cref="TrainingOptions.StepEvery"/> steps.</summary>
    Step,
}

/// <summary>Settings of the generic trainer; every plugin's config holds one (<c>--set training.steps=500</c>).</summary>
public sealed record TrainingOptions
{
    /// <summary>Optimiser steps (mini-batches), 1..10^7.</summary>
    public int Steps { get; init; } = 2000;
    /// <summary>Instances per mini-batch, 1..65536.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Training instances sampled once and reshuffled every epoch; 0 means a fresh mini-batch every step.</summary>
    public int TrainInstances { get; init; } = 10000;
    /// <summary>Held-out instances used for validation (and early stop), 1..10^6.</summary>
    public int ValidationInstances { get; init; } = 500;
    /// <summary>Validate every N steps (and at the last step), 1..Steps.</summary>
    public int ValidateEvery { get; init; } = 100;
    /// <summary>Stop after this many validations without improvement; 0 disables early stop.</summary>
    public int EarlyStopPatience { get; init; }
    /// <summary>Adam learning rate, (0, 1].</summary>
    public double LearningRate { get; init; } = 1e-3;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;
    public int StepEvery { get; init; } = 1000;
    public double StepDecay { get; init; } = 0.5;
    /// <summary>Adam weight decay, [0, 1).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    public double ClipGradientNorm { get; init; } = 1.0;
    /// <summary>Write a resumable checkpoint every N steps; 0 only at the end.</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>
    /// The metric of the plugin's scores that validation, early stop and best-weights selection use (higher is better in
    /// the plugin's direction); null uses the plugin's own. For example <c>feasible_sum_rate_bps_hz</c> for a constrained
    /// <c>cmtssl</c> run, so that the kept weights are not simply those of the highest sum rate.
    /// </summary>
    public string? ValidationMetric { get; init; }
    /// <summary>
    /// Before each validation, re-estimate every BatchNorm's running statistics as the plain average over the last N
    /// training batches under the current weights (train mode, no gradients; "precise BN"), so that validation, the kept
    /// weights and the checkpoint do not use statistics that lag behind the weights. 0 (the default) keeps the
    /// exponential running averages of training. The weights follow the same trajectory either way. With N > 0 the
    /// training curve also logs the validation score under the running averages (<c>validation_…_running_stats</c>).
    /// </summary>
    public int RecalibrateBatchNorm { get; init; }

    /// <summary>
    /// The scheduler of <see cref="Schedule"/> for <paramref name="optimizer"/> over <paramref name="steps"/> steps (one
    /// <c>step()</c> per optimiser step); null for <see cref="LearningRateSchedule.Constant"/>.
    /// </summary>
    public optim.lr_scheduler.LRScheduler? Scheduler(optim.Optimizer optimizer, int steps) => Schedule switch
    {
        LearningRateSchedule.Cosine => optim.lr_scheduler.CosineAnnealingLR(optimizer, steps, LearningRate * 0.01),
        LearningRateSchedule.Step => optim.lr_scheduler.StepLR(optimizer, StepEvery, StepDecay),
        _ => null,
    };

    /// <summary>Throws naming the first field outside its range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string field, object value, string range) => Require.Valid(ok, $"training.{field}", value, range);
        Check(Steps is >= 1 and <= 10_000_000, "steps", Steps, "1..10000000");
        Check(BatchSize is >= 1 and <= 65536, "batchSize", BatchSize, "1..65536");
        Check(TrainInstances is >= 0 and <= 10_000_000, "trainInstances", TrainInstances, "0..10000000 (0: fresh samples every step)");
        Check(TrainInstances == 0 || TrainInstances >= BatchSize, "trainInstances", TrainInstances, $">= batchSize ({BatchSize}) or 0");
        Check(ValidationInstances is >= 1 and <= 1_000_000, "validationInstances", ValidationInstances, "1..1000000");
        Check(ValidateEvery >= 1, "validateEvery", ValidateEvery, ">= 1");
        Check(EarlyStopPatience >= 0, "earlyStopPatience", EarlyStopPatience, ">= 0");
        Check(LearningRate > 0 && LearningRate <= 1, "learningRate", LearningRate, "(0, 1]");
        Check(StepEvery >= 1, "stepEvery", StepEvery, ">= 1");
        Check(StepDecay > 0 && StepDecay <= 1, "stepDecay", StepDecay, "(0, 1]");
        Check(WeightDecay >= 0 && WeightDecay < 1, "weightDecay", WeightDecay, "[0, 1)");
        Check(ClipGradientNorm >= 0 && double.IsFinite(ClipGradientNorm), "clipGradientNorm", ClipGradientNorm, ">= 0 (0 disables)");
        Check(CheckpointEvery >= 0, "checkpointEvery", CheckpointEvery, ">= 0");
        Check(RecalibrateBatchNorm is >= 0 and <= 10_000, "recalibrateBatchNorm", RecalibrateBatchNorm, "0..10000 training batches (0 disables)");
        Check(ValidationMetric is null || ValidationMetric.Length > 0, "validationMetric", ValidationMetric ?? "", "a metric name of the plugin's scores, or null");
    }
}
