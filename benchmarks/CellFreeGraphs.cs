using BenchmarkDotNet.Attributes;
using TorchSharp;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Benchmarks;

/// <summary>
/// Cell-free massive MIMO graphs for the benchmarks: every AP serves every MS, so both relations are complete
/// bipartite (AP -> MS downlink, MS -> AP uplink) with one edge feature (a large-scale fading coefficient). Node
/// features are random and already <see cref="CellFreeBenchmark.Hidden"/> wide, so they stand in for the embeddings
/// a layer sees in the middle of a network. Everything is drawn from one seed.
/// </summary>
public static class CellFreeGraphs
{
    public static readonly Relation Downlink = new("ap", "downlink", "ms", edgeFeatureCount: 1);
    public static readonly Relation Uplink = new("ms", "uplink", "ap", edgeFeatureCount: 1);

    /// <summary>The schema: <c>ap[width]</c>, <c>ms[width]</c>, downlink and uplink with one edge feature each.</summary>
    public static GraphSchema Schema(int featureWidth) =>
        new(new[] { new NodeType("ap", featureWidth), new NodeType("ms", featureWidth) }, new[] { Downlink, Uplink });

    /// <summary><paramref name="graphs"/> graphs of <paramref name="aps"/> APs and <paramref name="mss"/> MSs each.</summary>
    public static IReadOnlyList<HeteroGraph> Build(int graphs, int aps, int mss, int featureWidth, int seed)
    {
        var schema = Schema(featureWidth);
        var rng = new Random(seed);
        var result = new List<HeteroGraph>(graphs);
        var row = new float[featureWidth];
        for (int g = 0; g < graphs; g++)
        {
            var builder = new HeteroGraphBuilder(schema);
            for (int a = 0; a < aps; a++) builder.AddNode("ap", Fill(row, rng));
            for (int m = 0; m < mss; m++) builder.AddNode("ms", Fill(row, rng));
            // One coefficient per AP-MS pair, shared by both directions as in a reciprocal (TDD) channel.
            var beta = new float[aps, mss];
            for (int a = 0; a < aps; a++)
                for (int m = 0; m < mss; m++) beta[a, m] = (float)rng.NextDouble();
            builder.AddCompleteBipartite(Downlink, (a, m) => new[] { beta[a, m] });
            builder.AddCompleteBipartite(Uplink, (m, a) => new[] { beta[a, m] });
            result.Add(builder.Build());
        }
        return result;
    }

    private static float[] Fill(float[] row, Random rng)
    {
        for (int i = 0; i < row.Length; i++) row[i] = (float)(2 * rng.NextDouble() - 1);
        return row;
    }
}

/// <summary>The compute devices the suite runs on: always <c>cpu</c>, and <c>cuda</c> when libtorch sees a GPU.</summary>
public static class BenchmarkDevices
{
    public static bool CudaAvailable => cuda.is_available();

    public static IEnumerable<string> Available()
    {
        yield return "cpu";
        if (CudaAvailable) yield return "cuda";
    }
}

/// <summary>
/// Shared parameter grid and setup: device x layout x cell-free size, a batch of <see cref="GraphCount"/> graphs built
/// once per case in <c>[GlobalSetup]</c> (graph construction and tensor conversion are never measured).
/// </summary>
public abstract class CellFreeBenchmark
{
    public const int GraphCount = 64;
    public const int Hidden = 128;
    public const int Seed = 20240601;

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    [Params(16, 64)]
    public int APs { get; set; }

    [Params(4, 32)]
    public int MSs { get; set; }

    public static IEnumerable<string> Devices() => BenchmarkDevices.Available();

    protected GraphBatch Batch { get; private set; } = null!;
    protected Device ComputeDevice { get; private set; } = CPU;

    protected void BuildBatch()
    {
        ComputeDevice = WirelessGnn.Graphs.TorchDevice.Resolve(Device);
        Batch = GraphBatch.Collate(CellFreeGraphs.Build(GraphCount, APs, MSs, Hidden, Seed), ComputeDevice);
    }

    /// <summary>Seeded standard-normal tensor, drawn on the CPU (same numbers on every device) and moved.</summary>
    protected Tensor RandomNormal(long[] shape, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        return randn(shape, generator: generator).to(ComputeDevice).DetachFromDisposeScope();
    }

    /// <summary>Waits for queued GPU work (CUDA is asynchronous), then hands BenchmarkDotNet something to consume.</summary>
    protected long Finish(Tensor result)
    {
        if (ComputeDevice.type == DeviceType.CUDA) cuda.synchronize(ComputeDevice);
        return result.NumberOfElements;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ReleaseTensors();
        Batch?.Dispose();
    }

    /// <summary>Disposes what a benchmark made in its setup besides the batch (which owns its views and indexes).</summary>
    protected virtual void ReleaseTensors() { }
}

/// <summary>A <see cref="CellFreeBenchmark"/> that also runs on both tensor layouts of the batch.</summary>
public abstract class CellFreeLayoutBenchmark : CellFreeBenchmark
{
    [Params(GraphLayout.Sparse, GraphLayout.Dense)]
    public GraphLayout Layout { get; set; }

    protected GraphView View => Batch.View(Layout);
}
