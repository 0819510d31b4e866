using TorchSharp;
using WirelessGnn.Problems.Fdma;
using WirelessGnn.Problems.SumCapacity;
using static TorchSharp.torch;

namespace WirelessGnn.Models.RoutedMtl;

/// <summary>
/// Samples of one task on a device: the network input, the gains the objective reads, and for delay tasks the labels
/// and the optimal delay. Owns its tensors.
/// </summary>
public sealed class TaskBatch : IDisposable
{
    public required MtlTask Task { get; init; }
    /// <summary>The problems' settings the objective reads.</summary>
    public required FdmaConfig Fdma { get; init; }
    public required SumCapacityConfig Capacity { get; init; }
    /// <summary>Network input: normalised gains <c>|h_n|²/Ω_h</c> or their log (<see cref="RoutedMtlConfig.Features"/>) <c>[B, N_i]</c>, float32.</summary>
    public required Tensor Features { get; init; }
    /// <summary>Gains of the objective <c>[B, N_i]</c>, float64: SNR gains <c>|h|²/(N0 W)</c> (1/W) for delay tasks, <c>|h|²</c> for capacity tasks.</summary>
    public required Tensor Gain { get; init; }
    /// <summary>Delay tasks: optimal powers over P_tot <c>[B, N_i]</c>, float32 (the SL target); null otherwise.</summary>
    public Tensor? Target { get; init; }
    /// <summary>Delay tasks: the optimal mean delay <c>[B]</c>, ms, float64; null otherwise.</summary>
    public Tensor? OptimalDelayMs { get; init; }
    /// <summary>
    /// Delay tasks: the labels' mean squared deviation from equal power, <c>mean (P*/P_tot − 1/N)²</c> over the samples
    /// the batch was prepared from (a sub-batch keeps its pool's value); the normaliser of <see cref="DelayLoss.NormalisedMse"/>.
    /// </summary>
    public double LabelSpread { get; init; } = 1;

    public long Count => Features.shape[0];

    /// <summary>The rows <paramref name="rows"/> (int64 <c>[b]</c>) as a new batch.</summary>
    public TaskBatch Select(Tensor rows) => new()
    {
        Task = Task, Fdma = Fdma, Capacity = Capacity,
        Features = Features.index_select(0, rows),
        Gain = Gain.index_select(0, rows),
        Target = Target?.index_select(0, rows),
        OptimalDelayMs = OptimalDelayMs?.index_select(0, rows),
        LabelSpread = LabelSpread,
    };

    /// <summary>Moves the tensors out of the current dispose scope (they live as long as the batch).</summary>
    public TaskBatch Detach()
    {
        Features.DetachFromDisposeScope();
        Gain.DetachFromDisposeScope();
        Target?.DetachFromDisposeScope();
        OptimalDelayMs?.DetachFromDisposeScope();
        return this;
    }

    public void Dispose()
    {
        Features.Dispose();
        Gain.Dispose();
        Target?.Dispose();
        OptimalDelayMs?.Dispose();
    }
}
