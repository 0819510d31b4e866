using WirelessGnn.Models.MultiTask;
using WirelessGnn.Problems.MecCellFree;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>
/// The paper's own numbers (Table II, sum rate in bit/s/Hz at B = 3, I = 10, N = 4 on QuaDRiGa 38.901 UMa channels),
/// printed beside ours and never used as results. Null: "not convergent" in the paper.
/// </summary>
public static class CmtsslPaper
{
    public static double? TableII(bool distributed, LossScheme scheme) => (distributed, scheme) switch
    {
        (false, LossScheme.Scheme1) => 0.796,
        (false, LossScheme.Scheme2) => 0.687,
        (false, LossScheme.Baseline3) => 0.249,
        (true, LossScheme.Scheme1) => 0.911,
        (true, LossScheme.Scheme2) => 0.986,
        (true, LossScheme.Baseline3) => 0.381,
        _ => null,
    };

    /// <summary>Whether <paramref name="problem"/> is Table II's setting: the paper's B = 3, I = 10, N = 4 and every other
    /// setting at its default, no SBS added.</summary>
    public static bool IsTableIISetting(MecCellFreeConfig problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var paper = new MecCellFreeConfig();
        return problem.AddedSbss.Length == 0 && problem with { AddedSbss = paper.AddedSbss } == paper;
    }
}
