using TorchSharp;
using WirelessGnn.Problems.UltraDenseHetNet;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>
/// SRL, HBGNN's online stage (spec §5.3, Algorithm 3): on one scene, starting from the GRL weights and temperature, a
/// <see cref="SceneAscent"/> over a copy of the network's weights on <c>−w_r R̂ − w_e L_ent</c> (no supervised term),
/// with SRL's rate, iteration cap and convergence window. Returns the best hard decision seen, counting the GRL output
/// itself, so SRL is never below GRL on a scene. The GRL network is not changed.
/// </summary>
public static class SrlFineTuning
{
    public static AscentResult Run(HbgnnPlugin plugin, HbgnnNetwork grl, HetNetScene scene, HbgnnConfig config, Device device)
    {
        using var network = (HbgnnNetwork)plugin.CreateNetwork(config);
        network.to(device);
        network.load_state_dict(grl.state_dict());
        network.train();
        using var batch = plugin.Prepare(new[] { scene }, config, device);
        var settings = new AscentSettings(config.SrlLearningRate, config.SrlMaxIterations, config.SrlWindow, config.SrlTolerance);
        return SceneAscent.Run(batch, network.parameters(), () => HbgnnPlugin.Forward(network, batch),
            () => network.Temperature, t => network.Temperature = t, settings, config);
    }
}
