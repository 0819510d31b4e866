namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>MSUAMP (spec §6.3): the max-sum-utility association at maximum power.</summary>
public static class Msuamp
{
    public static HetNetDecision Solve(HetNetScene scene) =>
        new(MaxSumUtilityAssociation.Solve(LinkRates.Compute(scene, scene.MaxPower)).Association, (double[])scene.MaxPower.Clone());
}
