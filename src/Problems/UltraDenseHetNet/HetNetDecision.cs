namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// A JUAPA decision: the serving BS <c>a_i</c> of every UE (C1: exactly one, so a binary x is one-hot per row) and
/// the transmit power <c>p_j</c> of every BS (C2: <c>0 ≤ p_j ≤ p_max,j</c>). As a flat vector: <c>[a_0..a_{I−1}, p_0..p_{J−1}]</c>.
/// </summary>
public sealed record HetNetDecision(int[] Association, double[] Power)
{
    public double[] ToVector() => Association.Select(a => (double)a).Concat(Power).ToArray();

    public static HetNetDecision FromVector(double[] vector, int ues, int bss)
    {
        if (vector.Length != ues + bss) throw new ArgumentException($"decision vector: length {vector.Length}; expected I + J = {ues + bss}.", nameof(vector));
        return new HetNetDecision(vector.Take(ues).Select(a => (int)Math.Round(a)).ToArray(), vector.Skip(ues).ToArray());
    }

    /// <summary>UEs per BS, <c>N_j = Σ_i x_{i,j}</c>.</summary>
    public int[] Load(int bss)
    {
        var n = new int[bss];
        foreach (var a in Association) n[a]++;
        return n;
    }

    /// <summary>Throws naming the first violated constraint (C1: a BS index in range; C2: power in the box, 1e-9 relative slack).</summary>
    public void CheckFeasible(HetNetScene scene)
    {
        if (Association.Length != scene.Ues) throw new ArgumentException($"association: {Association.Length} UEs; expected {scene.Ues}.");
        if (Power.Length != scene.Bss) throw new ArgumentException($"power: {Power.Length} BSs; expected {scene.Bss}.");
        for (int i = 0; i < Association.Length; i++)
            if (Association[i] < 0 || Association[i] >= scene.Bss)
                throw new ArgumentOutOfRangeException($"association[{i}]", Association[i], $"association[{i}] = {Association[i]}; expected a BS index 0..{scene.Bss - 1}.");
        for (int j = 0; j < Power.Length; j++)
            if (!(Power[j] >= 0 && Power[j] <= scene.MaxPower[j] * (1 + 1e-9)))
                throw new ArgumentOutOfRangeException($"power[{j}]", Power[j], $"power[{j}] = {Power[j]} W; expected 0..{scene.MaxPower[j]} W.");
    }
}
