using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Graphs;

/// <summary>
/// Many graphs of one schema (of different sizes) on one device, in a sparse and a dense tensor layout. Each layout is
/// built on first use and kept for the life of the batch, so a fixed data set is converted once, not per step. The
/// batch owns its tensors (detached from dispose scopes) and releases them on <see cref="Dispose"/>.
/// </summary>
public sealed class GraphBatch : IDisposable
{
    private readonly Dictionary<string, int[]> _counts;
    private SparseGraphView? _sparse;
    private DenseGraphView? _dense;
    private readonly List<Tensor> _owned = new();
    private readonly List<IDisposable> _ownedIndexes = new();

    private GraphBatch(IReadOnlyList<HeteroGraph> graphs, Device device)
    {
        Graphs = graphs;
        Schema = graphs[0].Schema;
        Device = device;
        _counts = Schema.NodeTypes.ToDictionary(t => t.Name, t => graphs.Select(g => g.NodeCount(t.Name)).ToArray());
    }

    /// <summary>Batches <paramref name="graphs"/> (at least one, all of the same schema) on <paramref name="device"/> (CPU if null).</summary>
    public static GraphBatch Collate(IReadOnlyList<HeteroGraph> graphs, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        if (graphs.Count == 0) throw new ArgumentException("graphs: a batch needs at least one graph.", nameof(graphs));
        for (int i = 1; i < graphs.Count; i++)
            if (!ReferenceEquals(graphs[i].Schema, graphs[0].Schema))
                throw new ArgumentException($"graphs[{i}] has a different schema from graphs[0]; a batch holds graphs of one schema.", nameof(graphs));
        return new GraphBatch(graphs, device ?? CPU);
    }

    public IReadOnlyList<HeteroGraph> Graphs { get; }
    public GraphSchema Schema { get; }
    public Device Device { get; }
    public int GraphCount => Graphs.Count;

    /// <summary>Nodes of <paramref name="nodeType"/> in each graph.</summary>
    public IReadOnlyList<int> NodeCounts(string nodeType) => _counts[Schema.NodeType(nodeType).Name];

    /// <summary>The sparse layout (block-diagonal edge index with offsets).</summary>
    public GraphView Sparse => _sparse ??= new SparseGraphView(this);

    /// <summary>The dense layout (padding + masks).</summary>
    public GraphView Dense => _dense ??= new DenseGraphView(this);

    public GraphView View(GraphLayout layout) => layout == GraphLayout.Sparse ? Sparse : Dense;

    /// <summary>Keeps <paramref name="tensor"/> alive beyond any dispose scope until the batch is disposed.</summary>
    internal Tensor Own(Tensor tensor)
    {
        _owned.Add(tensor.DetachFromDisposeScope());
        return tensor;
    }

    internal T Own<T>(T disposable) where T : IDisposable
    {
        _ownedIndexes.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        foreach (var t in _owned) t.Dispose();
        foreach (var d in _ownedIndexes) d.Dispose();
        _owned.Clear();
        _ownedIndexes.Clear();
    }
}
