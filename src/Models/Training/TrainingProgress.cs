namespace WirelessGnn.Models.Training;

/// <summary>One step of training, as reported to a progress display.</summary>
/// <param name="Step">Steps done (1-based).</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">Training loss of this step.</param>
/// <param name="Validation">Last validation value of the primary metric, if any yet.</param>
/// <param name="LearningRate">Current learning rate.</param>
/// <param name="Elapsed">Wall time since training started.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss, double? Validation, double LearningRate, TimeSpan Elapsed)
{
    /// <summary>Estimated time left, from the mean time per step so far.</summary>
    public TimeSpan Remaining => Step == 0 ? TimeSpan.Zero : Elapsed / Step * (TotalSteps - Step);
}
