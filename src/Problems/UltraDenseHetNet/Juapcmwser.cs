namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// JUAPCMWSER (Zhou; spec §6.6 [K+R]): from maximum power, alternate UAMWSER at the current powers (started from the
/// current association) and the PUF with <c>ω_i = 1/N_{a_i}</c>, which for a fixed association maximises exactly R; at
/// most 20 rounds, stop when the association repeats. Keeps the best decision by R, counting the first UAMWSER
/// solution at maximum power, so it is never worse than UAMWSER.
/// </summary>
public static class Juapcmwser
{
    public const int MaxRounds = 20;

    public static HetNetDecision Solve(HetNetScene scene)
    {
        var p = (double[])scene.MaxPower.Clone();
        int[]? a = null;
        HetNetDecision? best = null;
        double bestRate = double.NegativeInfinity;
        for (int round = 0; round < MaxRounds; round++)
        {
            var associated = Uamwser.Solve(scene, p, a);
            Keep(associated);
            if (a is not null && associated.Association.SequenceEqual(a)) break;
            a = associated.Association;
            var load = associated.Load(scene.Bss);
            var weights = a.Select(j => 1.0 / load[j]).ToArray();
            p = PowerUpdate.Solve(scene, a, p, _ => weights).Power;
            Keep(new HetNetDecision(a, (double[])p.Clone()));
        }
        return best!;

        void Keep(HetNetDecision d)
        {
            double r = GlobalRateOracle.Rate(scene, d);
            if (r > bestRate) { bestRate = r; best = d; }
        }
    }
}
