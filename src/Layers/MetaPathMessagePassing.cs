using TorchSharp;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>How a message-passing layer uses the edge features of its relation.</summary>
public enum EdgeFeatureUse
{
    /// <summary>Ignore them.</summary>
    None,
    /// <summary>Concatenate them to the source embedding: message input <c>[z_j ⊕ e_ij]</c>.</summary>
    Concat,
    /// <summary>Scale the source embedding by the (single) edge feature: <c>z_j · e_ij</c> (CF-HGNN eq. 11).</summary>
    Scale,
}

/// <summary>Settings of <see cref="MetaPathMessagePassing"/>.</summary>
public sealed record MessagePassingOptions
{
    /// <summary>Width of the messages (Ξ_1's output) and of the hidden stages.</summary>
    public int Hidden { get; init; } = 128;
    /// <summary>Width of the output; null means the target width (needed for the residual).</summary>
    public int? Output { get; init; }
    public Aggregation Aggregation { get; init; } = Aggregation.Mean;
    public EdgeFeatureUse EdgeFeatures { get; init; } = EdgeFeatureUse.Concat;
    /// <summary>
    /// False (default, PyG-style): transform each message with Ξ_1, then aggregate. True (CF-HGNN eq. 11, literal):
    /// sum the raw messages, apply Ξ_1 at the target, then divide by the in-degree when aggregating by mean.
    /// </summary>
    public bool TransformAfterAggregation { get; init; }
    /// <summary>Add the target's own embedding to the output (needs output width == target width).</summary>
    public bool Residual { get; init; } = true;
    public Activation Activation { get; init; } = Activation.LeakyReLU;
    public Normalization Normalization { get; init; } = Normalization.None;
    public double LeakySlope { get; init; } = 0.01;
    /// <summary>Linear stages of the message network Ξ_1 and of the update network Ξ_2.</summary>
    public int Depth { get; init; } = 2;
}

/// <summary>
/// Message passing along one relation (a meta-path realised as a relation), with edge features, two MLPs and a
/// residual connection:
/// <c>z_i' = Ξ_2( z_i ⊕ AGG_{j∈N(i)} Ξ_1(m_ij) ) + z_i</c>, where <c>m_ij</c> is the source embedding with the edge
/// features (concatenated or as a scale). Inputs: source embeddings and target embeddings in node layout
/// (<c>[N_src, F_src]</c> / <c>[B, N_src, F_src]</c> and likewise for targets); output: target node layout with width
/// <see cref="OutputWidth"/>. Equivariant under any relabelling of source and target nodes.
/// </summary>
public sealed class MetaPathMessagePassing : nn.Module<Tensor, Tensor, GraphView, Tensor>
{
    private readonly Mlp message;
    private readonly Mlp update;

    public MetaPathMessagePassing(Relation relation, int sourceWidth, int targetWidth, MessagePassingOptions? options = null)
        : base(nameof(MetaPathMessagePassing))
    {
        Options = options ?? new MessagePassingOptions();
        Relation = relation;
        if (Options.EdgeFeatures == EdgeFeatureUse.Scale && relation.EdgeFeatureCount != 1)
            throw new ArgumentException($"EdgeFeatureUse.Scale needs exactly one edge feature; {relation} has {relation.EdgeFeatureCount}.", nameof(options));
        if (Options.TransformAfterAggregation && Options.EdgeFeatures == EdgeFeatureUse.Concat && relation.EdgeFeatureCount > 0)
            throw new ArgumentException("TransformAfterAggregation sums raw messages; use EdgeFeatureUse.Scale or None with it.", nameof(options));
        if (Options.Depth < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.Depth, "Depth must be >= 1.");
        SourceWidth = sourceWidth;
        TargetWidth = targetWidth;
        OutputWidth = Options.Output ?? targetWidth;
        if (Options.Residual && OutputWidth != targetWidth)
            throw new ArgumentException($"A residual connection needs output width == target width ({targetWidth}); got {OutputWidth}.", nameof(options));

        int messageInput = sourceWidth + (Options.EdgeFeatures == EdgeFeatureUse.Concat ? relation.EdgeFeatureCount : 0);
        message = new Mlp(Widths(messageInput, Options.Hidden, Options.Hidden), Options.Activation, Options.Normalization, true, Options.LeakySlope);
        update = new Mlp(Widths(targetWidth + Options.Hidden, Options.Hidden, OutputWidth), Options.Activation, Options.Normalization, true, Options.LeakySlope);
        RegisterComponents();
    }

    public Relation Relation { get; }
    public MessagePassingOptions Options { get; }
    public int SourceWidth { get; }
    public int TargetWidth { get; }
    public int OutputWidth { get; }

    public override Tensor forward(Tensor source, Tensor target, GraphView graph)
    {
        var edges = graph.Relation(Relation);
        var targets = graph.Nodes(Relation.Target);
        var messages = edges.Source(source);
        if (Options.EdgeFeatures == EdgeFeatureUse.Scale) messages = messages * edges.EdgeFeatures;
        else if (Options.EdgeFeatures == EdgeFeatureUse.Concat && Relation.EdgeFeatureCount > 0)
            messages = cat(new[] { messages, edges.EdgeFeatures }, -1);

        Tensor aggregated;
        if (!Options.TransformAfterAggregation)
            aggregated = edges.Aggregate(edges.Edgewise(message, messages), Options.Aggregation);
        else
        {
            var summed = edges.Aggregate(messages, Options.Aggregation == Aggregation.Max ? Aggregation.Max : Aggregation.Sum);
            aggregated = targets.Nodewise(message, summed);
            if (Options.Aggregation == Aggregation.Mean) aggregated = aggregated / edges.InDegree.clamp_min(1);
        }

        var output = targets.Nodewise(update, cat(new[] { target, aggregated }, -1));
        return Options.Residual ? output + target : output;
    }

    private int[] Widths(int input, int hidden, int output) =>
        new[] { input }.Concat(Enumerable.Repeat(hidden, Options.Depth - 1)).Append(output).ToArray();
}
