using WirelessGnn.Graphs;
using WirelessGnn.Problems.InterferenceChannel;

namespace WirelessGnn.Models.Quickstart;

/// <summary>
/// The interference channel as a heterogeneous graph. Node types <c>tx</c> and <c>rx</c>; relations
/// <c>tx -direct-> rx</c> (own link), <c>tx -interferes-> rx</c> (cross links), and their reverses
/// <c>rx -feedback-> tx</c> and <c>rx -victim-> tx</c>, so a transmitter hears both its own receiver and the
/// receivers it harms. Every per-link quantity is an edge feature and node features are per-node only, so the graph
/// (and any model on it) is equivariant to relabelling the pairs and works for any K.
/// A gain enters as <c>log10(1 + Snr)/4</c>: about 0..2.5 over the dynamic range of the channel.
/// </summary>
public static class InterferenceGraph
{
    public static readonly NodeType Transmitter = new("tx", 2);
    public static readonly NodeType Receiver = new("rx", 2);
    public static readonly Relation Direct = new("tx", "direct", "rx", edgeFeatureCount: 1);
    public static readonly Relation Interferes = new("tx", "interferes", "rx", edgeFeatureCount: 1);
    public static readonly Relation Feedback = new("rx", "feedback", "tx", edgeFeatureCount: 1);
    public static readonly Relation Victim = new("rx", "victim", "tx", edgeFeatureCount: 1);

    public static readonly GraphSchema Schema = new(new[] { Transmitter, Receiver }, new[] { Direct, Interferes, Feedback, Victim });

    /// <summary>The graph of one instance; cross links below <paramref name="thresholdDb"/> (full power, relative to noise) are left out.</summary>
    public static HeteroGraph Build(InterferenceChannelInstance instance, double thresholdDb)
    {
        var snr = instance.Snr;
        int k = instance.Pairs;
        double threshold = Math.Pow(10, thresholdDb / 10);
        var builder = new HeteroGraphBuilder(Schema);
        for (int i = 0; i < k; i++)
        {
            double caused = 0, suffered = 0;
            for (int j = 0; j < k; j++)
            {
                if (j == i) continue;
                caused += snr[j, i];
                suffered += snr[i, j];
            }
            // tx: own gain, total interference it causes at full power; rx: own gain, total interference it suffers.
            builder.AddNode("tx", new[] { Feature(snr[i, i]), Feature(caused) });
            builder.AddNode("rx", new[] { Feature(snr[i, i]), Feature(suffered) });
        }
        float[] Gain(int rx, int tx) => new[] { Feature(snr[rx, tx]) };
        builder.AddWhere(Direct, (t, r) => t == r, (t, r) => Gain(r, t));
        builder.AddWhere(Interferes, (t, r) => t != r && snr[r, t] >= threshold, (t, r) => Gain(r, t));
        builder.AddWhere(Feedback, (r, t) => t == r, (r, t) => Gain(r, t));
        builder.AddWhere(Victim, (r, t) => t != r && snr[r, t] >= threshold, (r, t) => Gain(r, t));
        return builder.Build();
    }

    /// <summary>The scale-compressed gain fed to the network.</summary>
    public static float Feature(double snr) => (float)(Math.Log10(1 + snr) / 4);

    public static string Describe() => Schema.ToString();
}
