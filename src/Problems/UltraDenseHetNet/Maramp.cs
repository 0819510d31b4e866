namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// MARAMP (spec §6.2): every BS at maximum power, every UE on the BS of largest <c>c_{i,j}(p_max)</c>, which is the
/// strongest received signal <c>argmax_j p_max,j g_{i,j}</c> (ties: the smaller index).
/// </summary>
public static class Maramp
{
    public static HetNetDecision Solve(HetNetScene scene) => new(StrongestSignal(scene, scene.MaxPower), (double[])scene.MaxPower.Clone());

    /// <summary>Each UE's BS of strongest received power <c>p_j g_{i,j}</c>.</summary>
    public static int[] StrongestSignal(HetNetScene scene, double[] power)
    {
        var a = new int[scene.Ues];
        for (int i = 0; i < scene.Ues; i++)
        {
            double best = -1;
            for (int j = 0; j < scene.Bss; j++)
            {
                double s = power[j] * scene.Gain[i, j];
                if (s > best) { best = s; a[i] = j; }
            }
        }
        return a;
    }
}
