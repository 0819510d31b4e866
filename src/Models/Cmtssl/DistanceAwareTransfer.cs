namespace WirelessGnn.Models.Cmtssl;

/// <summary>
/// DATL (spec §5.8, Algorithm 3): a new SBS copies the trained model of the nearest existing SBS, with its BN statistics
/// and c_H, and the B + 1 SBSs run with no retraining. The cost is one distance computation per existing SBS.
/// </summary>
public static class DistanceAwareTransfer
{
    /// <summary>
    /// <c>b* = argmin_b ‖(x_b, y_b) − (x₀, y₀)‖</c> over the 2-D SBS coordinates <paramref name="sbsPositions"/>
    /// <c>[B, 2]</c>; ties go to the lowest index.
    /// </summary>
    public static int NearestSbs(double[,] sbsPositions, double x, double y)
    {
        int best = -1;
        double bestDistance = double.PositiveInfinity;
        for (int b = 0; b < sbsPositions.GetLength(0); b++)
        {
            double dx = sbsPositions[b, 0] - x, dy = sbsPositions[b, 1] - y;
            double d = Math.Sqrt(dx * dx + dy * dy);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = b;
            }
        }
        if (best < 0) throw new ArgumentException("sbsPositions: no SBS to transfer from.", nameof(sbsPositions));
        return best;
    }

    /// <summary>
    /// The DMTSSL network of the system with the new SBS (<paramref name="extended"/>: the original config with the new
    /// SBS appended): the original SBSs keep their trained models (the same objects, untouched) and the new SBS gets a copy
    /// of SBS <paramref name="source"/>'s.
    /// </summary>
    public static DmtsslNetwork AddSbs(DmtsslNetwork trained, int source, CmtsslConfig extended)
    {
        if (extended.Problem.TotalSbss != trained.Locals.Count + 1)
            throw new ArgumentException($"extended: a system of {extended.Problem.TotalSbss} SBSs; expected {trained.Locals.Count + 1} (the trained {trained.Locals.Count} plus one).", nameof(extended));
        Graphs.Require.InRange(source, 0, trained.Locals.Count - 1, "source");
        return new DmtsslNetwork(extended, trained.Locals.Append(trained.Locals[source].Copy()).ToList());
    }
}
