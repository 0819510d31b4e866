namespace WirelessGnn.Models.RoutedMtl;

/// <summary>One sample of one task: normalised gains <c>|h_n|²/Ω_h</c> <c>[N_i]</c> and, for delay tasks, the optimal powers (W).</summary>
public sealed record TaskSample(int Task, double[] Gain, double[]? OptimalPower);
