using BenchmarkDotNet.Attributes;
using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Benchmarks;

/// <summary>
/// One <see cref="MetaPathMessagePassing"/> layer on the downlink relation (APs -> MSs, complete bipartite), CF-HGNN
/// style: the edge feature scales the source embedding, mean aggregation, two-stage MLPs of width
/// <see cref="CellFreeBenchmark.Hidden"/>, residual. Inference (eval, no grad) and a training step's forward +
/// backward, where the gradients go to the parameters and to both inputs, as in a layer deep in a network.
/// </summary>
public class MessagePassingBenchmarks : CellFreeLayoutBenchmark
{
    private MetaPathMessagePassing _layer = null!;
    private GraphView _view = null!;
    private Tensor _source = null!, _target = null!;
    private Tensor[] _gradientInputs = null!;

    public static readonly MessagePassingOptions Options = new()
    {
        Hidden = Hidden,
        Aggregation = Aggregation.Mean,
        EdgeFeatures = EdgeFeatureUse.Scale,
    };

    [GlobalSetup(Target = nameof(Forward))]
    public void SetupInference() => Setup(training: false);

    [GlobalSetup(Target = nameof(ForwardBackward))]
    public void SetupTraining() => Setup(training: true);

    private void Setup(bool training)
    {
        BuildBatch();
        _view = View;
        manual_seed(Seed);
        _layer = new MetaPathMessagePassing(CellFreeGraphs.Downlink, Hidden, Hidden, Options);
        _layer.to(ComputeDevice);
        if (training) _layer.train(); else _layer.eval();
        using (NewDisposeScope())
        {
            // Own copies of the batch's features, so that requires_grad does not leak into the batch.
            _source = _view.Features("ap").detach().clone().requires_grad_(training).DetachFromDisposeScope();
            _target = _view.Features("ms").detach().clone().requires_grad_(training).DetachFromDisposeScope();
        }
        _gradientInputs = _layer.parameters().Append(_source).Append(_target).ToArray();
        // First calls build the view's cached masks / padding orders; keep them out of the measurements.
        if (training) ForwardBackward(); else Forward();
    }

    /// <summary>Inference: <c>[ap, ms] embeddings -> ms embeddings</c>, no autograd graph.</summary>
    [Benchmark]
    public long Forward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Finish(_layer.call(_source, _target, _view));
    }

    /// <summary>Forward, a scalar loss, and the gradients of every parameter and of both inputs.</summary>
    [Benchmark]
    public long ForwardBackward()
    {
        using var scope = NewDisposeScope();
        var loss = _layer.call(_source, _target, _view).square().mean();
        var gradients = autograd.grad(new[] { loss }, _gradientInputs);
        return Finish(gradients[^1]);
    }

    /// <summary>The inference output, flattened in graph-major node order, for <see cref="LayoutCheck"/>.</summary>
    internal float[] Output()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var y = _view.Nodes("ms").Flatten(_layer.call(_source, _target, _view));
        return y.cpu().contiguous().data<float>().ToArray();
    }

    protected override void ReleaseTensors()
    {
        _layer?.Dispose();
        _source?.Dispose();
        _target?.Dispose();
    }
}

/// <summary>
/// Checks that the two layouts of every benchmark compute the same numbers (like for like), at every size of the
/// grid, on the CPU: the aggregation, the edge softmax and the layer's forward pass. Run with <c>--check</c>.
/// </summary>
public static class LayoutCheck
{
    public static bool Run(TextWriter log)
    {
        bool ok = true;
        foreach (int aps in new[] { 16, 64 })
            foreach (int mss in new[] { 4, 32 })
            {
                var results = new Dictionary<GraphLayout, (float[] Sum, float[] Softmax, float[] Forward)>();
                foreach (var layout in new[] { GraphLayout.Sparse, GraphLayout.Dense })
                {
                    var view = new RelationViewBenchmarks { APs = aps, MSs = mss, Layout = layout };
                    view.Setup();
                    var (sum, softmax) = view.Outputs();
                    view.Cleanup();
                    var layer = new MessagePassingBenchmarks { APs = aps, MSs = mss, Layout = layout };
                    layer.SetupInference();
                    var forward = layer.Output();
                    layer.Cleanup();
                    results[layout] = (sum, softmax, forward);
                }
                var s = results[GraphLayout.Sparse];
                var d = results[GraphLayout.Dense];
                double sumGap = Gap(s.Sum, d.Sum), softmaxGap = Gap(s.Softmax, d.Softmax), forwardGap = Gap(s.Forward, d.Forward);
                bool pass = sumGap < 1e-3 && softmaxGap < 1e-5 && forwardGap < 1e-3;
                ok &= pass;
                log.WriteLine($"APs={aps,2} MSs={mss,2}: max |sparse - dense|  sum {sumGap:E1}  softmax {softmaxGap:E1}  layer forward {forwardGap:E1}  {(pass ? "ok" : "MISMATCH")}");
            }
        return ok;
    }

    private static double Gap(float[] a, float[] b) =>
        a.Length != b.Length ? double.PositiveInfinity : a.Zip(b, (x, y) => (double)Math.Abs(x - y)).DefaultIfEmpty(0).Max();
}

/// <summary>
/// Runs every kind of operation once on the smallest case before BenchmarkDotNet starts, so that the first measured
/// benchmark does not pay for libtorch's lazy start (kernel selection, thread pools, allocator arenas) in-process.
/// </summary>
public static class ProcessWarmup
{
    public static void Run()
    {
        foreach (var layout in new[] { GraphLayout.Sparse, GraphLayout.Dense })
        {
            var training = new MessagePassingBenchmarks { APs = 16, MSs = 4, Layout = layout };
            training.SetupTraining();
            for (int i = 0; i < 5; i++) training.ForwardBackward();
            training.Cleanup();
            var inference = new MessagePassingBenchmarks { APs = 16, MSs = 4, Layout = layout };
            inference.SetupInference();
            for (int i = 0; i < 5; i++) inference.Forward();
            inference.Cleanup();
        }
    }
}
