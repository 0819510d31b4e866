namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// MSUAPC (spec §6.4 [R]): from maximum power, alternate (1) the max-sum-utility association at the current powers and
/// (2) the PUF with proportional-fair weights <c>ω_i = 1/max(log2(1 + SINR_i), 1e-6)</c>, re-weighted every sweep; at most
/// 20 rounds, stop when the association repeats; keep the best decision by R.
/// </summary>
public static class Msuapc
{
    public const int MaxRounds = 20;

    public static HetNetDecision Solve(HetNetScene scene)
    {
        var p = (double[])scene.MaxPower.Clone();
        HetNetDecision? best = null;
        double bestRate = double.NegativeInfinity;
        int[]? previous = null;
        for (int round = 0; round < MaxRounds; round++)
        {
            var a = MaxSumUtilityAssociation.Solve(LinkRates.Compute(scene, p)).Association;
            if (previous is not null && a.SequenceEqual(previous)) break;
            previous = a;
            p = PowerUpdate.Solve(scene, a, p, ProportionalFair).Power;
            var decision = new HetNetDecision(a, (double[])p.Clone());
            double r = GlobalRateOracle.Rate(scene, decision);
            if (r > bestRate) { bestRate = r; best = decision; }
        }
        return best!;
    }

    private static double[] ProportionalFair(double[] sinr) => sinr.Select(s => 1 / Math.Max(Math.Log2(1 + s), 1e-6)).ToArray();
}
