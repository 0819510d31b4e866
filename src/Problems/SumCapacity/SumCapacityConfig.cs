using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.SumCapacity;

/// <summary>How P4's average-power constraint C1 is read (spec mtl-routing §7.2).</summary>
public enum CapacityConstraint
{
    /// <summary>One constraint per user, <c>E[P_n] ≤ P_av</c> (default [R]; matches the per-band duals of the paper).</summary>
    PerUser,
    /// <summary>The printed single constraint <c>E[Σ_n P_n] ≤ P_av</c>.</summary>
    SumAsPrinted,
}

/// <summary>
/// Average sum-capacity maximisation P4 (spec mtl-routing §7): <c>max E[log2(1 + Σ_n |h_n|² P_n)]</c> (unit noise)
/// subject to average-power constraints and <c>0 ≤ P_n ≤ P_tot</c>.
/// </summary>
public sealed record SumCapacityConfig
{
    /// <summary>Per-band maximum power P_tot, W, (0, 10^6].</summary>
    public double MaxPower { get; init; } = 1;
    /// <summary>Average power budget P_av, W, (0, 10^6].</summary>
    public double AveragePower { get; init; } = 0.5;
    public CapacityConstraint Constraint { get; init; } = CapacityConstraint.PerUser;

    /// <summary>Constraints of an N-band task: N per user, 1 as printed.</summary>
    public int Constraints(int bands) => Constraint == CapacityConstraint.PerUser ? bands : 1;

    /// <summary>Throws naming the first field outside its range.</summary>
    public void Validate()
    {
        Require.Valid(MaxPower > 0 && MaxPower <= 1e6, "capacity.maxPower", MaxPower, "(0, 1e6] W");
        Require.Valid(AveragePower > 0 && AveragePower <= 1e6, "capacity.averagePower", AveragePower, "(0, 1e6] W");
        Require.Valid(Enum.IsDefined(Constraint), "capacity.constraint", Constraint, "perUser or sumAsPrinted");
    }
}
