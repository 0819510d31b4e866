using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Quickstart;

/// <summary>
/// A heterogeneous GNN for interference-channel power control, composed from the layer library: per-type MLP
/// embeddings, <see cref="HeteroMetaPathLayer"/>s (per-edge message MLPs on [source embedding, gain], max aggregation
/// as in IGCNet, residual updates, semantic attention between a node's own link and its cross links), and a sigmoid
/// head on the transmitters giving the power fraction. Input: a <see cref="GraphView"/> of <see cref="InterferenceGraph"/>s;
/// output: power fractions <c>[B, K_max]</c>, zero on padding.
/// </summary>
public sealed class QuickstartNetwork : nn.Module<GraphView, Tensor>
{
    private readonly Mlp embedTx, embedRx, head;
    private readonly HeteroMetaPathLayer[] layers;

    public QuickstartNetwork(int hidden, int layerCount) : base(nameof(QuickstartNetwork))
    {
        embedTx = new Mlp(new[] { InterferenceGraph.Transmitter.FeatureCount, hidden }, Activation.LeakyReLU);
        embedRx = new Mlp(new[] { InterferenceGraph.Receiver.FeatureCount, hidden }, Activation.LeakyReLU);
        var widths = new Dictionary<string, int> { ["tx"] = hidden, ["rx"] = hidden };
        var options = new MessagePassingOptions { Hidden = hidden, Aggregation = Aggregation.Max, Residual = true };
        layers = Enumerable.Range(0, layerCount)
            .Select(_ => new HeteroMetaPathLayer(InterferenceGraph.Schema.Relations, widths, options, attentionWidth: hidden, tanhAttention: true))
            .ToArray();
        head = new Mlp(new[] { hidden, hidden, 1 }, Activation.LeakyReLU, activateLast: false);
        RegisterComponents();
        for (int i = 0; i < layers.Length; i++) register_module($"layer{i}", layers[i]);
    }

    public override Tensor forward(GraphView graph)
    {
        IReadOnlyDictionary<string, Tensor> x = new Dictionary<string, Tensor>
        {
            ["tx"] = graph.Nodes("tx").Nodewise(embedTx, graph.Features("tx")),
            ["rx"] = graph.Nodes("rx").Nodewise(embedRx, graph.Features("rx")),
        };
        foreach (var layer in layers) x = layer.call(x, graph);
        var transmitters = graph.Nodes("tx");
        var power = transmitters.Nodewise(head, x["tx"]).sigmoid();
        return transmitters.ToPadded(power).squeeze(-1);
    }
}
