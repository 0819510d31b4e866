using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Support;

/// <summary>
/// A fixed, parameter-free message-passing step that goes through every operation of a <see cref="GraphView"/>:
/// source/target gathers, edge features, sum/mean/max aggregation, edge softmax, in-degree, readout and broadcast.
/// It is equivariant by construction, so it is the reference "layer" for batching and permutation properties of the
/// graph core itself (no trained weights involved).
/// </summary>
public static class GraphProbe
{
    /// <summary>
    /// For every node type T, in node layout: <c>[x_T, for each relation r into T: (sum, mean, max of
    /// [x_src, x_dst, edge features]), softmax-weighted sum of x_src, in-degree; mean readout of x_T broadcast]</c>.
    /// </summary>
    public static Dictionary<string, Tensor> Run(GraphView view)
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var type in view.Schema.NodeTypes.Select(t => t.Name))
        {
            var parts = new List<Tensor> { view.Features(type) };
            foreach (var relation in view.Schema.RelationsInto(type))
            {
                var r = view.Relation(relation);
                var xs = r.Source(view.Features(relation.Source));
                var xt = r.Target(view.Features(relation.Target));
                var messages = cat(new[] { xs, xt, r.EdgeFeatures }, -1);
                foreach (var aggregation in new[] { Aggregation.Sum, Aggregation.Mean, Aggregation.Max })
                    parts.Add(r.Aggregate(messages, aggregation));
                long last = messages.dim() - 1;
                var score = (xs.narrow(last, 0, 1) * xt.narrow(last, 0, 1) + r.EdgeFeatures.narrow(last, 0, 1)) * 3;
                parts.Add(r.Aggregate(r.Softmax(score) * xs, Aggregation.Sum));
                parts.Add(r.InDegree);
            }
            var nodes = view.Nodes(type);
            parts.Add(nodes.Broadcast(nodes.Readout(view.Features(type), Aggregation.Mean)));
            result[type] = cat(parts.ToArray(), -1);
        }
        return result;
    }
}
